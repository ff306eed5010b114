"""``/requests/``: the papers readers most want explained, and writers' claims on them.

The list is ``demand.waiting()``: papers a counted reader asked for, with no good
summary yet (none listed with a score of zero or more), not taken off the lists by a
moderator, most asked for first; filterable by field and venue, a page at a time.
Asking for a summary stays on the paper page's form (``papers:request_summary``,
also the browser extension's link), which this page's buttons post to as well.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from precis.core.paginators import CachedCountPaginator
from precis.lib import ratelimit
from precis.lib.navigation import number, safe_next

from . import claims, demand
from .fields import FIELDS
from .models import Paper, SummaryRequest, Venue

PAPERS_PER_PAGE = 20
# The venue filter offers the venues with the most waiting papers, this many at most.
VENUES_IN_FILTER = 40
VENUE_KEY = re.compile(r"[-a-zA-Z0-9_]{1,40}")


def _filters(params) -> tuple[str, Venue | None]:
    """The field and venue asked for; an unknown one is a 404 (a URL naming a filter
    that does not exist is a broken link, and its page is not worth caching)."""
    field = params.get("field", "")
    if field and field not in FIELDS:
        raise Http404("No such field.")
    key = params.get("venue", "")
    venue = None
    if key:
        if not VENUE_KEY.fullmatch(key):
            raise Http404("No such venue.")
        venue = Venue.objects.filter(key=key).first()
        if venue is None:
            raise Http404("No such venue.")
    return field, venue


def requests_list(request):
    field, venue = _filters(request.GET)
    papers = demand.waiting()
    if field:
        papers = papers.filter(field=field)
    if venue is not None:
        papers = papers.filter(venue=venue)
    page = CachedCountPaginator(papers.with_authors(), PAPERS_PER_PAGE).get_page(
        number(request.GET.get("page"), default=1)
    )
    rows = list(page.object_list)
    claimed = claims.claims_of(rows)
    asked = set()
    if request.user.is_authenticated and rows:
        asked = set(
            SummaryRequest.objects.filter(requester=request.user, paper__in=rows).values_list(
                "paper_id", flat=True
            )
        )
    # The waiting papers as a subquery: grouped directly, SQLite read every paper with a
    # venue down the venue index (250 ms at 100k papers) instead of the few waiting ones.
    venues = (
        Paper.objects.filter(pk__in=demand.waiting().exclude(venue=None).values("pk"))
        .order_by()
        .values("venue__key", "venue__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "venue__key")[:VENUES_IN_FILTER]
    )
    return render(
        request,
        "papers/requests.html",
        {
            "page": page,
            "entries": [(paper, claimed.get(paper.pk), paper.pk in asked) for paper in rows],
            "field": field,
            "venue": venue,
            "fields": FIELDS,
            "venues": list(venues),
            "claim_days": settings.CLAIM_DAYS,
            "may_claim": claims.may_claim(request.user),
        },
    )


def paper_page_context(request, paper, *, waiting: bool) -> dict:
    """What the paper page's request box shows of claims (``papers/_claim.html``): the
    open claim, and whether the reader may claim; no query when the paper has a summary."""
    if not waiting:
        return {"claim": None, "may_claim": False}
    return {
        "claim": claims.claim_of(paper),
        "may_claim": claims.may_claim(request.user) and paper.request_count > 0,
        "claim_days": settings.CLAIM_DAYS,
    }


@login_required
@require_POST
def claim(request, pk):
    """Claim a requested paper ("I'll write it"), or release one's claim (``action=release``)."""
    paper = get_object_or_404(Paper, pk=number(pk, default=0))
    back = redirect(safe_next(request, paper.get_absolute_url()))
    if not ratelimit.allows(ratelimit.SUMMARY_CLAIM, ratelimit.actor_of(request)):
        limit = ratelimit.SUMMARY_CLAIM
        message = (
            f"You claimed or released {limit.count} papers in the last "
            f"{limit.window_seconds // 60} minutes, which is as many as we take. "
            "Please try again in a few minutes; nothing was changed."
        )
        response = render(request, "429.html", {"message": message}, status=429)
        response["Retry-After"] = str(limit.window_seconds)
        return response
    if request.POST.get("action") == "release":
        if claims.release_claim(writer=request.user, paper=paper):
            messages.success(request, "Released. Another writer may claim the paper now.")
        return back
    try:
        held = claims.claim_paper(writer=request.user, paper=paper)
    except claims.ClaimRefused as refused:
        messages.error(request, str(refused))
        return back
    messages.success(
        request,
        f"It is yours until {claims.until_label(held)}: others see that you are writing a summary. "
        "Publishing it ends the claim; so does releasing it.",
    )
    return back
