"""What the moderation pages show: items found as a viewer may see them, the queue's rows
with their authors' histories, and the audit log's lines.

The queue and the log cost a fixed number of queries whatever their length: one for
the page of flags, one per kind of content on it (the generic ``target``, with what
its label needs), one for the reports, one for the authors with their histories
counted in subqueries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from precis.accounts.models import User
from precis.collections.models import Collection
from precis.discussions.models import Answer, Comment, Question
from precis.findings.models import FindingReply
from precis.lib.moderation import is_moderator
from precis.summaries.models import Summary

from .forms import PRESET_REASONS, SUGGESTED_PRESETS
from .kinds import BY_NAME, KINDS, Kind, excerpt, kind_of
from .models import Action, Flag, Reason, Report

REPORTS_SHOWN = 10  # per queue item; the total is on the flag
EXCERPT_CHARS = 300
# Resolutions that went against the author: what "flags upheld" counts.
UPHELD = ("hidden", "deleted", "spam")


# -- one item, as a viewer may see it ------------------------------------------------


def _alive(row) -> bool:
    return getattr(row, "deleted_at", None) is None


def find_visible(kind: Kind, pk: int, user):
    """The ``kind`` row ``pk`` if ``user`` may see it (the pages' own rules), else None."""
    if kind.name == "summary":
        return Summary.objects.viewable_by(user).select_related("paper").filter(pk=pk).first()
    if kind.name == "collection":
        return Collection.objects.visible_to(user).filter(pk=pk).first()
    if kind.name == "profile":
        person = User.objects.filter(pk=pk).first()
        if person and (person.is_public or person.pk == user.pk or is_moderator(user)):
            return person
        return None
    row = kind.model.objects.filter(pk=pk, deleted_at__isnull=True).first()
    if row is None or not row.is_visible_to(user):
        return None
    if kind.name == "comment" and not row.summary.is_viewable_by(user):
        return None
    if kind.name == "answer":
        question = row.question
        if not (_alive(question) and question.is_visible_to(user)):
            return None
    if kind.name == "findingreply":
        finding = row.finding
        if not (_alive(finding) and finding.is_visible_to(user)):
            return None
    return row


def find_own(kind: Kind, pk: int, user):
    """The ``kind`` row ``pk`` if ``user`` wrote it (or it is their profile), else None."""
    if kind.name == "profile":
        return User.objects.filter(pk=pk).first() if user.pk == pk else None
    return kind.model.objects.filter(pk=pk, **{kind.model.author_field: user}).first()


def url_of(row) -> str:
    return row.get_absolute_url()


def thread_of(row):
    """The summary or question whose replies a moderator may lock for ``row``, or None."""
    name = kind_of(row).name
    if name in ("summary", "question"):
        return row
    if name == "comment":
        return row.summary
    if name == "answer":
        return row.question
    return None


def is_locked(thread) -> bool:
    return bool(
        getattr(thread, "comments_locked", False) or getattr(thread, "answers_locked", False)
    )


# -- the queue -----------------------------------------------------------------------


@dataclass
class QueueRow:
    flag: Flag
    kind: Kind | None
    row: object | None  # None when the item is gone
    label: str = ""
    excerpt: str = ""
    url: str = ""
    thread: object | None = None
    reports: list = field(default_factory=list)
    author: User | None = None  # with its history annotated (see ``with_history``)

    @property
    def thread_locked(self) -> bool:
        return self.thread is not None and is_locked(self.thread)

    @property
    def thread_kind(self) -> str:
        return kind_of(self.thread).name if self.thread is not None else ""

    @property
    def more_reports(self) -> int:
        return max(self.flag.report_count - len(self.reports), 0)

    @property
    def appeal_text(self) -> str:
        return " ".join(
            s.removeprefix("appeal: ") for s in self.flag.signals if str(s).startswith("appeal: ")
        )

    @property
    def suggested_reason(self) -> str:
        """The preset reason the reports (or the spam rules) point to, if any."""
        reasons = Counter(report.reason for report in self.reports)
        if reasons:
            return SUGGESTED_PRESETS.get(reasons.most_common(1)[0][0], "")
        return SUGGESTED_PRESETS[Reason.SPAM] if self.flag.score else ""

    @property
    def rule_signals(self) -> list[str]:
        return [s for s in self.flag.signals if not str(s).startswith("appeal: ")]


def _targets() -> GenericPrefetch:
    """The flagged items, each kind with what its label and thread need."""
    return GenericPrefetch(
        "target",
        [
            Summary.objects.select_related("paper"),
            Comment.objects.select_related("summary__paper"),
            Question.objects.all(),
            Answer.objects.select_related("question"),
            Collection.objects.all(),
            User.objects.all(),
            FindingReply.objects.select_related("finding"),  # precis.findings
        ],
    )


def for_queue(flags):
    """``flags`` with everything a queue row shows, in a fixed number of queries."""
    reports = Report.objects.select_related("reporter").order_by("created_at", "pk")
    return flags.prefetch_related(
        _targets(),
        Prefetch("reports", queryset=reports[:REPORTS_SHOWN], to_attr="shown_reports"),
    )


def _count(model, author_field: str, **filters):
    rows = (
        model.objects.filter(**{author_field: OuterRef("pk")}, **filters)
        .order_by()
        .values(author_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_history(people):
    """People with what a moderator weighs: how much they wrote, and how earlier flags
    on their writing ended. One query, however many people."""
    return people.annotate(
        summary_total=_count(Summary, "author", deleted_at__isnull=True),
        comment_total=_count(Comment, "author", deleted_at__isnull=True),
        question_total=_count(Question, "author", deleted_at__isnull=True),
        answer_total=_count(Answer, "author", deleted_at__isnull=True),
        collection_total=_count(Collection, "owner"),
        flags_decided=_count(Flag, "author", resolved_at__isnull=False),
        flags_upheld=_count(Flag, "author", resolution__in=UPHELD),
    )


def queue_rows(flags) -> list[QueueRow]:
    """Rows for ``flags`` (already through ``for_queue``): one more query, for the authors."""
    flags = list(flags)
    author_ids = {flag.author_id for flag in flags if flag.author_id}
    authors = {person.pk: person for person in with_history(User.objects.filter(pk__in=author_ids))}
    rows = []
    for flag in flags:
        row = flag.target
        kind = kind_of(row) if row is not None else _kind_of_type(flag.target_type_id)
        rows.append(
            QueueRow(
                flag=flag,
                kind=kind,
                row=row,
                label=kind.label(row) if row is not None else "",
                excerpt=excerpt(row, max_chars=EXCERPT_CHARS) if row is not None else "",
                url=url_of(row) if row is not None else "",
                thread=thread_of(row) if row is not None else None,
                reports=flag.shown_reports,
                author=authors.get(flag.author_id),
            )
        )
    return rows


def _kind_of_type(content_type_id: int) -> Kind | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return next((kind for kind in KINDS if kind.model is model), None)


def cause_counts(flags) -> dict[str, int]:
    """Open flags per cause, and in all (``"all"``), in one query."""
    counts = flags.aggregate(
        all=Count("pk"),
        **{cause: Count("pk", filter=Q(cause=cause)) for cause in Flag.Cause.values},
    )
    return counts


# -- one item, outside the queue ------------------------------------------------------

ITEM_LOG_LINES = 20


def item_context(kind: Kind, row) -> dict:
    """What a moderator's page for one item shows: the item, its open queue item if
    any, its author's record, and its latest log lines. A fixed number of queries."""
    target = {"target_type": ContentType.objects.get_for_model(row), "target_id": row.pk}
    author = kind.author_of(row)
    thread = thread_of(row)
    actions = Action.objects.filter(**target).order_by("-created_at", "-pk")
    return {
        "kind": kind,
        "row": row,
        "label": kind.label(row),
        "excerpt": excerpt(row, max_chars=EXCERPT_CHARS),
        "url": url_of(row),
        "thread": thread,
        "thread_locked": thread is not None and is_locked(thread),
        "thread_kind": kind_of(thread).name if thread is not None else "",
        "person": with_history(User.objects.filter(pk=author.pk)).first() if author else None,
        "flag": Flag.objects.open().filter(**target).first(),
        "lines": log_lines(actions[:ITEM_LOG_LINES]),
        "presets": PRESET_REASONS,
    }


# -- the audit log -------------------------------------------------------------------


@dataclass
class LogLine:
    action: Action
    url: str  # empty when the item is gone
    changes: list[str]

    @property
    def kind(self) -> str:
        kind = _kind_of_type(self.action.target_type_id)
        return kind.name if kind else ""


def _value(value) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changes(action: Action) -> list[str]:
    """What the action changed, one "field: before → after" a line."""
    before, after = action.before or {}, action.after or {}
    lines = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old != new:
            lines.append(f"{key}: {_value(old)} → {_value(new)}")
    return lines


def log_lines(actions) -> list[LogLine]:
    """Lines for a page of ``actions``: one query for the moderators, one per kind of item."""
    actions = list(actions.select_related("moderator").prefetch_related("target"))
    return [
        LogLine(
            action=action,
            url=url_of(action.target) if action.target and _alive(action.target) else "",
            changes=changes(action),
        )
        for action in actions
    ]


def actions_about(person) -> Q:
    """Actions on ``person``'s profile or on anything they wrote."""
    matches = Q(target_type=ContentType.objects.get_for_model(User), target_id=person.pk)
    for kind in KINDS:
        if kind.name == "profile":
            continue
        written = kind.model.objects.filter(**{kind.model.author_field: person}).values("pk")
        matches |= Q(
            target_type=ContentType.objects.get_for_model(kind.model), target_id__in=written
        )
    return matches


def kind_named(name: str) -> Kind | None:
    return BY_NAME.get(name)
