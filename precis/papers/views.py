import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from precis.collections.models import Collection
from precis.core import pagecache, readerpages
from precis.core.paginators import CachedCountPaginator
from precis.core.readerpages import shared_for_readers
from precis.discussions.models import Question, comment_count
from precis.importers.services import (
    ImportFailed,
    import_by_identifier,
    import_newer_arxiv_version,
)
from precis.lib import identifiers, ratelimit
from precis.lib.moderation import ModerationState
from precis.lib.navigation import safe_next
from precis.lib.visitors import visitor_of
from precis.notifications.services import is_following
from precis.summaries.models import Summary

from . import demand, discovery, request_views
from .models import Author, Paper, PaperRedirect, Venue
from .services import find_paper_by_citation_key
from .versions import versions_of

PAPERS_PER_PAGE = 20
VENUES_PER_PAGE = 50
SUMMARIES_ON_PAPER_PAGE = 10
COLLECTIONS_ON_PAPER_PAGE = 10
QUESTIONS_ON_PAPER_PAGE = 20


def paper_by_id(request, pk):
    return redirect(_paper_or_redirect(Paper.objects, pk), permanent=True)


def _paper_or_redirect(papers, pk):
    """The paper with ``pk``, or the one it was merged into; 404 if neither exists."""
    paper = papers.filter(pk=pk).first()
    if paper is None:
        merged = PaperRedirect.objects.filter(old_id=pk).select_related("paper").first()
        if merged is None:
            raise Http404("No such paper.")
        paper = merged.paper
    return paper


def _work_on(reader, pk, slug) -> list:
    """The reader's summary of paper ``pk`` (it may be private, and it turns "Write a
    summary" into "Edit your summary") or their question there that only they see: with
    either, they get the page rendered for them (core/readerpages.py)."""
    return [
        readerpages.exists("summaries.Summary", paper=pk, author=reader),
        readerpages.exists(
            "discussions.Question",
            paper=pk,
            author=reader,
            excluding={"moderation": ModerationState.OK.value},
        ),
    ]


@shared_for_readers(unless=_work_on)
def paper_detail(request, pk, slug):
    paper = _paper_or_redirect(Paper.objects.with_authors(), pk)
    if paper.pk != pk or slug != paper.slug:
        return redirect(paper, permanent=True)
    summaries = (
        Summary.objects.listed_for(request.user)
        .filter(paper=paper)
        .for_display(request.user, with_paper=False)
        .annotate(comment_count=comment_count())
        .best_first()
    )
    # One query counts the summaries and finds the reader's own among them.
    counts = summaries.order_by().aggregate(
        total=Count("pk"), own=Count("pk", filter=Q(author_id=request.user.pk))
    )
    paginator = Paginator(summaries, SUMMARIES_ON_PAPER_PAGE)
    paginator.count = counts["total"]
    page = paginator.get_page(request.GET.get("page"))
    questions = list(
        Question.objects.visible_to(request.user)
        .filter(paper=paper)
        .for_listing()[: QUESTIONS_ON_PAPER_PAGE + 1]
    )
    more_questions = len(questions) > QUESTIONS_ON_PAPER_PAGE
    questions = questions[:QUESTIONS_ON_PAPER_PAGE]
    collections = list(
        Collection.objects.listed()
        .filter(items__paper=paper)
        .distinct()
        .select_related("owner")
        .order_by("-updated_at", "-pk")[: COLLECTIONS_ON_PAPER_PAGE + 1]
    )
    # Visits are a paper's demand only while nobody has explained it (the home page's
    # waiting list); an explained paper's page costs its readers no write.
    waiting = counts["total"] == counts["own"]
    if waiting:
        demand.count_view(paper.pk, visitor=visitor_of(request))
    response = render(
        request,
        "papers/detail.html",
        {
            "following": is_following(request.user, paper=paper),
            "requested": not counts["total"] and demand.has_requested(request.user, paper),
            **request_views.paper_page_context(request, paper, waiting=not counts["total"]),
            "paper": paper,
            "paper_versions": versions_of(paper),
            "summaries": page.object_list,
            "summary_total": page.paginator.count,
            "page": page,
            "own_summary": counts["own"] > 0,
            "open_questions": [q for q in questions if q.is_open],
            "answered_questions": [q for q in questions if not q.is_open],
            "more_questions": more_questions,
            "related": discovery.related_papers(paper),
            "collections": collections[:COLLECTIONS_ON_PAPER_PAGE],
            "more_collections": len(collections) > COLLECTIONS_ON_PAPER_PAGE,
        },
    )
    if waiting:
        pagecache.on_hit(response, "precis.papers.views.count_cached_view", paper.pk)
    return response


def count_cached_view(request, paper_id: int) -> None:
    """A signed-out reader got a paper's page from the page cache."""
    demand.count_view(paper_id, visitor=visitor_of(request))


@login_required
@require_POST
def request_summary(request, pk):
    """Ask for a summary of a paper ("I want a summary of this"), or take the request
    back (``action=withdraw``)."""
    paper = get_object_or_404(Paper, pk=pk)
    if not ratelimit.allows(ratelimit.SUMMARY_REQUEST, ratelimit.actor_of(request)):
        limit = ratelimit.SUMMARY_REQUEST
        message = (
            f"You asked for (or withdrew) {limit.count} summaries in the last "
            f"{limit.window_seconds // 60} minutes, which is as many as we take. "
            "Please try again in a few minutes; nothing was changed."
        )
        response = render(request, "429.html", {"message": message}, status=429)
        response["Retry-After"] = str(limit.window_seconds)
        return response
    if request.POST.get("action") == "withdraw":
        demand.withdraw_request(requester=request.user, paper=paper)
        messages.success(request, "Request withdrawn.")
    else:
        demand.request_summary(requester=request.user, paper=paper)
        messages.success(
            request,
            "Asked. Writers see this paper among those waiting for a summary; "
            "follow it to hear when one is written.",
        )
    return redirect(safe_next(request, paper.get_absolute_url()))


# Proxies and browsers collapse "//" in paths, so /arxiv/https://arxiv.org/abs/x
# arrives as /arxiv/https:/arxiv.org/abs/x.
COLLAPSED_SCHEME = re.compile(r"^(https?):/(?!/)", re.IGNORECASE)


def by_identifier(request, scheme, value):
    """Redirect an external id (in any accepted form) to the paper's canonical page."""
    value = COLLAPSED_SCHEME.sub(r"\1://", value)
    if request.GET and scheme == "doi":
        value = f"{value}?{request.GET.urlencode()}"
    return _redirect_to_paper(request, scheme, value)


def by_bibtex_key(request):
    """The original site's /paper?bibtexKey=… links."""
    key = request.GET.get("bibtexKey", "")
    return _redirect_to_paper(request, "bibtex", key)


def _redirect_to_paper(request, scheme, value):
    """Redirect to the paper; import it first when it is new here and the id is valid."""
    try:
        normalized = identifiers.normalize(scheme, value)
    except identifiers.InvalidIdentifier as exc:
        return _identifier_page(request, scheme, value, status=400, error=str(exc))
    if scheme == "bibtex":
        paper = find_paper_by_citation_key(normalized)
    else:
        paper = Paper.objects.by_identifier(scheme, normalized).first()
    if paper is not None:
        if scheme == "arxiv":  # a link to a version newer than ours: fetch it (versions)
            import_newer_arxiv_version(
                paper,
                value,
                allowed=lambda: ratelimit.allows(
                    ratelimit.PAPER_IMPORT, ratelimit.actor_of(request)
                ),
            )
        return redirect(paper)
    if not ratelimit.allows(ratelimit.PAPER_IMPORT, ratelimit.actor_of(request)):
        message = "Too many papers imported from this address in the last minute."
        return _identifier_page(request, scheme, normalized, status=429, error=message, retry=True)
    try:
        paper = import_by_identifier(scheme, normalized)
    except ImportFailed as exc:
        status = 404 if exc.not_found else 503 if exc.retryable else 502
        return _identifier_page(
            request, scheme, normalized, status=status, error=str(exc), retry=exc.retryable
        )
    return redirect(paper)


def _identifier_page(request, scheme, value, *, status, error, retry=False):
    return render(
        request,
        "papers/unknown_identifier.html",
        {
            "scheme": scheme,
            "value": value,
            "error": error,
            "malformed": status == 400,
            "retry": retry,
            "external_url": "" if status == 400 else _external_url(scheme, value),
        },
        status=status,
    )


def _external_url(scheme, value):
    return {
        "arxiv": identifiers.arxiv_url,
        "doi": identifiers.doi_url,
        "dblp": identifiers.dblp_url,
    }.get(scheme, lambda _: "")(value)


def venue_list(request):
    """Venues with listed summaries, most explained first, a page at a time.

    Counted from the summarised papers' standing, so the cost follows what readers
    wrote, not how many papers were imported.
    """
    counts = (
        Paper.objects.filter(listed_summaries__gt=0)
        .exclude(venue=None)
        .values("venue")
        .annotate(summary_count=Sum("listed_summaries"), paper_count=Count("pk"))
        .order_by("-summary_count", "venue")
    )
    page = Paginator(counts, VENUES_PER_PAGE).get_page(request.GET.get("page"))
    by_id = Venue.objects.in_bulk([row["venue"] for row in page])
    venues = []
    for row in page:
        venue = by_id[row["venue"]]
        venue.summary_count, venue.paper_count = row["summary_count"], row["paper_count"]
        venues.append(venue)
    return render(request, "papers/venue_list.html", {"venues": venues, "page": page})


@shared_for_readers()
def venue_detail(request, key, year=None):
    venue = get_object_or_404(Venue, key=key)
    # Read through the (venue, year) index of summarised papers: a venue's other
    # papers, thousands for a harvested one, are never read.
    summarised = Paper.objects.filter(venue=venue, listed_summaries__gt=0)
    years = list(
        summarised.exclude(year=None)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
        .values_list("year", "n")
    )
    papers = (
        summarised.annotate(best=F("best_wilson"), summary_count=F("listed_summaries"))
        .order_by("-best", "-summary_count", "title", "pk")
        .with_authors()
    )
    if year is not None:
        papers = papers.filter(year=year)
    page = CachedCountPaginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    top_summaries = _top_summary_of_each(page.object_list, request.user)
    entries = [(paper, top_summaries.get(paper.pk)) for paper in page.object_list]
    return render(
        request,
        "papers/venue_detail.html",
        {
            "venue": venue,
            "year": year,
            "years": years,
            "page": page,
            "entries": entries,
            "following": is_following(request.user, venue=venue),
        },
    )


def _top_summary_of_each(papers, user):
    """The best listed summary of each paper (none by people ``user`` muted), in one query."""
    best = {}
    summaries = (
        Summary.objects.listed()
        .excluding_muted_by(user)
        .filter(paper__in=list(papers))
        .for_display(user, with_paper=False)
        .best_first()
    )
    for summary in summaries:
        best.setdefault(summary.paper_id, summary)
    return best


@shared_for_readers()
def author_detail(request, pk, slug):
    author = get_object_or_404(Author, pk=pk)
    if slug != author.slug:
        return redirect(author, permanent=True)
    page = Paginator(discovery.papers_of_author(author), PAPERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "papers/author_detail.html",
        {
            "author": author,
            "page": page,
            "entries": _entries(page, request.user),
            "co_authors": discovery.co_authors(author),
        },
    )


@shared_for_readers()
def topic_detail(request, name):
    """Papers of an arXiv category (cs.LG) or with a keyword (any case)."""
    canonical = discovery.canonical_category(name)
    if canonical and canonical != name:
        return redirect("papers:topic", canonical, permanent=True)
    page = Paginator(discovery.papers_on_topic(name), PAPERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    if not page.paginator.count:
        raise Http404("No paper on this topic.")
    return render(
        request,
        "papers/topic.html",
        {
            "name": name,
            "label": discovery.category_label(name),
            "is_category": discovery.looks_like_category(name),
            "page": page,
            "entries": _entries(page, request.user),
        },
    )


def _entries(page, user):
    """(paper, its best listed summary or None) for each paper of the page."""
    best = _top_summary_of_each(page.object_list, user)
    return [(paper, best.get(paper.pk)) for paper in page.object_list]
