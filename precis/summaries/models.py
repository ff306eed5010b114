import hashlib
from collections import defaultdict

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils.functional import cached_property

from precis.accounts.models import Block, User
from precis.lib import richtext
from precis.lib.moderation import Moderated, is_moderator, shown
from precis.lib.urls import link
from precis.papers.models import Paper, WrittenAgainstVersion
from precis.papers.services import citation_title

from . import ranking

DESCRIPTION_CHARS = 200  # a search result's snippet, about
# The columns a summary's part in its paper's standing (Paper.listed_summaries and
# Paper.best_wilson) depends on: the listing rule's, its score and its paper.
STANDING_FIELDS = frozenset(
    {"paper", "paper_id", "visibility", "deleted_at", "moderation", "wilson"}
)
RESTATED_AT_ONCE = 500
NO_STANDING = (0, None)  # a paper without a listed summary


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private: only you"
    UNLISTED = "unlisted", "Unlisted: anyone with the link"
    PUBLIC = "public", "Public"


def listed_q(prefix: str = "") -> Q:
    """The listing rule as a filter, through a relation ``prefix`` ("summaries__") when
    counting from papers or venues: public, not deleted, shown."""
    return Q(
        **{f"{prefix}visibility": Visibility.PUBLIC, f"{prefix}deleted_at__isnull": True}
    ) & shown(prefix)


def muted_q(user) -> Q:
    """The summaries a signed-in ``user`` does not see listed: named ones by people they
    muted or blocked."""
    return Q(anonymous=False) & Q(author__in=Block.objects.muted_by(user))


class SummaryQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def listed(self):
        """What may appear in any listing, count or feed: public, shown, not deleted."""
        return self.filter(listed_q())

    def listed_for(self, user):
        """Listings as ``user`` sees them: listed ones, plus their own of any visibility
        (held and hidden ones included, marked as such), less those of people they muted."""
        if user.is_authenticated:
            return self.alive().filter(listed_q() | Q(author=user)).excluding_muted_by(user)
        return self.listed()

    def excluding_muted_by(self, user):
        """Without the named summaries of people ``user`` muted or blocked (a subquery,
        no extra query). Anonymous ones stay: hiding them would tell who wrote them."""
        if not user.is_authenticated:
            return self
        return self.exclude(muted_q(user))

    def marking_muted_by(self, user):
        """Each with ``by_muted``: whether ``excluding_muted_by(user)`` would leave it out
        (for a page that needs both kinds in one query)."""
        if not user.is_authenticated:
            return self.annotate(by_muted=models.Value(False))
        return self.annotate(
            by_muted=models.ExpressionWrapper(muted_q(user), output_field=models.BooleanField())
        )

    def viewable_by(self, user):
        """What ``user`` may open by permalink: public and unlisted ones that are shown,
        their own, and, for moderators, public and unlisted ones held or hidden."""
        shared = Q(visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED], deleted_at__isnull=True)
        if not user.is_authenticated:
            return self.filter(shared & shown())
        if is_moderator(user):
            return self.filter(shared | Q(author=user))
        return self.filter((shared & shown()) | Q(author=user))

    def for_display(self, user, *, with_paper: bool = True):
        """Everything a summary card shows, in a constant number of queries."""
        qs = self.select_related("author", "paper_version")
        if with_paper:
            qs = qs.prefetch_related(
                models.Prefetch("paper", queryset=Paper.objects.with_authors())
            )
        if user.is_authenticated:
            qs = qs.annotate(
                my_vote=Subquery(
                    Vote.objects.filter(summary=OuterRef("pk"), voter=user).values("value")[:1]
                )
            )
        return qs

    def best_first(self):
        # Drafts (never published) last among equals, on SQLite and PostgreSQL alike.
        return self.order_by("-wilson", "-score", F("published_at").desc(nulls_last=True), "-pk")

    # Bulk writes send no signals, so the three below restate the papers they touch
    # themselves, in the same transaction (saves and deletes: summaries.apps).

    def update(self, **kwargs):
        if STANDING_FIELDS.isdisjoint(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            rows = list(self.order_by().values_list("pk", "paper_id"))
            updated = super().update(**kwargs)
            papers = {paper for _, paper in rows}
            if "paper" in kwargs or "paper_id" in kwargs:  # and where they went
                moved = self.model.objects.filter(pk__in=[pk for pk, _ in rows])
                papers |= set(moved.values_list("paper_id", flat=True))
            restate_papers(papers)
        return updated

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        if STANDING_FIELDS.isdisjoint(fields):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        with transaction.atomic(using=self.db, savepoint=False):
            papers = {obj.paper_id for obj in objs}
            papers |= set(
                self.model.objects.filter(pk__in=[obj.pk for obj in objs]).values_list(
                    "paper_id", flat=True
                )
            )
            updated = super().bulk_update(objs, fields, batch_size=batch_size)
            restate_papers(papers)
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            restate_papers(obj.paper_id for obj in created)
        return created


def render_summary(source: str, *, strict: bool = True) -> str:
    """A summary's text as its page shows it: ``\\cite{}`` links titled with the cited
    paper's title, footnote ids that differ between summaries on one page. The saved
    page and the editor's preview both come from here. Raises like ``richtext.render``."""
    doc_id = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:8]
    return richtext.render(
        source,
        cite_label=citation_title,
        mention_links=User.objects.profile_links,  # @name → their profile
        doc_id=doc_id,
        strict=strict,
    )


class Summary(Moderated, WrittenAgainstVersion, models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="summaries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summaries"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    anonymous = models.BooleanField(
        default=False, help_text="Show “Anonymous” instead of your name, everywhere."
    )
    source = models.TextField()
    html = models.TextField(editable=False)
    excerpt_html = models.TextField(editable=False)
    # Plain words for search engines and link previews, made with the HTML so that
    # no page view parses the Markdown again (see ``meta_description``).
    description = models.CharField(max_length=250, blank=True, default="", editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    wilson = models.FloatField(default=0.0, db_index=True)
    popularity = models.FloatField(default=0.0, db_index=True)
    views = models.PositiveIntegerField(default=0)
    # A moderator closed its comments: what is there stays, nothing new is added.
    comments_locked = models.BooleanField(default=False)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "summaries"
        # Related managers and Django's internal writes use this too, so no bulk update
        # of summaries can go around the standing kept on their papers.
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["paper", "author"], name="one_summary_per_writer"),
        ]
        indexes = [
            models.Index(fields=["visibility", "deleted_at", "published_at"]),
            # The home page's three orders over listed summaries, read in order: without
            # them PostgreSQL sorts every listed summary's wide row for each page.
            models.Index(
                fields=["-popularity", "-id"], condition=listed_q(), name="listed_by_popularity"
            ),
            models.Index(
                fields=["-published_at", "-id"], condition=listed_q(), name="listed_by_recency"
            ),
            models.Index(
                fields=["-wilson", "-score", "-published_at", "-id"],
                condition=listed_q(),
                name="listed_by_quality",
            ),
        ]

    def __str__(self) -> str:
        return f"Summary of {self.paper} by {self.author}"

    def get_absolute_url(self) -> str:
        return link("summaries:detail", self.pk)

    @classmethod
    def from_db(cls, db, field_names, values):
        summary = super().from_db(db, field_names, values)
        # Its paper as stored: a save that moves it must restate the paper it left.
        summary.stored_paper_id = summary.__dict__.get("paper_id")
        return summary

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    @property
    def is_listed(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.deleted_at is None and self.is_shown

    # The three rules below are the row-level twins of ``listed_for`` and
    # ``viewable_by``; ``summaries.presenting.as_seen_by`` is how callers use them.

    def is_viewable_by(self, user) -> bool:
        """Whether ``user`` may open it by permalink (the ``viewable_by`` rule)."""
        if user.is_authenticated and self.author_id == user.pk:
            return True
        shared = self.deleted_at is None and self.visibility in (
            Visibility.PUBLIC,
            Visibility.UNLISTED,
        )
        return shared and (self.is_shown or is_moderator(user))

    def is_listed_for(self, user) -> bool:
        """Whether ``user`` could find it on a listing (the ``listed_for`` rule)."""
        if self.deleted_at is not None:
            return False
        return self.is_listed or (user.is_authenticated and self.author_id == user.pk)

    def author_shown_to(self, user):
        """The writer as ``user`` may see them named, or None while anonymous to them."""
        if self.anonymous and not (user.is_authenticated and self.author_id == user.pk):
            return None
        return self.author

    @property
    def meta_description(self) -> str:
        """The stored description; worked out here only for a row saved before it was
        stored and not re-rendered since (``manage.py rerender`` fills those)."""
        if self.renderer_version == richtext.RENDERER_VERSION:
            return self.description  # empty for a text of images alone, say
        return richtext.plain_text(self.source, max_chars=DESCRIPTION_CHARS)

    def render(self) -> None:
        # Not strict: saving checks the limits first (services.validate_source), and a
        # row saved before a limit existed must still re-render, as escaped text.
        self.html = render_summary(self.source, strict=False)
        self.excerpt_html = richtext.render_excerpt(
            self.source, cite_label=citation_title, strict=False
        )
        self.description = richtext.plain_text(self.source, max_chars=DESCRIPTION_CHARS)
        self.renderer_version = richtext.RENDERER_VERSION

    @cached_property
    def lead_html(self) -> str:
        """Its opening paragraph without links, for the paper page's list of summaries."""
        from .presenting import lead_html

        return lead_html(self.excerpt_html)

    def refresh_rankings(self) -> None:
        self.score = self.upvotes - self.downvotes
        self.wilson = ranking.wilson_lower_bound(self.upvotes, self.downvotes)
        self.popularity = ranking.popularity(self.score, self.views, self.published_at)


@transaction.atomic(savepoint=False)  # no savepoint: two more queries per vote
def restate_papers(paper_ids) -> None:
    """Write each paper's ``listed_summaries`` and ``best_wilson`` from its summaries.

    Counted with one grouped read per 500 papers, not a subquery per paper: without
    planner statistics (a table just loaded or restored) PostgreSQL ran such a
    subquery as a scan of every summary, a minute per 500 papers at 100,000 summaries.
    """
    ids = sorted({pk for pk in paper_ids if pk is not None})
    for start in range(0, len(ids), RESTATED_AT_ONCE):
        chunk = ids[start : start + RESTATED_AT_ONCE]
        # Locked first, in id order: on PostgreSQL the count below then reads a snapshot
        # taken after every other restatement of these papers has committed, so two
        # votes on one paper's summaries at once cannot leave the first one's count.
        kept = {
            pk: (n, best)
            for pk, n, best in Paper.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "listed_summaries", "best_wilson")
        }
        actual = dict.fromkeys(kept, NO_STANDING)
        actual.update(_standing_from(Summary.objects.filter(paper_id__in=list(kept))))
        changed = defaultdict(list)  # one UPDATE per distinct standing
        for pk, standing in actual.items():
            if kept[pk] != standing:
                changed[standing].append(pk)
        for (n, best), pks in changed.items():
            Paper.objects.filter(pk__in=pks).update(listed_summaries=n, best_wilson=best)


def stale_standings() -> list[tuple[int, tuple, tuple]]:
    """Papers whose kept standing is not what their summaries give: (id, kept, actual),
    each a (listed_summaries, best_wilson) pair. Empty while every write kept it."""
    actual = _standing_from(Summary.objects.all())
    kept = {
        pk: (n, best)
        for pk, n, best in Paper.objects.filter(
            Q(listed_summaries__gt=0) | Q(best_wilson__isnull=False)
        ).values_list("pk", "listed_summaries", "best_wilson")
    }
    return [
        (pk, kept.get(pk, NO_STANDING), actual.get(pk, NO_STANDING))
        for pk in sorted(kept.keys() | actual.keys())
        if kept.get(pk, NO_STANDING) != actual.get(pk, NO_STANDING)
    ]


def _standing_from(summaries) -> dict[int, tuple[int, float]]:
    """{paper id: (listed summaries, best Wilson bound)} over ``summaries``, grouped."""
    return {
        pk: (n, best)
        for pk, n, best in summaries.listed()
        .values("paper")
        .annotate(n=Count("pk"), best=Max("wilson"))
        .order_by()
        .values_list("paper", "n", "best")
    }


def restate_after_save(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or not STANDING_FIELDS.isdisjoint(update_fields):
        restate_papers({instance.paper_id, getattr(instance, "stored_paper_id", None)})
    instance.stored_paper_id = instance.paper_id


def restate_after_delete(sender, instance, **kwargs):
    restate_papers({instance.paper_id})


class Revision(models.Model):
    """One saved state of a summary; never edited or deleted while the summary lives."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.TextField()
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    anonymous = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "number"], name="revision_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of summary {self.summary_id}"


class Vote(models.Model):
    UP, DOWN = 1, -1
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField(choices=[(UP, "up"), (DOWN, "down")])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "voter"], name="one_vote_per_voter"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_is_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} {self.value:+d} on {self.summary_id}"


class DailyViews(models.Model):
    """Views of a summary per day; no IP address or visitor id is ever stored."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily views"
        constraints = [
            models.UniqueConstraint(fields=["summary", "day"], name="daily_views_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.count} views of {self.summary_id} on {self.day}"


class Draft(models.Model):
    """What a writer has typed in the editor and not saved yet, kept by autosave.

    One per writer and paper (so one per summary too); only its writer ever sees it,
    and saving the summary from the editor removes it. ``version`` counts its saves
    and ``tab`` names the editor tab that saved it last, so that a tab saving over
    another tab's newer text can be told so. ``base_revision`` is the summary's
    revision the text started from (0 before the first), so that a draft older than
    the saved summary says so.
    """

    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summary_drafts"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    source = models.TextField()
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    anonymous = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    tab = models.CharField(max_length=40, blank=True, default="")
    base_revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["writer", "paper"], name="one_draft_per_writer_paper"),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.writer} on paper {self.paper_id}"
