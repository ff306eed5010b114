"""Write paths for comments, questions, answers and answer votes.

Views, the API and commands all call these. Each returns the object it wrote,
so that notifications can be added after the call without changing it.
Rules about *who* may act raise PermissionDenied; rules about the text or the
state of things raise ValidationError.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from precis.accounts.models import is_blocked_by
from precis.lib import richtext, screening
from precis.lib.moderation import is_moderator, moderation_fields
from precis.lib.text import clean_text, one_line_title
from precis.notifications import services as notifications
from precis.papers.models import Paper
from precis.summaries.models import Summary, Visibility

from .models import Answer, AnswerVote, Comment, CommentRevision, Question
from .reputation import recompute_reputation_soon

MAX_TEXT_CHARS = 10_000
MAX_TITLE_CHARS = 200
# The same text from the same person to the same place within this many seconds
# is a double submit (a double click, a resent form), not a second message.
DOUBLE_SUBMIT_SECONDS = 10


def validate_text(source: str, *, what: str = "A comment", required: bool = True) -> str:
    source = clean_text(source or "").strip()
    if required and not source:
        raise ValidationError(f"{what} cannot be empty.")
    if len(source) > MAX_TEXT_CHARS:
        raise ValidationError(
            f"{what} can be at most {MAX_TEXT_CHARS:,} characters; this one has {len(source):,}."
        )
    richtext.check(source)  # over a render limit: RenderLimitExceeded, a ValidationError
    return source


def validate_title(title: str) -> str:
    return one_line_title(title, limit=MAX_TITLE_CHARS, missing="A question needs a title.")


def may_comment_on(summary: Summary, user) -> bool:
    """Whether ``user`` may comment on ``summary``: one they can open, and not deleted.

    Public and unlisted summaries take comments from anyone signed in; a private
    one only from its own writer.
    """
    if not user.is_authenticated or summary.deleted_at is not None or summary.comments_locked:
        return False
    if not summary.is_visible_to(user):  # held or hidden by moderation
        return False
    return summary.visibility != Visibility.PRIVATE or summary.author_id == user.pk


def check_not_blocked(summary: Summary, user, parent: Comment | None = None) -> None:
    """Refuse, with the reason, a comment from someone the summary's writer blocked, or a
    reply from someone the parent comment's author blocked.

    An anonymous writer's block is not applied, on their summary or to their comments
    under it: refusing would tell the blocked person who wrote it. (They still see
    nothing of the blocked person's, who is muted for them.)
    """
    if not summary.anonymous and is_blocked_by(user, [summary.author_id]):
        raise ValidationError(
            "The writer of this summary has blocked you, so you cannot comment on it.",
            code="blocked",
        )
    anonymous_parent = summary.anonymous and parent and parent.author_id == summary.author_id
    if parent is not None and not anonymous_parent and is_blocked_by(user, [parent.author_id]):
        raise ValidationError(
            "The author of that comment has blocked you, so you cannot reply to it.",
            code="blocked",
        )


def may_delete(thing, user) -> bool:
    """Comments, questions and answers are deleted by their author or by moderators."""
    return user.is_authenticated and (thing.author_id == user.pk or is_moderator(user))


def _lock_author(author) -> None:
    """Serialise one person's writes, so two copies of one form cannot both pass the
    double-submit check. (SQLite ignores the row lock, but its IMMEDIATE transactions
    already let one writer in at a time.)"""
    list(get_user_model().objects.select_for_update().filter(pk=author.pk).values_list("pk"))


def _recent():
    return timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS)


@transaction.atomic
def just_posted(model, *, author, **same):
    """The identical thing ``author`` posted moments ago (a double submit), or None.

    ``model`` is a ``models.Written`` (the findings app's too); ``same`` are the fields
    that make two posts one. Locks the author's row first so two copies of one form
    cannot both get through.
    """
    _lock_author(author)
    return model.objects.filter(
        author=author, deleted_at__isnull=True, created_at__gte=_recent(), **same
    ).first()


# --------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------


@transaction.atomic
def post_comment(
    *, author, summary: Summary, source: str, parent: Comment | None = None
) -> Comment:
    """Comment on ``summary``, or reply to ``parent`` (a comment on the same summary).

    A double submit (the same author, summary, parent and text within
    DOUBLE_SUBMIT_SECONDS) returns the comment already made and creates nothing.
    """
    if not may_comment_on(summary, author):
        raise PermissionDenied("You cannot comment on this summary.")
    source = validate_text(source, what="A comment")
    if parent is not None:
        if parent.summary_id != summary.pk:
            raise ValidationError("That comment belongs to another summary.")
        if parent.deleted_at is not None:
            raise ValidationError("That comment was deleted; it cannot be replied to.")
    check_not_blocked(summary, author, parent)
    earlier = just_posted(Comment, author=author, summary=summary, parent=parent, source=source)
    if earlier is not None:
        return earlier
    comment = Comment(summary=summary, author=author, parent=parent, source=source)
    comment.paper_version_id = _latest_version_id(summary.paper_id)
    screened = screening.screened(comment, author=author, kind="comment", text=source)
    comment.render()
    comment.save()
    CommentRevision.objects.create(comment=comment, number=1, source=source)
    screening.announce(comment, *screened)
    if comment.is_shown:  # a held comment is announced when a moderator lets it through
        notifications.comment_posted(comment, actor_name=_public_name_on(summary, author))
    return comment


def _public_name_on(summary: Summary, user) -> str:
    """How ``user`` appears under ``summary``: its anonymous writer stays anonymous."""
    if summary.anonymous and summary.author_id == user.pk:
        return notifications.ANONYMOUS
    return user.public_name


@transaction.atomic
def edit_comment(*, comment: Comment, editor, source: str) -> Comment:
    """Replace the text of the editor's own comment; appends a revision and marks it edited.

    Saving the same text again changes nothing.
    """
    if comment.author_id != editor.pk:
        raise PermissionDenied("Only its author can edit a comment.")
    if comment.deleted_at is not None:
        raise ValidationError("A deleted comment cannot be edited.")
    if not may_comment_on(comment.summary, editor):
        raise PermissionDenied("This summary no longer takes comments.")
    source = validate_text(source, what="A comment")
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.source == source:
        return locked
    screened = screening.screened(locked, author=editor, kind="comment", text=source)
    locked.source = source
    locked.render()
    locked.edited_at = timezone.now()
    locked.save()
    screening.announce(locked, *screened)
    last = locked.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    CommentRevision.objects.create(comment=locked, number=last + 1, source=source)
    return locked


def delete_comment(*, comment: Comment, editor) -> Comment:
    """Soft delete by the author or staff. The row and its replies stay: a deleted
    comment with visible replies shows as "[deleted]", one without is not shown."""
    if not may_delete(comment, editor):
        raise PermissionDenied("Only its author or a moderator can delete a comment.")
    comment.soft_delete()
    return comment


# --------------------------------------------------------------------------
# Questions and answers
# --------------------------------------------------------------------------


def _latest_version_id(paper_id: int) -> int | None:
    """The paper version new writing about ``paper_id`` is written against (null if unknown)."""
    return Paper.objects.filter(pk=paper_id).values_list("latest_version", flat=True).first()


@transaction.atomic
def ask_question(*, author, paper, title: str, source: str = "") -> Question:
    """Ask a question about ``paper``; the body is optional. Double submits create nothing."""
    title = validate_title(title)
    source = validate_text(source, what="A question", required=False)
    earlier = just_posted(Question, author=author, paper=paper, title=title, source=source)
    if earlier is not None:
        return earlier
    question = Question(paper=paper, author=author, title=title, source=source)
    question.paper_version_id = paper.latest_version_id
    screened = screening.screened(
        question, author=author, kind="question", text=f"{title}\n\n{source}"
    )
    question.render()
    question.save()
    screening.announce(question, *screened)
    if question.is_shown:
        notifications.question_asked(question)
    return question


@transaction.atomic
def post_answer(*, author, question: Question, source: str) -> Answer:
    """Answer ``question`` (askers may answer their own). Double submits create nothing.

    Someone the asker blocked is refused, with the reason (a ValidationError).
    """
    if question.deleted_at is not None:
        raise ValidationError("This question was deleted; it cannot be answered.")
    if question.answers_locked:
        raise ValidationError("A moderator closed this question to new answers.")
    if is_blocked_by(author, [question.author_id]):
        raise ValidationError(
            "The asker has blocked you, so you cannot answer this question.", code="blocked"
        )
    source = validate_text(source, what="An answer")
    earlier = just_posted(Answer, author=author, question=question, source=source)
    if earlier is not None:
        return earlier
    answer = Answer(question=question, author=author, source=source)
    answer.paper_version_id = _latest_version_id(question.paper_id)
    screened = screening.screened(answer, author=author, kind="answer", text=source)
    answer.render()
    answer.save()
    screening.announce(answer, *screened)
    if answer.is_shown:
        notifications.answer_posted(answer)
    return answer


@transaction.atomic
def cast_answer_vote(*, voter, answer: Answer, value: int) -> Answer:
    """Set ``voter``'s vote on ``answer`` to +1 or -1, or retract it with 0.

    The answer row is locked and its counts recomputed from the votes table,
    so concurrent voters can never leave the stored counts out of step.
    """
    if value not in (AnswerVote.UP, AnswerVote.DOWN, 0):
        raise ValidationError("A vote is +1, -1, or 0 to take it back.")
    if answer.author_id == voter.pk:
        raise PermissionDenied("You cannot vote on your own answer.")
    if voter.is_suspended:
        raise PermissionDenied("Your account is suspended; you cannot vote for now.")
    question = answer.question
    if answer.deleted_at is not None or question.deleted_at is not None:
        raise PermissionDenied("This answer cannot be voted on.")
    if not (answer.is_shown and question.is_shown):
        raise PermissionDenied("This answer cannot be voted on.")
    locked = Answer.objects.select_for_update().get(pk=answer.pk)
    if value == 0:
        AnswerVote.objects.filter(answer=locked, voter=voter).delete()
    else:
        AnswerVote.objects.update_or_create(answer=locked, voter=voter, defaults={"value": value})
    counts = AnswerVote.objects.filter(answer=locked).aggregate(
        up=Count("pk", filter=Q(value=AnswerVote.UP)),
        down=Count("pk", filter=Q(value=AnswerVote.DOWN)),
    )
    locked.upvotes, locked.downvotes = counts["up"], counts["down"]
    locked.score = locked.upvotes - locked.downvotes
    locked.save(update_fields=["upvotes", "downvotes", "score"])
    # The voter too: whether their own points count can hang on whom they vote for.
    recompute_reputation_soon([locked.author_id, voter.pk])
    return locked


@transaction.atomic
def accept_answer(*, question: Question, answer: Answer, by, accepted: bool = True) -> Question:
    """Mark ``answer`` as the accepted one (or, with ``accepted=False``, take that back).

    Only the asker or staff may. Idempotent: accepting the accepted answer again,
    or taking back an answer that is not accepted, changes nothing, so a
    double-clicked button cannot undo itself.
    """
    if not (by.is_authenticated and (question.author_id == by.pk or is_moderator(by))):
        raise PermissionDenied("Only the asker or a moderator can accept an answer.")
    if answer.question_id != question.pk:
        raise ValidationError("That answer belongs to another question.")
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if locked.deleted_at is not None:
        raise ValidationError("This question was deleted.")
    if locked.accepted_answer_id is not None:  # an accepted answer's author, who may lose it
        recompute_reputation_soon([locked.accepted_answer.author_id, answer.author_id])
    else:
        recompute_reputation_soon([answer.author_id])
    if accepted:
        if answer.deleted_at is not None:
            raise ValidationError("A deleted answer cannot be accepted.")
        locked.accepted_answer = answer
    elif locked.accepted_answer_id == answer.pk:
        locked.accepted_answer = None
    else:
        return locked
    locked.save(update_fields=["accepted_answer", "updated_at"])
    return locked


def delete_question(*, question: Question, editor) -> Question:
    """Soft delete by the asker or staff: hidden from everyone else, answers and all."""
    if not may_delete(question, editor):
        raise PermissionDenied("Only the asker or a moderator can delete a question.")
    question.soft_delete()
    return question


@transaction.atomic
def delete_answer(*, answer: Answer, editor) -> Answer:
    """Soft delete by its author or staff; a deleted accepted answer stops being accepted."""
    if not may_delete(answer, editor):
        raise PermissionDenied("Only its author or a moderator can delete an answer.")
    if answer.soft_delete():
        Question.objects.filter(pk=answer.question_id, accepted_answer=answer).update(
            accepted_answer=None, updated_at=timezone.now()
        )
        recompute_reputation_soon([answer.author_id])
    return answer


# --------------------------------------------------------------------------
# Merging duplicate papers
# --------------------------------------------------------------------------


@transaction.atomic
def absorb_discussions(*, source_paper, target_paper) -> None:
    """Move questions and comments from ``source_paper`` to ``target_paper``.

    Must run *before* ``summaries.services.absorb_summaries``, which deletes a
    writer's duplicate summary when they summarised both papers: its comments
    move to the writer's kept summary here first, so none are lost.
    """
    Question.objects.filter(paper=source_paper).update(paper=target_paper)
    kept = dict(Summary.objects.filter(paper=target_paper).values_list("author_id", "pk"))
    for summary_id, author_id in Summary.objects.filter(
        paper=source_paper, author_id__in=kept
    ).values_list("pk", "author_id"):
        Comment.objects.filter(summary_id=summary_id).update(summary_id=kept[author_id])


# --------------------------------------------------------------------------
# Moderation (decided by the moderation app, written here)
# --------------------------------------------------------------------------


def set_moderation(*, thing: Comment | Question | Answer, state: str, reason: str = ""):
    """Hold, hide or show a comment, question or answer.

    One held until now and let through is announced then (its notifications were
    kept back while it waited).
    """
    was_held = thing.is_held
    thing.save_moderation(state, reason)
    if isinstance(thing, Answer):
        recompute_reputation_soon([thing.author_id])
    elif isinstance(thing, Question):  # its answers' points count only while it is shown
        recompute_reputation_soon(list(thing.answers.values_list("author_id", flat=True)))
    if was_held and thing.is_shown:
        if isinstance(thing, Comment):
            notifications.comment_posted(
                thing, actor_name=_public_name_on(thing.summary, thing.author)
            )
        elif isinstance(thing, Question):
            notifications.question_asked(thing)
        else:
            notifications.answer_posted(thing)
    return thing


def moderate_everything_by(*, author, matching: Q, state: str, reason: str = "") -> dict:
    """Set the moderation state of every comment, question and answer ``author`` wrote
    that ``matching`` selects; their ids by kind."""
    done = {}
    for model in (Comment, Question, Answer):
        ids = list(model.objects.filter(matching, author=author).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(**moderation_fields(state, reason))
        done[model._meta.model_name] = ids
    recompute_reputation_soon([author.pk])  # their answers' points count only while shown
    return done


def lock_answers(*, question: Question, locked: bool) -> Question:
    question.answers_locked = locked
    question.save(update_fields=["answers_locked"])
    return question
