"""Findings: typed, trackable reports about a paper, each with a status and a thread.

A finding says something about the paper itself (an erratum, a failed or a
successful reproduction, a missing or wrong citation, where its code or data
live), unlike a summary (an account of it) or a question (something unclear).
Anyone signed in may report one; its reporter, the paper's verified authors and
moderators move its status on, and every move is kept (``StatusChange``).

Findings and their replies carry moderation state like every other piece of
people's writing (``lib.moderation.Moderated``), are soft-deleted, and are
rendered once at save through the one renderer (``render()``; ``manage.py
rerender`` covers them). ``FindingQuerySet.visible()`` is the one rule for what
the public may see: the pages, feeds, API, counts and the open data dump read it.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from precis.accounts.models import Block, User
from precis.lib import richtext
from precis.lib.moderation import Moderated, shown
from precis.lib.urls import link
from precis.papers.models import Paper
from precis.papers.services import citation_title


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


def render_source(source: str) -> str:
    """The one renderer, with headings below the page's own and @mentions linked.

    Not strict: writing checks the limits first (``services.validate_evidence``); a row
    stored before a limit existed must still re-render, as escaped text.
    """
    # Footnote ids must differ between the finding and its replies on one page.
    doc_id = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:8]
    return richtext.render(
        source,
        heading_level=3,
        cite_label=citation_title,
        mention_links=User.objects.profile_links,
        doc_id=doc_id,
        strict=False,
    )


def reply_count():
    """An annotation for a Finding queryset: its replies the public may see (a subquery)."""
    counts = (
        FindingReply.objects.visible()
        .filter(finding=OuterRef("pk"))
        .order_by()
        .values("finding")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)


class WrittenQuerySet(models.QuerySet):
    """What findings and replies share: soft deletion, moderation, mutes."""

    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def visible(self):
        """What the public may see, list and count: not deleted, not held or hidden."""
        return self.alive().filter(shown())

    def visible_to(self, user):
        """What ``user`` sees listed: the public's, plus their own held or hidden ones,
        less those of people they muted or blocked."""
        if not user.is_authenticated:
            return self.visible()
        return self.alive().filter(shown() | Q(author=user)).excluding_muted_by(user)

    def excluding_muted_by(self, user):
        if not user.is_authenticated:
            return self
        return self.exclude(author__in=Block.objects.muted_by(user))


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


class Finding(Moderated, models.Model):
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
    # The evidence: Markdown with math, rendered once at save.
    source = models.TextField(blank=True)
    html = models.TextField(editable=False, blank=True)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    # http(s) only; required for a code or data link.
    link_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

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

    def render(self) -> None:
        self.html = render_source(self.source) if self.source else ""
        self.renderer_version = richtext.RENDERER_VERSION


class FindingReply(Moderated, models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="finding_replies"
    )
    source = models.TextField()
    html = models.TextField(editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    # Written by a verified author of the paper (a claim through a proven ORCID iD)
    # at the time: shown as "author" beside the name.
    by_paper_author = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = WrittenQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["finding", "created_at"])]
        verbose_name_plural = "finding replies"

    def __str__(self) -> str:
        return f"Reply {self.pk} to finding {self.finding_id}"

    def get_absolute_url(self) -> str:
        return f"{link('findings:detail', self.finding_id)}#reply-{self.pk}"

    def render(self) -> None:
        self.html = render_source(self.source)
        self.renderer_version = richtext.RENDERER_VERSION


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
