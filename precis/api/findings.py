"""The findings endpoints: a paper's findings, one finding with its thread, and the
writes (report, reply, change status). Same shape as ``api.py``: schema in, service
call, schema out; every endpoint names its auth.

What a caller sees is ``Finding.objects.visible_to(user)``: the public's findings,
plus the caller's own held or hidden ones, less those of people they muted.
"""

from datetime import datetime
from typing import Literal

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from precis.findings import services as findings
from precis.findings.models import Finding, FindingReply, Kind, Status, StatusChange
from precis.lib.moderation import is_moderator
from precis.papers.models import Paper

from .auth import PUBLIC, WRITE, limit_action
from .pagination import MAX_LIMIT, paginate
from .schemas import Error, Page, UserRef, absolute, user_ref

KindName = Literal[tuple(Kind.values)]
StatusName = Literal[tuple(Status.values)]


class FindingOut(Schema):
    id: int
    url: str
    paper_id: int
    kind: KindName
    status: StatusName
    title: str
    paper_version: str = Field(description='the version it concerns, as reported ("v2"); may be ""')
    link_url: str = Field(description='http(s) address; always set for "code_data"')
    html: str = Field(description="the evidence, rendered (Markdown with math)")
    reporter: UserRef
    reply_count: int
    created_at: datetime
    status_changed_at: datetime | None


class FindingReplyOut(Schema):
    id: int
    author: UserRef
    by_paper_author: bool = Field(description="written by a verified (ORCID) author of the paper")
    html: str
    created_at: datetime


class StatusChangeOut(Schema):
    from_status: StatusName
    to_status: StatusName
    role: Literal["reporter", "author", "moderator"]
    by: UserRef | None
    reply_id: int | None
    created_at: datetime


class FindingDetail(FindingOut):
    replies: list[FindingReplyOut]
    history: list[StatusChangeOut]


class FindingPage(Page):
    open_count: int = Field(description="open findings on the paper the public may see")
    results: list[FindingOut]


class FindingIn(Schema):
    kind: KindName
    title: str = Field(max_length=200)
    source: str = Field(default="", max_length=20_000, description="the evidence, Markdown")
    paper_version: str = Field(default="", max_length=40)
    link_url: str = Field(default="", max_length=500)


class FindingReplyIn(Schema):
    source: str = Field(max_length=10_000)
    status: StatusName | None = Field(
        default=None, description="move the finding on with this reply (a paper's author must)"
    )


class StatusIn(Schema):
    status: StatusName


def _responses(ok, *codes):
    return {**ok, **dict.fromkeys((*codes, 401, 429), Error)}


def finding_out(finding: Finding) -> dict:
    return {
        "id": finding.pk,
        "url": absolute(finding.get_absolute_url()),
        "paper_id": finding.paper_id,
        "kind": finding.kind,
        "status": finding.status,
        "title": finding.title,
        "paper_version": finding.paper_version,
        "link_url": finding.link_url,
        "html": finding.html,
        "reporter": user_ref(finding.author),
        "reply_count": getattr(finding, "reply_count", 0),
        "created_at": finding.created_at,
        "status_changed_at": finding.status_changed_at,
    }


def reply_out(reply: FindingReply) -> dict:
    return {
        "id": reply.pk,
        "author": user_ref(reply.author),
        "by_paper_author": reply.by_paper_author,
        "html": reply.html,
        "created_at": reply.created_at,
    }


def change_out(change: StatusChange) -> dict:
    return {
        "from_status": change.from_status,
        "to_status": change.to_status,
        "role": change.role,
        "by": user_ref(change.changed_by) if change.changed_by else None,
        "reply_id": change.reply_id,
        "created_at": change.created_at,
    }


router = Router(tags=["findings"])


def _paper(paper_id: int) -> Paper:
    paper = Paper.objects.filter(pk=paper_id).first()
    if paper is None:
        raise Http404("No such paper.")
    return paper


def _finding(request, finding_id: int) -> Finding:
    """A finding the caller may see (deleted ones: moderators only), with its counts."""
    found = Finding.objects.filter(pk=finding_id).for_listing().first()
    user = request.user
    if found is None or not found.is_visible_to(user):
        raise Http404("No such finding.")
    if found.deleted_at is not None and not is_moderator(user):
        raise Http404("No such finding.")
    return found


@router.get(
    "/papers/{int:paper_id}/findings",
    auth=PUBLIC,
    response=_responses({200: FindingPage}, 400, 404, 422),
)
def paper_findings(
    request,
    paper_id: int,
    kind: KindName | None = None,
    status: StatusName | None = None,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
):
    """The paper's findings, newest first; filter by ``kind`` and ``status``."""
    paper = _paper(paper_id)
    qs = Finding.objects.visible_to(request.user).filter(paper=paper).for_listing()
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    rows, next_url = paginate(
        request, qs, key="created_at", descending=True, cursor=cursor, limit=limit
    )
    return {
        "results": [finding_out(f) for f in rows],
        "next": next_url,
        "open_count": findings.open_count(paper.pk),
    }


@router.post(
    "/papers/{int:paper_id}/findings",
    auth=WRITE,
    response=_responses({200: FindingOut}, 403, 404, 422),
)
def report_finding(request, paper_id: int, data: FindingIn):
    """Report a finding: evidence is required, but for ``code_data``, which needs ``link_url``."""
    limit_action(request, findings.FINDING)
    finding = findings.report_finding(
        author=request.user,
        paper=_paper(paper_id),
        kind=data.kind,
        title=data.title,
        source=data.source,
        paper_version=data.paper_version,
        link_url=data.link_url,
    )
    return finding_out(_finding(request, finding.pk))


@router.get(
    "/findings/{int:finding_id}", auth=PUBLIC, response=_responses({200: FindingDetail}, 404)
)
def get_finding(request, finding_id: int):
    """One finding with its replies (oldest first) and its status history."""
    finding = _finding(request, finding_id)
    replies = (
        FindingReply.objects.visible_to(request.user)
        .filter(finding=finding)
        .select_related("author")
        .order_by("created_at", "pk")[:200]
    )
    history = StatusChange.objects.filter(finding=finding).select_related("changed_by")
    return {
        **finding_out(finding),
        "replies": [reply_out(r) for r in replies],
        "history": [change_out(c) for c in history.order_by("created_at", "pk")],
    }


@router.post(
    "/findings/{int:finding_id}/replies",
    auth=WRITE,
    response=_responses({200: FindingReplyOut}, 403, 404, 422),
)
def post_reply(request, finding_id: int, data: FindingReplyIn):
    limit_action(request, findings.FINDING)
    reply = findings.post_reply(
        author=request.user,
        finding=_finding(request, finding_id),
        source=data.source,
        status=data.status or "",
    )
    return reply_out(reply)


@router.post(
    "/findings/{int:finding_id}/status",
    auth=WRITE,
    response=_responses({200: FindingOut}, 403, 404, 422),
)
def change_status(request, finding_id: int, data: StatusIn):
    """Its reporter withdraws, resolves or reopens it; a moderator sets any status. A
    paper's author changes it with a reply instead (``/replies`` with ``status``)."""
    limit_action(request, findings.FINDING)
    finding = _finding(request, finding_id)
    findings.change_status(finding=finding, by=request.user, to=data.status)
    return finding_out(_finding(request, finding_id))
