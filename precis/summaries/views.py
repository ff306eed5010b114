from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from precis.discussions.threads import thread_context
from precis.lib import richtext
from precis.lib.ratelimit import rate_limited
from precis.lib.votes import vote_response
from precis.papers.models import Paper

from . import services
from .diffing import line_diff
from .forms import SummaryForm
from .models import Summary

DRAFT_SESSION_KEY = "precis:draft:{paper_id}"


def detail(request, pk):
    summary = get_object_or_404(
        Summary.objects.viewable_by(request.user).for_display(request.user), pk=pk
    )
    if summary.author_id != request.user.pk:
        services.record_view(summary=summary, visitor=_visitor(request))
    comments = thread_context(summary, request.user, reply_to=_int(request.GET.get("reply_to")))
    return render(
        request, "summaries/detail.html", {"summary": summary, "paper": summary.paper, **comments}
    )


def _visitor(request) -> str:
    """An opaque string that tells visitors apart for a day; hashed before it is kept."""
    address = request.META.get("REMOTE_ADDR", "")
    return f"{address}|{request.headers.get('User-Agent', '')}"


@rate_limited("summary_save", limit=30, window_seconds=60)
def write(request, paper_id):
    """Write or edit the signed-in user's summary of a paper.

    A POST from a visitor whose session expired is kept in the session and
    offered again after they sign in, so nothing typed is lost.
    """
    paper = get_object_or_404(Paper.objects.with_authors(), pk=paper_id)
    draft_key = DRAFT_SESSION_KEY.format(paper_id=paper.pk)
    if not request.user.is_authenticated:
        if request.method == "POST":
            request.session[draft_key] = {
                "source": request.POST.get("source", ""),
                "visibility": request.POST.get("visibility", "private"),
                "anonymous": bool(request.POST.get("anonymous")),
            }
            messages.info(request, "Your text is kept. Sign in and it will be waiting for you.")
        login_url = reverse("account_login")
        return redirect(f"{login_url}?{urlencode({'next': request.path})}")

    summary = Summary.objects.filter(paper=paper, author=request.user).first()
    preview_html = ""
    if request.method == "POST":
        form = SummaryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview_html = richtext.render(data["source"])
            else:
                try:
                    summary = services.save_summary(
                        author=request.user,
                        paper=paper,
                        source=data["source"],
                        visibility=data["visibility"],
                        anonymous=data["anonymous"],
                    )
                except ValidationError as exc:
                    form.add_error("source", exc)
                else:
                    request.session.pop(draft_key, None)
                    messages.success(request, _saved_message(summary))
                    return redirect(summary)
    else:
        restored = request.session.pop(draft_key, None)
        if restored:
            messages.info(request, "We kept the text you wrote before signing in.")
            form = SummaryForm(initial=restored)
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
        {"paper": paper, "summary": summary, "form": form, "preview_html": preview_html},
    )


def _saved_message(summary):
    if summary.is_private:
        return "Saved as a private draft. Only you can see it."
    if summary.visibility == "unlisted":
        return "Saved. Anyone with the link can read it; it is not listed anywhere."
    return "Published. Thank you for explaining this paper."


@login_required
def edit(request, pk):
    summary = get_object_or_404(Summary, pk=pk, author=request.user)
    return redirect("summaries:write", paper_id=summary.paper_id)


@login_required
@require_POST
@rate_limited("preview", limit=120, window_seconds=60)
def preview(request):
    source = request.POST.get("source", "")
    if len(source) > services.MAX_SOURCE_CHARS:
        return HttpResponseBadRequest("Too long to preview.")
    return HttpResponse(richtext.render(source), content_type="text/html; charset=utf-8")


def history(request, pk):
    summary = get_object_or_404(
        Summary.objects.viewable_by(request.user).select_related("paper", "author"), pk=pk
    )
    revisions = list(summary.revisions.select_related("editor"))
    by_number = {revision.number: revision for revision in revisions}
    newer = by_number.get(_int(request.GET.get("b"))) or (revisions[0] if revisions else None)
    older = by_number.get(_int(request.GET.get("a")))
    if older is None and newer is not None:
        older = by_number.get(newer.number - 1)
    diff = line_diff(older.source if older else "", newer.source) if newer else []
    return render(
        request,
        "summaries/history.html",
        {
            "summary": summary,
            "paper": summary.paper,
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "diff": diff,
            "is_writer": summary.author_id == request.user.pk,
        },
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
@rate_limited("vote", limit=60, window_seconds=60)
def vote(request, pk):
    summary = get_object_or_404(Summary.objects.viewable_by(request.user), pk=pk)
    return vote_response(
        request,
        cast=lambda value: services.cast_vote(voter=request.user, summary=summary, value=value),
        fallback_url=summary.get_absolute_url(),
    )
