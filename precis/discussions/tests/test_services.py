from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services
from precis.discussions.models import Answer, AnswerVote, Comment, CommentRevision, Question
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

from .factories import AnswerFactory, CommentFactory, QuestionFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------


def test_it_posts_a_comment_rendered_with_the_summary_renderer(alice, carol):
    summary = SummaryFactory(author=alice)
    comment = services.post_comment(
        author=carol, summary=summary, source="Is $x_1$ <script>alert(1)</script> bounded?"
    )
    assert comment.pk and comment.parent is None
    assert "<math" in comment.html
    assert "<script" not in comment.html
    assert [(r.number, r.source) for r in comment.revisions.all()] == [(1, comment.source)]


@pytest.mark.parametrize("source", ["", "   \n  "])
def test_it_refuses_an_empty_comment(alice, source):
    with pytest.raises(ValidationError, match="cannot be empty"):
        services.post_comment(author=alice, summary=SummaryFactory(), source=source)


def test_it_refuses_a_comment_over_ten_thousand_characters(alice):
    summary = SummaryFactory()
    services.post_comment(author=alice, summary=summary, source="a" * 10_000)
    with pytest.raises(ValidationError, match="at most 10,000"):
        services.post_comment(author=alice, summary=summary, source="b" * 10_001)


def test_it_threads_a_reply_to_a_reply(alice, carol):
    summary = SummaryFactory()
    first = CommentFactory(author=alice, summary=summary)
    reply = CommentFactory(author=carol, summary=summary, parent=first)
    again = CommentFactory(author=alice, summary=summary, parent=reply)
    assert again.parent == reply and reply.parent == first


def test_a_reply_must_be_on_the_same_summary(alice):
    elsewhere = CommentFactory(summary=SummaryFactory())
    with pytest.raises(ValidationError, match="another summary"):
        services.post_comment(author=alice, summary=SummaryFactory(), source="Hi", parent=elsewhere)


def test_a_deleted_comment_takes_no_replies(alice, carol):
    parent = CommentFactory(author=carol)
    services.delete_comment(comment=parent, editor=carol)
    with pytest.raises(ValidationError, match="deleted"):
        services.post_comment(author=alice, summary=parent.summary, source="Hi", parent=parent)


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
def test_anyone_may_comment_on_shared_summaries(alice, carol, visibility):
    summary = SummaryFactory(author=alice, visibility=visibility)
    assert services.post_comment(author=carol, summary=summary, source="Nice.").pk


def test_nobody_but_the_writer_may_comment_on_a_private_summary(alice, bob, carol):
    summary = SummaryFactory(author=alice, visibility="private")
    for stranger in (carol, bob):  # not even staff
        with pytest.raises(PermissionDenied):
            services.post_comment(author=stranger, summary=summary, source="Let me in")
    assert services.post_comment(author=alice, summary=summary, source="Note to self").pk
    assert Comment.objects.filter(summary=summary).count() == 1


def test_a_deleted_summary_takes_no_comments(alice, carol):
    from precis.summaries.services import delete_summary

    summary = SummaryFactory(author=alice)
    delete_summary(summary=summary, editor=alice)
    for person in (alice, carol):
        with pytest.raises(PermissionDenied):
            services.post_comment(author=person, summary=summary, source="Hello?")


def test_a_double_submit_creates_nothing_new(alice, carol):
    summary = SummaryFactory(author=alice)
    first = services.post_comment(author=carol, summary=summary, source="Same words")
    second = services.post_comment(author=carol, summary=summary, source="Same words\r\n")
    assert second.pk == first.pk
    assert Comment.objects.count() == 1 and CommentRevision.objects.count() == 1


def test_the_same_words_later_or_elsewhere_are_a_new_comment(alice, carol):
    summary = SummaryFactory(author=alice)
    first = services.post_comment(author=carol, summary=summary, source="Same words")
    as_reply = services.post_comment(
        author=carol, summary=summary, source="Same words", parent=first
    )
    by_other = services.post_comment(author=alice, summary=summary, source="Same words")
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(seconds=11))
    later = services.post_comment(author=carol, summary=summary, source="Same words")
    assert len({first.pk, as_reply.pk, by_other.pk, later.pk}) == 4


def test_editing_appends_a_revision_and_marks_the_comment_edited(carol):
    comment = CommentFactory(author=carol, source="First thoughts")
    assert comment.edited_at is None
    edited = services.edit_comment(comment=comment, editor=carol, source="Second *thoughts*")
    services.edit_comment(comment=edited, editor=carol, source="Third thoughts")
    comment.refresh_from_db()
    assert comment.edited_at is not None
    assert comment.source == "Third thoughts"
    assert "<em>" not in comment.html and "Third" in comment.html
    assert [(r.number, r.source) for r in comment.revisions.all()] == [
        (3, "Third thoughts"),
        (2, "Second *thoughts*"),
        (1, "First thoughts"),
    ]


def test_saving_the_same_text_is_not_an_edit(carol):
    comment = CommentFactory(author=carol, source="Unchanged")
    services.edit_comment(comment=comment, editor=carol, source="Unchanged\n")
    comment.refresh_from_db()
    assert comment.edited_at is None and comment.revisions.count() == 1


def test_only_the_author_may_edit_a_comment(bob, carol):
    comment = CommentFactory(author=carol)
    with pytest.raises(PermissionDenied):
        services.edit_comment(comment=comment, editor=bob, source="Moderated words")


def test_an_edit_is_validated_like_a_new_comment(carol):
    comment = CommentFactory(author=carol)
    with pytest.raises(ValidationError):
        services.edit_comment(comment=comment, editor=carol, source="  ")
    with pytest.raises(ValidationError):
        services.edit_comment(comment=comment, editor=carol, source="x" * 10_001)


def test_a_deleted_comment_cannot_be_edited(carol):
    comment = CommentFactory(author=carol)
    services.delete_comment(comment=comment, editor=carol)
    with pytest.raises(ValidationError):
        services.edit_comment(comment=comment, editor=carol, source="Back again")


def test_a_comment_on_a_summary_made_private_cannot_be_edited(alice, carol):
    from precis.summaries.services import save_summary

    summary = SummaryFactory(author=alice)
    comment = CommentFactory(author=carol, summary=summary)
    save_summary(author=alice, paper=summary.paper, source=summary.source, visibility="private")
    comment.summary.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.edit_comment(comment=comment, editor=carol, source="Still here?")


def test_the_author_or_staff_may_delete_a_comment_softly(alice, bob, carol):
    mine = CommentFactory(author=carol)
    moderated = CommentFactory(author=carol)
    services.delete_comment(comment=mine, editor=carol)
    services.delete_comment(comment=moderated, editor=bob)
    with pytest.raises(PermissionDenied):
        services.delete_comment(comment=CommentFactory(author=carol), editor=alice)
    assert Comment.objects.count() == 3  # soft: rows stay
    assert Comment.objects.alive().count() == 1


def test_the_summary_writer_may_not_delete_others_comments(alice, carol):
    comment = CommentFactory(author=carol, summary=SummaryFactory(author=alice))
    with pytest.raises(PermissionDenied):
        services.delete_comment(comment=comment, editor=alice)


# --------------------------------------------------------------------------
# Questions and answers
# --------------------------------------------------------------------------


def test_it_asks_a_question_with_an_optional_body(alice):
    paper = PaperFactory()
    bare = services.ask_question(author=alice, paper=paper, title="  Why   ReLU? ")
    full = services.ask_question(author=alice, paper=paper, title="What is $\\beta$?", source="$x$")
    assert bare.title == "Why ReLU?" and bare.html == ""
    assert "<math" in full.html
    assert full.is_open


def test_a_question_needs_a_title_of_at_most_200_characters(alice):
    paper = PaperFactory()
    with pytest.raises(ValidationError, match="title"):
        services.ask_question(author=alice, paper=paper, title="   ")
    with pytest.raises(ValidationError, match="200"):
        services.ask_question(author=alice, paper=paper, title="q" * 201)
    assert services.ask_question(author=alice, paper=paper, title="q" * 200).pk


def test_a_question_body_has_the_comment_length_limit(alice):
    with pytest.raises(ValidationError, match="10,000"):
        services.ask_question(author=alice, paper=PaperFactory(), title="Q", source="x" * 10_001)


def test_asking_twice_in_a_row_is_one_question(alice):
    paper = PaperFactory()
    first = services.ask_question(author=alice, paper=paper, title="Why?")
    assert services.ask_question(author=alice, paper=paper, title="Why?").pk == first.pk
    assert Question.objects.count() == 1


def test_it_posts_answers_and_ignores_a_double_submit(alice, carol):
    question = QuestionFactory(author=alice)
    answer = services.post_answer(author=carol, question=question, source="Because $x$.")
    again = services.post_answer(author=carol, question=question, source="Because $x$.")
    own = services.post_answer(author=alice, question=question, source="Found it myself.")
    assert again.pk == answer.pk and own.pk != answer.pk
    assert "<math" in answer.html


def test_an_answer_cannot_be_empty_or_on_a_deleted_question(alice, carol):
    question = QuestionFactory(author=alice)
    with pytest.raises(ValidationError):
        services.post_answer(author=carol, question=question, source=" ")
    services.delete_question(question=question, editor=alice)
    with pytest.raises(ValidationError):
        services.post_answer(author=carol, question=question, source="Late answer")


def test_votes_on_answers_are_counted_changed_and_retracted(alice, carol):
    answer = AnswerFactory(author=alice)
    answer = services.cast_answer_vote(voter=carol, answer=answer, value=1)
    assert (answer.upvotes, answer.downvotes, answer.score) == (1, 0, 1)
    answer = services.cast_answer_vote(voter=UserFactory(), answer=answer, value=1)
    answer = services.cast_answer_vote(voter=carol, answer=answer, value=-1)
    assert (answer.upvotes, answer.downvotes, answer.score) == (1, 1, 0)
    answer = services.cast_answer_vote(voter=carol, answer=answer, value=0)
    assert (answer.upvotes, answer.downvotes, answer.score) == (1, 0, 1)
    answer.refresh_from_db()
    assert answer.score == 1
    assert AnswerVote.objects.filter(answer=answer).count() == 1


def test_nobody_votes_on_their_own_answer(alice):
    answer = AnswerFactory(author=alice)
    with pytest.raises(PermissionDenied):
        services.cast_answer_vote(voter=alice, answer=answer, value=1)


def test_a_vote_is_up_down_or_clear(carol):
    with pytest.raises(ValidationError):
        services.cast_answer_vote(voter=carol, answer=AnswerFactory(), value=2)


def test_deleted_answers_take_no_votes(alice, carol):
    answer = AnswerFactory(author=alice)
    services.delete_answer(answer=answer, editor=alice)
    with pytest.raises(PermissionDenied):
        services.cast_answer_vote(voter=carol, answer=answer, value=1)


def test_the_asker_accepts_an_answer_and_can_take_it_back(alice, carol):
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(author=carol, question=question)
    question = services.accept_answer(question=question, answer=answer, by=alice)
    assert question.accepted_answer_id == answer.pk and not question.is_open
    # Accepting again is idempotent: a double click does not undo it.
    question = services.accept_answer(question=question, answer=answer, by=alice)
    assert question.accepted_answer_id == answer.pk
    question = services.accept_answer(question=question, answer=answer, by=alice, accepted=False)
    assert question.accepted_answer_id is None
    question.refresh_from_db()
    assert question.is_open


def test_accepting_another_answer_moves_the_mark(alice, carol):
    question = QuestionFactory(author=alice)
    first, second = AnswerFactory(question=question), AnswerFactory(question=question)
    services.accept_answer(question=question, answer=first, by=alice)
    question = services.accept_answer(question=question, answer=second, by=alice)
    assert question.accepted_answer_id == second.pk
    # Taking back an answer that is not the accepted one changes nothing.
    question = services.accept_answer(question=question, answer=first, by=alice, accepted=False)
    assert question.accepted_answer_id == second.pk


def test_staff_may_accept_but_strangers_may_not(alice, bob, carol):
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(question=question)
    with pytest.raises(PermissionDenied):
        services.accept_answer(question=question, answer=answer, by=carol)
    with pytest.raises(PermissionDenied):
        services.accept_answer(question=question, answer=answer, by=answer.author)
    assert (
        services.accept_answer(question=question, answer=answer, by=bob).accepted_answer == answer
    )


def test_only_an_answer_to_this_question_can_be_accepted(alice):
    question = QuestionFactory(author=alice)
    with pytest.raises(ValidationError):
        services.accept_answer(question=question, answer=AnswerFactory(), by=alice)


def test_deleting_the_accepted_answer_reopens_the_question(alice, carol):
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(author=carol, question=question)
    services.accept_answer(question=question, answer=answer, by=alice)
    services.delete_answer(answer=answer, editor=carol)
    question.refresh_from_db()
    assert question.is_open
    with pytest.raises(ValidationError):
        services.accept_answer(question=question, answer=answer, by=alice)


def test_questions_and_answers_are_deleted_softly_by_their_authors_or_staff(alice, bob, carol):
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(author=carol, question=question)
    with pytest.raises(PermissionDenied):
        services.delete_question(question=question, editor=carol)
    with pytest.raises(PermissionDenied):
        services.delete_answer(answer=answer, editor=alice)
    services.delete_answer(answer=answer, editor=bob)
    services.delete_question(question=question, editor=alice)
    assert Question.objects.alive().count() == 0 and Question.objects.count() == 1
    assert Answer.objects.alive().count() == 0 and Answer.objects.count() == 1


# --------------------------------------------------------------------------
# Merging duplicate papers
# --------------------------------------------------------------------------


def test_merging_papers_keeps_questions_and_comments(alice, carol):
    from precis.summaries.services import absorb_summaries

    kept_paper, duplicate = PaperFactory(), PaperFactory()
    kept_summary = SummaryFactory(author=alice, paper=kept_paper)
    doomed_summary = SummaryFactory(author=alice, paper=duplicate)
    moved_summary = SummaryFactory(author=carol, paper=duplicate)
    comment = CommentFactory(summary=doomed_summary)
    other = CommentFactory(summary=moved_summary)
    question = QuestionFactory(paper=duplicate)

    services.absorb_discussions(source_paper=duplicate, target_paper=kept_paper)
    absorb_summaries(source_paper=duplicate, target_paper=kept_paper)

    comment.refresh_from_db()
    other.refresh_from_db()
    question.refresh_from_db()
    assert comment.summary_id == kept_summary.pk
    assert other.summary_id == moved_summary.pk
    assert question.paper_id == kept_paper.pk
