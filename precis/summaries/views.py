import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from precis.core import generations, pagecache, readerpages
from precis.core.readerpages import shared_for_readers
from precis.discussions.threads import comment_place, thread_context
from precis.lib import ratelimit, richtext
from precis.lib.navigation import number
from precis.lib.ratelimit import actor_of, rate_limited
from precis.lib.visitors import visitor_of
from precis.lib.votes import vote_response
from precis.papers.models import Paper

from . import editing, services, versioning
from .diffing import Block, BlockDiff, compare, compare_blocks, split_blocks
from .forms import SummaryForm
from .models import Summary

# One draft per session, the latest: a visitor posting to many papers replaces it
# rather than growing the session row that every later request has to load.
DRAFT_SESSION_KEY = "precis:draft"
# The about page's advice on length (templates/core/about.html); the editor counts words.
WORDS_GUIDANCE = (150, 500)
REVISIONS_PER_PAGE = 50
# Revisions never change; the cache key holds the renderer version.
REVISION_HTML_CACHE_SECONDS = 7 * 24 * 3600


def _comments_on(reader, pk) -> list:
    """The reader's comments on summary ``pk``: one may be held or hidden, which only they
    see, so with any they get the page rendered for them (core/readerpages.py)."""
    return [readerpages.exists("discussions.Comment", summary=pk, author=reader)]


@shared_for_readers(unless=_comments_on)
def detail(request, pk):
    """A summary and a page of its comments: ``?comments=<page>``, or the page that
    shows comment ``?comment=<id>`` (what a comment's permalink asks for)."""
    summary = get_object_or_404(
        Summary.objects.viewable_by(request.user).for_display(request.user), pk=pk
    )
    page = request.GET.get("comments")
    wanted = number(request.GET.get("comment"))
    if wanted is not None:
        place = comment_place(summary, wanted, request.user)
        if place.url:  # deep in a long thread: shown on the thread's own page
            return redirect(place.url)
        page = place.page
    if summary.author_id != request.user.pk:
        services.record_view(summary=summary, visitor=visitor_of(request))
    comments = thread_context(
        summary, request.user, page=page, reply_to=number(request.GET.get("reply_to"))
    )
    response = render(
        request,
        "summaries/detail.html",
        {
            "summary": summary,
            "paper": summary.paper,
            "version_notice": versioning.version_notice(summary, summary.paper),
            **comments,
        },
    )
    if summary.is_listed:
        pagecache.on_hit(response, "precis.summaries.views.count_cached_view", summary.pk)
    return response


def count_cached_view(request, summary_id: int) -> None:
    """A signed-out reader got a listed summary's page from the page cache."""
    services.count_view(summary_id, visitor=visitor_of(request))


@rate_limited(ratelimit.SUMMARY_SAVE)
def write(request, paper_id):
    """Write or edit the signed-in user's summary of a paper.

    A POST from a visitor whose session expired is kept in the session and
    offered again after they sign in, so nothing typed is lost.
    """
    paper = get_object_or_404(Paper.objects.with_authors(), pk=paper_id)
    if not request.user.is_authenticated:
        if request.method == "POST":
            _keep_draft(request, paper)
        login_url = reverse("account_login")
        return redirect(f"{login_url}?{urlencode({'next': request.path})}")

    summary = Summary.objects.filter(paper=paper, author=request.user).first()
    latest_revision = services.latest_revision_number(summary)
    preview_html = ""
    draft = None  # a draft to restore, with its notice
    kept = None  # the writer's stored draft: the autosave goes on from its version
    if request.method == "POST":
        form = SummaryForm(request.POST)
        if form.is_valid() and "preview" not in request.POST:
            data = form.cleaned_data
            try:
                summary = services.save_from_editor(
                    author=request.user,
                    paper=paper,
                    source=data["source"],
                    visibility=data["visibility"],
                    anonymous=data["anonymous"],
                )
            except ValidationError as exc:
                form.add_error("source", exc)
            else:
                _take_draft(request, paper)
                messages.success(request, _saved_message(summary))
                return redirect(summary)
        elif form.is_valid():
            preview_html = editing.preview(form.cleaned_data["source"])
        # Not saved: the text is in the form again, and kept as a draft in case the tab
        # closes now (the autosave's job when JavaScript runs).
        kept = _keep_server_draft(request, paper, base_revision=latest_revision)
    else:
        restored = _take_draft(request, paper)
        kept = services.draft_of(writer=request.user, paper=paper)
        draft = None if restored else kept
        if restored:
            messages.info(request, "We kept the text you wrote before signing in.")
            form = SummaryForm(initial=restored)
        elif draft:
            form = SummaryForm(
                initial={
                    "source": draft.source,
                    "visibility": draft.visibility,
                    "anonymous": draft.anonymous,
                }
            )
        elif summary:
            form = SummaryForm(
                initial={
                    "source": summary.source,
                    "visibility": summary.visibility,
                    "anonymous": summary.anonymous,
                }
            )
        else:
            form = SummaryForm()
    return render(
        request,
        "summaries/edit.html",
        {
            "paper": paper,
            "summary": summary,
            "form": form,
            "preview_html": preview_html,
            "draft": draft,
            "draft_version": kept.version if kept else 0,
            "latest_revision": latest_revision,
            # The revision the text in the box started from: the autosave sends it back.
            "base_revision": draft.base_revision if draft else latest_revision,
            "words_guidance": WORDS_GUIDANCE,
        },
    )


def _keep_server_draft(request, paper, *, base_revision: int):
    """Keep a posted text that was not saved as the writer's draft, quietly: the form
    shows it again, and says what is wrong with it. The draft kept, if any."""
    # Too long, or too many drafts: the text is in the form all the same, with its error.
    with contextlib.suppress(ValidationError):
        return services.save_draft(
            writer=request.user,
            paper=paper,
            source=request.POST.get("source", ""),
            visibility=request.POST.get("visibility", ""),
            anonymous=bool(request.POST.get("anonymous")),
            base_revision=base_revision,
        ).draft
    return services.draft_of(writer=request.user, paper=paper)


@require_POST
@rate_limited(ratelimit.DRAFT_SAVE)
def save_draft(request, paper_id):
    """The editor's autosave, a few seconds after typing stops and as the page is left
    (``navigator.sendBeacon``): JSON saying what was kept and anything the writer
    should know (another tab's text replaced, the summary saved elsewhere since)."""
    if not request.user.is_authenticated:
        return _draft_error(
            "You are signed out, so this draft is not kept. Sign in from another tab; your "
            "text is still here.",
            401,
        )
    paper = get_object_or_404(Paper, pk=paper_id)
    try:
        saved = services.save_draft(
            writer=request.user,
            paper=paper,
            source=request.POST.get("source", ""),
            visibility=request.POST.get("visibility", ""),
            anonymous=bool(request.POST.get("anonymous")),
            tab=request.POST.get("tab", ""),
            seen_version=number(request.POST.get("version"), default=0, minimum=0),
            base_revision=number(request.POST.get("base"), default=0, minimum=0),
        )
    except ValidationError as exc:
        return _draft_error(exc.messages[0], 400)
    draft = saved.draft
    return JsonResponse(
        {
            "kept": draft is not None,
            "version": draft.version if draft else 0,
            "saved_at": draft.saved_at.isoformat() if draft else None,
            "latest_revision": saved.latest_revision,
            "replaced_other_tab": saved.replaced_other_tab,
            "replaced_at": saved.replaced_at.isoformat() if saved.replaced_at else None,
        }
    )


def _draft_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message, "errors": [message]}, status=status)


@login_required
@require_POST
def discard_draft(request, paper_id):
    """Throw the draft away; the editor opens on the saved summary, if any, again (or the
    list of drafts, when it was discarded from there)."""
    paper = get_object_or_404(Paper, pk=paper_id)
    from_list = request.POST.get("from") == "drafts"
    if services.discard_draft(writer=request.user, paper=paper):
        has_summary = Summary.objects.filter(paper=paper, author=request.user).exists()
        if from_list:
            messages.info(request, f"Draft of “{paper.title}” discarded.")
        else:
            messages.info(
                request,
                "Draft discarded. This is your saved summary."
                if has_summary
                else "Draft discarded.",
            )
    if from_list:
        return redirect("summaries:drafts")
    return redirect("summaries:write", paper_id=paper.pk)


DRAFTS_PER_PAGE = 25


@login_required
def drafts(request):
    """The signed-in writer's unsaved drafts, to pick one up again or throw it away."""
    page = Paginator(services.drafts_of(request.user), DRAFTS_PER_PAGE).get_page(
        number(request.GET.get("page"))
    )
    return render(request, "summaries/drafts.html", {"page": page})


def _keep_draft(request, paper) -> None:
    """Keep a signed-out visitor's posted text in their session until they sign in."""
    source = request.POST.get("source", "")
    if len(source) > services.MAX_SOURCE_CHARS:
        messages.error(
            request,
            f"Your text has {len(source):,} characters, more than the {services.MAX_SOURCE_CHARS:,} "
            "a summary may have, so it could not be kept. Copy it somewhere safe, then sign in.",
        )
        return
    if not ratelimit.allows(ratelimit.DRAFT_KEEP, actor_of(request)):
        messages.error(request, "Too many drafts from this address; copy your text, then sign in.")
        return
    request.session[DRAFT_SESSION_KEY] = {
        "paper": paper.pk,
        "source": source,
        "visibility": request.POST.get("visibility", "private")[:20],
        "anonymous": bool(request.POST.get("anonymous")),
    }
    messages.info(request, "Your text is kept. Sign in and it will be waiting for you.")


def _take_draft(request, paper) -> dict | None:
    """The kept draft for ``paper``, removed from the session; None if there is none."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not isinstance(draft, dict) or draft.get("paper") != paper.pk:
        return None
    del request.session[DRAFT_SESSION_KEY]
    return {key: draft[key] for key in ("source", "visibility", "anonymous") if key in draft}


def _saved_message(summary):
    if summary.is_private:
        return "Saved as a private draft. Only you can see it."
    if not summary.is_shown:
        reason = summary.moderation_reason or "A moderator will look at it first."
        return f"Saved. {reason.rstrip('.')}. Until then, only you can see it."
    if summary.visibility == "unlisted":
        return "Saved. Anyone with the link can read it; it is not listed anywhere."
    return "Published. Thank you for explaining this paper."


@login_required
def edit(request, pk):
    summary = get_object_or_404(Summary, pk=pk, author=request.user)
    return redirect("summaries:write", paper_id=summary.paper_id)


@login_required
@require_POST
@rate_limited(ratelimit.PREVIEW)
def preview(request):
    """The live preview: the saved page's rendering, a note on formulas that failed, or
    why the text cannot be rendered, in place of the preview where the writer looks
    (site.js keeps the last preview on an error status, so these answer 200)."""
    source = request.POST.get("source", "")
    if len(source) > services.MAX_SOURCE_CHARS:
        return HttpResponseBadRequest("Too long to preview.")
    return HttpResponse(editing.preview(source), content_type="text/html; charset=utf-8")


def history(request, pk):
    """Every revision of a summary, and what changed between two of them.

    ``a`` and ``b`` pick the revisions (default: the latest and the one before);
    ``view=rendered`` shows the newer one rendered, its changed, added and removed
    blocks marked, instead of the word-by-word diff of the source. Both are
    bounded in time and size (see ``diffing``), and only the two compared
    revisions' texts are loaded, however many there are.
    """
    summary = get_object_or_404(
        Summary.objects.viewable_by(request.user).select_related("paper", "author"), pk=pk
    )
    view = "rendered" if request.GET.get("view") == "rendered" else "source"
    older, newer, latest = _compared_revisions(
        summary, number(request.GET.get("a")), number(request.GET.get("b"))
    )
    listing = summary.revisions.only(
        "summary", "number", "created_at", "visibility", "anonymous", "note"
    )
    page = Paginator(listing, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "summary": summary,
        "paper": summary.paper,
        "page": page,
        "older": older,
        "newer": newer,
        "view": view,
        "is_writer": summary.author_id == request.user.pk,
        "latest_number": latest,
        # The list is newest first and numbered downwards, across pages.
        "list_start": page.paginator.count - page.start_index() + 1,
    }
    if newer is not None and view == "rendered":
        context["blocks"] = _compared_rendered(summary, older, newer)
    elif newer is not None:
        context["diff"] = _compared(older, newer)
    return render(request, "summaries/history.html", context)


def _compared_revisions(summary, a: int | None, b: int | None):
    """(older, newer, latest number) for the history page: revision ``b`` (else the
    latest) and ``a`` (else the one before; None before the first). Two queries, and
    only these texts are loaded, however many revisions there are."""
    latest = summary.revisions.values_list("number", flat=True).first()
    if latest is None:
        return None, None, 0
    b = b if b is not None and 0 < b <= latest else latest
    a = a if a is not None and 0 <= a <= latest else b - 1
    found = {
        revision.number: revision
        for revision in summary.revisions.filter(number__in={a, b, latest})
    }
    newer = found.get(b) or found[latest]
    return found.get(a), newer, latest


def _compared(older, newer):
    """The diff of two revisions, cached: revisions never change, and a diff may spend
    its whole budget, so that any visitor's walk over pairs costs it once per pair."""
    key = f"summaries:diff:v2:{older.pk if older else 0}:{newer.pk}"
    return cache.get_or_set(
        key,
        lambda: compare(older.source if older else "", newer.source),
        REVISION_HTML_CACHE_SECONDS,
    )


def _compared_rendered(summary, older, newer) -> BlockDiff:
    """The newer revision rendered, its blocks marked against the older's (none marked
    for a first revision, or a revision against itself); cached as diffs are."""
    if older is None or older == newer:
        return BlockDiff([Block("same", html) for html in split_blocks(_rendered(summary, newer))])
    key = f"summaries:rendered-diff:{older.pk}:{newer.pk}:{richtext.RENDERER_VERSION}"
    # Both rendered alike: the stored HTML of the current text names cited papers by
    # title, which would mark every block with a citation as changed.
    return cache.get_or_set(
        key,
        lambda: compare_blocks(_revision_html(older), _revision_html(newer)),
        REVISION_HTML_CACHE_SECONDS,
    )


def _rendered(summary, revision) -> str:
    """A revision as rendered HTML: the stored HTML when it is the current text, else
    rendered on demand (bounded, like every render) and cached; revisions never change."""
    current = revision.source == summary.source
    if current and summary.renderer_version == richtext.RENDERER_VERSION:
        return summary.html
    return _revision_html(revision)


def _revision_html(revision) -> str:
    key = f"summaries:revision-html:{revision.pk}:{richtext.RENDERER_VERSION}"
    # No cite labels: they cost a query per citation, and the link is the same. Not
    # strict: a revision saved before the renderer's limits comes back escaped.
    return cache.get_or_set(
        key,
        lambda: richtext.render(revision.source, doc_id=f"rev{revision.number}", strict=False),
        REVISION_HTML_CACHE_SECONDS,
    )


@login_required
@require_POST
def restore(request, pk, number):
    summary = get_object_or_404(Summary, pk=pk, author=request.user)
    revision = get_object_or_404(summary.revisions, number=number)
    services.restore_revision(summary=summary, revision=revision, editor=request.user)
    messages.success(request, f"Revision {number} is the current text again.")
    return redirect("summaries:history", pk=summary.pk)


@login_required
@require_POST
def confirm_version(request, pk):
    """The writer says their summary still holds for the paper's newest version."""
    summary = get_object_or_404(Summary, pk=pk, author=request.user, deleted_at__isnull=True)
    was_outdated = versioning.is_outdated(summary, summary.paper)
    services.confirm_for_current_version(summary=summary, editor=request.user)
    if was_outdated:
        messages.success(request, "Marked as holding for the paper's current version.")
    return redirect(summary)


@login_required
@require_POST
def delete(request, pk):
    summary = get_object_or_404(Summary, pk=pk, author=request.user)
    services.delete_summary(summary=summary, editor=request.user)
    messages.success(request, "Summary deleted. You can undo this from its page.")
    return redirect(summary)


@login_required
@require_POST
def undelete(request, pk):
    summary = get_object_or_404(Summary, pk=pk, author=request.user)
    services.undelete_summary(summary=summary, editor=request.user)
    messages.success(request, "Summary restored.")
    return redirect(summary)


@login_required
@require_POST
@rate_limited(ratelimit.VOTE)
@generations.soft_write_view
def vote(request, pk):
    summary = get_object_or_404(Summary.objects.viewable_by(request.user), pk=pk)
    return vote_response(
        request,
        cast=lambda value: services.cast_vote(voter=request.user, summary=summary, value=value),
        fallback_url=summary.get_absolute_url(),
    )
