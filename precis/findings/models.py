"""Findings: typed, trackable reports about a paper, each with a status and a thread.

A finding says something about the paper itself (an erratum, a failed or a
successful reproduction, a missing or wrong citation, where its code or data
live), unlike a summary (an account of it) or a question (something unclear).
Anyone signed in may report one; its reporter, the paper's verified authors and
moderators move its status on, and every move is kept (``StatusChange``).

Findings and their replies are writing like comments and answers
(``discussions.models.Written``): moderated, soft-deleted, and rendered once at
save through the one renderer (``render()``; ``manage.py rerender`` covers them).
``FindingQuerySet.visible()`` is the one rule for what the public may see: the
pages, feeds, API, counts and the open data dump read it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When

from precis.discussions.models import AliveQuerySet, Written, shown_count
from precis.lib.urls import link
from precis.papers.models import Paper


class Kind(models.TextChoices):
    ERRATUM = "erratum", "Erratum"
    FAILED_REPRODUCTION = "failed_reproduction", "Failed reproduction"
    REPRODUCTION = "reproduction", "Successful reproduction"
    CITATION = "citation", "Missing or wrong citation"
    CODE_DATA = "code_data", "Code or data link"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Resolved"
    # Taken back by its reporter: kept, with its thread, but no longer open.
    WITHDRAWN = "withdrawn", "Withdrawn"


# The order of a paper's findings: what still needs attention first.
STATUS_ORDER = [Status.OPEN, Status.CONFIRMED, Status.DISPUTED, Status.RESOLVED, Status.WITHDRAWN]


def reply_count():
    """An annotation for a Finding queryset: its replies the public may see (a subquery)."""
    return shown_count(FindingReply, "finding")


class WrittenQuerySet(AliveQuerySet):
    # This app's name for ``shown()``: the pages, feeds, API and dump read it as ``visible()``.
    visible = AliveQuerySet.shown


class FindingQuerySet(WrittenQuerySet):
    def open(self):
        return self.filter(status=Status.OPEN)

    def links(self):
        """Code and data links the paper's header may show: public, not disputed or
        withdrawn."""
        return (
            self.visible()
            .filter(kind=Kind.CODE_DATA)
            .exclude(link_url="")
            .exclude(status__in=[Status.DISPUTED, Status.WITHDRAWN])
        )

    def open_first(self):
        """Open, then confirmed, disputed, resolved, withdrawn; newest first within each."""
        rank = Case(
            *(When(status=status, then=Value(n)) for n, status in enumerate(STATUS_ORDER)),
            default=Value(len(STATUS_ORDER)),
            output_field=models.IntegerField(),
        )
        return self.annotate(status_rank=rank).order_by("status_rank", "-created_at", "-pk")

    def for_listing(self):
        return self.select_related("author").annotate(reply_count=reply_count())


class Finding(Written):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="findings")
    # The reporter.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    title = models.CharField(max_length=200)
    # The version of the paper it concerns, as its reporter gave it: "v2", or a date.
    paper_version = models.CharField(max_length=40, blank=True)
    # The evidence; a code or data link may have none.
    source = models.TextField(blank=True)
    html = models.TextField(editable=False, blank=True)
    # http(s) only; required for a code or data link.
    link_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["paper", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return link("findings:detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_link(self) -> bool:
        return self.kind == Kind.CODE_DATA


class FindingReply(Written):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="finding_replies"
    )
    # Written by a verified author of the paper (a claim through a proven ORCID iD)
    # at the time: shown as "author" beside the name.
    by_paper_author = models.BooleanField(default=False)

    objects = WrittenQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["finding", "created_at"])]
        verbose_name_plural = "finding replies"

    def __str__(self) -> str:
        return f"Reply {self.pk} to finding {self.finding_id}"

    def get_absolute_url(self) -> str:
        return f"{link('findings:detail', self.finding_id)}#reply-{self.pk}"


class StatusChange(models.Model):
    """One move of a finding's status: who, when, from what to what, and in what role."""

    class Role(models.TextChoices):
        REPORTER = "reporter", "Reporter"
        AUTHOR = "author", "Author of the paper"
        MODERATOR = "moderator", "Moderator"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="status_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    # The reply that came with it (a paper's author must give one).
    reply = models.ForeignKey(
        FindingReply, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Finding {self.finding_id}: {self.from_status} → {self.to_status}"
