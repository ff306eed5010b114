"""Pages for findings: the site's list, a paper's list, one finding with its thread, the
form to report one; and the POSTs that reply, move a status, delete a reply.

Thin: each reads its input, finds what the reader may see (strangers get 404 for
what they may not), calls ``services`` and answers.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from precis.lib.moderation import is_moderator
from precis.lib.posting import delete_or_404, readable_or_404, refusal, save_form
from precis.lib.ratelimit import rate_limited
from precis.papers.models import Paper, PaperRedirect

from . import services
from .forms import FindingForm, ReplyForm, StatusForm
from .models import Finding, FindingReply, Kind, Status, StatusChange

FINDINGS_PER_PAGE = 20
REPLIES_ON_PAGE = 200  # a thread longer than this shows its first 200 (and says so)

limited = rate_limited(services.FINDING)
# The services refuse with either (a reply to a finding since deleted: PermissionDenied);
# the forms show both beside what was typed.
REFUSED = (ValidationError, PermissionDenied)


def _paper(paper_id: int) -> Paper:
    """The paper, or the one it was merged into (as a redirect target), or 404."""
    paper = Paper.objects.with_authors().filter(pk=paper_id).first()
    if paper is None:
        merged = PaperRedirect.objects.filter(old_id=paper_id).select_related("paper").first()
        if merged is None:
            raise Http404("No such paper.")
        return merged.paper
    return paper


def _filters(request) -> tuple[str, str]:
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    return (kind if kind in Kind.values else ""), (status if status in Status.values else "")


def site_list(request):
    """Findings on every paper, newest first, by kind and status."""
    kind, status = _filters(request)
    findings = Finding.objects.visible_to(request.user)
    if kind:
        findings = findings.filter(kind=kind)
    if status:
        findings = findings.filter(status=status)
    findings = findings.for_listing().select_related("paper").order_by("-created_at", "-pk")
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "findings/site_list.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": Kind.choices,
            "statuses": Status.choices,
        },
    )


def paper_list(request, paper_id):
    """Every finding about one paper, open ones first."""
    paper = _paper(paper_id)
    if paper.pk != paper_id:
        return redirect("findings:paper", paper_id=paper.pk, permanent=True)
    findings = (
        Finding.objects.visible_to(request.user).filter(paper=paper).for_listing().open_first()
    )
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "findings/paper_list.html", {"paper": paper, "page": page})


@login_required
@limited
def new(request, paper_id):
    """The form to report a finding about a paper; what was typed is kept on an error."""
    paper = _paper(paper_id)
    if request.method == "POST":
        form = FindingForm(request.POST)
        report = partial(services.report_finding, author=request.user, paper=paper)
        finding = save_form(form, report, refused=REFUSED)
        if finding is not None:
            if finding.is_shown:
                messages.success(request, "Thanks: your finding is listed on the paper's page.")
            return redirect(finding)
    else:
        kind = request.GET.get("kind", "")
        form = FindingForm(initial={"kind": kind if kind in Kind.values else Kind.ERRATUM})
    return render(
        request,
        "findings/new.html",
        {"paper": paper, "form": form, "versions": _known_versions(paper)},
    )


def _known_versions(paper) -> list[str]:
    """The paper's versions as the versions part records them, for the form's suggestions."""
    try:
        from precis.papers.models import PaperVersion
    except ImportError:  # versions are not recorded on this site yet
        return []
    return list(PaperVersion.objects.filter(paper=paper).values_list("label", flat=True)[:50])


def _viewable(request, pk) -> Finding:
    """A finding the reader may open: a deleted one only moderators, a held or hidden one
    only its reporter and moderators; everyone else gets 404."""
    findings = Finding.objects.select_related("author")
    return readable_or_404(findings, pk, request.user, noun="finding", author_sees_deleted=False)


def detail(request, pk, *, reply_form=None):
    """One finding: its evidence, status and history, and the thread of replies."""
    finding = _viewable(request, pk)
    paper = Paper.objects.with_authors().get(pk=finding.paper_id)
    user = request.user
    replies = list(
        FindingReply.objects.visible_to(user)
        .filter(finding=finding)
        .select_related("author")
        .order_by("created_at", "pk")[: REPLIES_ON_PAGE + 1]
    )
    history = list(
        StatusChange.objects.filter(finding=finding)
        .select_related("changed_by")
        .order_by("created_at", "pk")
    )
    paper_author = services.is_paper_author(user, finding.paper_id)
    choices = services.status_choices_for(finding, user, author=paper_author)
    may_reply = services.may_reply(finding, user)
    if reply_form is None and may_reply:
        reply_form = ReplyForm()
    # Without a reply: its reporter's and a moderator's moves; an author's come with one.
    direct = choices if (is_moderator(user) or finding.author_id == user.pk) else []
    return render(
        request,
        "findings/detail.html",
        {
            "finding": finding,
            "paper": paper,
            "replies": replies[:REPLIES_ON_PAGE],
            "more_replies": len(replies) > REPLIES_ON_PAGE,
            "history": history,
            "reply_form": reply_form if may_reply else None,
            "reply_statuses": [(s, Status(s).label) for s in choices],
            "direct_statuses": [(s, Status(s).label) for s in direct],
            "is_paper_author": paper_author,
            "may_delete_any": is_moderator(user),
        },
    )


@login_required
@require_POST
@limited
def reply(request, pk):
    finding = _viewable(request, pk)
    form = ReplyForm(request.POST)
    post = partial(services.post_reply, author=request.user, finding=finding)
    made = save_form(form, post, refused=REFUSED)
    if made is not None:
        return redirect(made)
    return detail(request, pk, reply_form=form)


@login_required
@require_POST
@limited
def change_status(request, pk):
    finding = _viewable(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the statuses listed.")
        return redirect(finding)
    try:
        services.change_status(finding=finding, by=request.user, to=form.cleaned_data["status"])
    except PermissionDenied:
        raise Http404("No such finding.") from None
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, f"Marked as {finding.get_status_display().lower()}.")
    return redirect(finding)


@login_required
@require_POST
@limited
def reply_delete(request, pk):
    made = delete_or_404(
        request, FindingReply.objects.alive(), pk, services.delete_reply, noun="reply"
    )
    return redirect("findings:detail", pk=made.finding_id)
