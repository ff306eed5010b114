"""Comments on summaries (threaded) and questions with answers on papers.

Everything here is soft-deleted: rows stay (replies still hang off a deleted
comment, an accepted answer can be taken back) and ``deleted_at`` hides them.
``Written`` and ``AliveQuerySet`` are what every such piece of writing shares,
the findings app's findings and replies included.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from precis.accounts.models import Block, User
from precis.lib import richtext
from precis.lib.moderation import Moderated, shown
from precis.lib.urls import link
from precis.papers.models import Paper, WrittenAgainstVersion
from precis.papers.services import citation_title
from precis.summaries.models import Summary


def render_source(source: str) -> str:
    """The one renderer (Markdown + math), with headings kept below the page's own
    (h2 "Comments", "Answers" or a finding's title above: their top headings are h3) and
    @mentions linked.

    Not strict: writing checks the limits first (``services.validate_text``, and the
    findings app's ``validate_evidence``), and a row stored before a limit existed must
    still re-render, as escaped text.
    """
    # Footnote ids must differ between the many comments, answers or replies on one page.
    doc_id = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:8]
    return richtext.render(
        source,
        heading_level=3,
        cite_label=citation_title,
        mention_links=User.objects.profile_links,
        doc_id=doc_id,
        strict=False,
    )


class AliveQuerySet(models.QuerySet):
    """What every kind of writing shares: soft deletion, moderation, mutes."""

    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def shown(self):
        """Not deleted and not held or hidden: what may be listed and counted for anyone."""
        return self.alive().filter(shown())

    def visible_to(self, user):
        """What ``user`` sees listed: shown rows, plus their own held or hidden ones, less
        those of people they muted."""
        if user.is_authenticated:
            return self.alive().filter(shown() | Q(author=user)).excluding_muted_by(user)
        return self.shown()

    def excluding_muted_by(self, user):
        """Without the rows of people ``user`` muted or blocked (a subquery)."""
        if not user.is_authenticated:
            return self
        return self.exclude(author__in=Block.objects.muted_by(user))


def shown_count(model, parent: str):
    """An annotation: how many shown rows of ``model`` (one of the ``Written`` models)
    point at each row of the queryset it is added to, through their field ``parent``.

    A correlated subquery rather than ``Count("comments")``, so it adds no join
    and no GROUP BY to the query it is added to (and no query at all).
    """
    counts = (
        model.objects.shown()
        .filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)


def comment_count():
    """An annotation for a Summary queryset: its comments that are not deleted."""
    return shown_count(Comment, "summary")


def answer_count():
    """An annotation for a Question queryset: its answers that are not deleted."""
    return shown_count(Answer, "question")


class Written(Moderated, models.Model):
    """A piece of writing about a paper or a summary: Markdown with math, rendered once at
    save (``render()``; ``manage.py rerender`` covers it), moderated, soft-deleted.

    Comments, questions and answers here, findings and their replies in the findings
    app. Each adds its author (with its own ``related_name``) and what it hangs off.
    """

    source = models.TextField()
    html = models.TextField(editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def render(self) -> None:
        self.html = render_source(self.source) if self.source else ""
        self.renderer_version = richtext.RENDERER_VERSION

    def soft_delete(self) -> bool:
        """Mark it deleted; the row and what hangs off it stay. False, changing nothing,
        when it already was."""
        if self.deleted_at is not None:
            return False
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at", "updated_at"])
        return True


class Comment(Written, WrittenAgainstVersion):
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = AliveQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["summary", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on summary {self.summary_id}"

    def get_absolute_url(self) -> str:
        # The summary's page finds which page of its comments shows this one (or
        # sends on to the thread's own page), so the link outlives pagination.
        summary_url = link("summaries:detail", self.summary_id)
        return f"{summary_url}?comment={self.pk}#comment-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def author_shown_to(self, user):
        """The commenter as ``user`` may see them named, or None.

        None for a deleted comment, for one under a summary ``user`` cannot open, and
        for the anonymous writer of the summary commenting under it (except to that
        writer).
        """
        summary = self.summary
        if self.deleted_at is not None or not summary.is_viewable_by(user):
            return None
        if not self.is_visible_to(user):  # held or hidden by moderation
            return None
        if self.author_id == summary.author_id:
            return summary.author_shown_to(user) and self.author
        return self.author


class CommentRevision(models.Model):
    """One saved text of a comment: the first save is revision 1, each edit adds one."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "number"], name="comment_revision_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of comment {self.comment_id}"


class QuestionQuerySet(AliveQuerySet):
    def open(self):
        """Shown questions with no accepted answer."""
        return self.shown().filter(accepted_answer__isnull=True)

    def with_answer_counts(self):
        return self.annotate(answer_count=answer_count())

    def for_listing(self):
        """Newest first, with author and answer count, in one query."""
        return self.with_answer_counts().select_related("author").order_by("-created_at", "-pk")


class Question(Written, WrittenAgainstVersion):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions"
    )
    title = models.CharField(max_length=200)
    # The title may say it all.
    source = models.TextField(blank=True)
    html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    accepted_answer = models.ForeignKey(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A moderator closed it: what is there stays, no new answers.
    answers_locked = models.BooleanField(default=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["paper", "deleted_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return link("discussions:question", self.pk)

    @property
    def is_open(self) -> bool:
        return self.accepted_answer_id is None


class AnswerQuerySet(AliveQuerySet):
    def best_first(self, question):
        """The accepted answer, then by score, then oldest first."""
        if question.accepted_answer_id is None:
            return self.order_by("-score", "created_at", "pk")
        accepted = Case(
            When(pk=question.accepted_answer_id, then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        return self.annotate(is_accepted=accepted).order_by(
            "-is_accepted", "-score", "created_at", "pk"
        )

    def for_display(self, user):
        """Authors and, for a signed-in user, their own vote, in the same query."""
        qs = self.select_related("author")
        if user.is_authenticated:
            qs = qs.annotate(
                my_vote=Subquery(
                    AnswerVote.objects.filter(answer=OuterRef("pk"), voter=user).values("value")[:1]
                )
            )
        return qs


class Answer(Written, WrittenAgainstVersion):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers"
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["question", "deleted_at"])]

    def __str__(self) -> str:
        return f"Answer {self.pk} to question {self.question_id}"

    def get_absolute_url(self) -> str:
        return f"{link('discussions:question', self.question_id)}#answer-{self.pk}"


class AnswerVote(models.Model):
    UP, DOWN = 1, -1
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answer_votes"
    )
    value = models.SmallIntegerField(choices=[(UP, "up"), (DOWN, "down")])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "voter"], name="one_answer_vote_per_voter"),
            models.CheckConstraint(
                condition=Q(value__in=[1, -1]), name="answer_vote_is_up_or_down"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} {self.value:+d} on answer {self.answer_id}"
