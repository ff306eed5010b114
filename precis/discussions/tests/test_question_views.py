from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services
from precis.discussions.models import Answer, Question
from precis.papers.tests.factories import PaperFactory

from .factories import AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def body_of(response):
    return response.content.decode()


def ordered(body, *texts):
    positions = [body.index(text) for text in texts]
    return positions == sorted(positions)


# --------------------------------------------------------------------------
# Asking
# --------------------------------------------------------------------------


def test_a_signed_in_reader_asks_a_question_from_the_paper_page(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    assert "Ask a question" in body_of(client.get(paper.get_absolute_url()))
    response = client.post(
        reverse("discussions:ask", args=[paper.pk]),
        {"title": "Why a flat prior?", "source": "Section 3 uses $p(\\theta)$."},
    )
    question = Question.objects.get()
    assert response.status_code == 302 and response.url == question.get_absolute_url()
    page = body_of(client.get(question.get_absolute_url()))
    assert "Why a flat prior?" in page and "<math" in page
    assert "Why a flat prior?" in body_of(client.get(paper.get_absolute_url()))


def test_visitors_see_no_ask_form_and_cannot_ask(client):
    paper = PaperFactory()
    page = body_of(client.get(paper.get_absolute_url()))
    assert "Sign in to ask a question" in page
    assert reverse("discussions:ask", args=[paper.pk]) not in page
    response = client.post(reverse("discussions:ask", args=[paper.pk]), {"title": "Hm?"})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not Question.objects.exists()


def test_a_failed_question_is_shown_again_with_its_text(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    response = client.post(
        reverse("discussions:ask", args=[paper.pk]), {"title": "", "source": "My long details"}
    )
    assert response.status_code == 200
    assert "My long details" in body_of(response) and "needs a title" in body_of(response)
    response = client.post(reverse("discussions:ask", args=[paper.pk]), {"title": "t" * 201})
    assert response.status_code == 200 and "t" * 201 in body_of(response)
    assert not Question.objects.exists()


def test_asking_is_rate_limited(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    url = reverse("discussions:ask", args=[paper.pk])
    statuses = [client.post(url, {"title": f"Question {n}?"}).status_code for n in range(11)]
    assert statuses == [302] * 10 + [429]


def test_the_paper_page_lists_open_questions_before_answered_ones(client, alice, carol):
    paper = PaperFactory()
    answered = QuestionFactory(paper=paper, author=alice, title="Answered one?")
    answer = AnswerFactory(question=answered, author=carol)
    services.accept_answer(question=answered, answer=answer, by=alice)
    older_open = QuestionFactory(paper=paper, title="Older open one?")
    newer_open = QuestionFactory(paper=paper, title="Newer open one?")
    Question.objects.filter(pk=older_open.pk).update(created_at=timezone.now() - timedelta(days=1))
    gone = QuestionFactory(paper=paper, author=alice, title="Withdrawn one?")
    services.delete_question(question=gone, editor=alice)
    page = body_of(client.get(paper.get_absolute_url()))
    assert ordered(page, newer_open.title, older_open.title, "Answered</h3>", answered.title)
    assert "1 answer " in page
    assert "Withdrawn one?" not in page


# --------------------------------------------------------------------------
# The question page and answers
# --------------------------------------------------------------------------


def test_answers_are_shown_best_first(client, alice, carol):
    question = QuestionFactory(author=alice)
    early = AnswerFactory(question=question, source="Early answer")
    late_tie = AnswerFactory(question=question, source="Late tie answer")
    popular = AnswerFactory(question=question, source="Popular answer")
    Answer.objects.filter(pk=early.pk).update(created_at=timezone.now() - timedelta(hours=2))
    Answer.objects.filter(pk=late_tie.pk).update(created_at=timezone.now() - timedelta(hours=1))
    services.cast_answer_vote(voter=carol, answer=popular, value=1)
    url = question.get_absolute_url()
    assert ordered(body_of(client.get(url)), "Popular answer", "Early answer", "Late tie answer")
    services.accept_answer(question=question, answer=late_tie, by=alice)
    page = body_of(client.get(url))
    assert ordered(page, "Late tie answer", "Popular answer", "Early answer")
    assert "accepted answer" in page


def test_a_reader_answers_a_question(client, carol):
    question = QuestionFactory()
    client.force_login(carol)
    response = client.post(
        reverse("discussions:answer_create", args=[question.pk]), {"source": "Because $x$."}
    )
    answer = Answer.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#answer-{answer.pk}")
    assert "Because" in body_of(client.get(question.get_absolute_url()))


def test_a_failed_answer_is_shown_again_with_its_text(client, carol):
    question = QuestionFactory()
    client.force_login(carol)
    response = client.post(
        reverse("discussions:answer_create", args=[question.pk]), {"source": "Kept " * 2100}
    )
    assert response.status_code == 200
    assert "Kept Kept" in body_of(response)
    assert not Answer.objects.exists()


def test_visitors_are_asked_to_sign_in_to_answer(client):
    question = QuestionFactory()
    page = body_of(client.get(question.get_absolute_url()))
    assert "Sign in to answer" in page and 'id="answer-form"' not in page
    response = client.post(
        reverse("discussions:answer_create", args=[question.pk]), {"source": "x"}
    )
    assert response.status_code == 302 and not Answer.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [(None, 404), ("carol", 404), ("alice", 200), ("bob", 200)]
)
def test_a_deleted_question_is_seen_only_by_its_asker_and_staff(
    client, alice, request, who, status
):
    question = QuestionFactory(author=alice, title="Withdrawn question?")
    services.delete_question(question=question, editor=alice)
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(question.get_absolute_url())
    assert response.status_code == status
    assert ("Withdrawn question?" in body_of(response)) == (status == 200)


def test_a_deleted_answer_shows_to_nobody(client, alice, bob, carol):
    answer = AnswerFactory(author=carol, source="Answer I regret")
    client.force_login(alice)
    delete_url = reverse("discussions:answer_delete", args=[answer.pk])
    assert client.post(delete_url).status_code == 404  # not the author
    client.force_login(carol)
    assert client.post(delete_url).status_code == 302
    for viewer in (carol, bob, alice):
        client.force_login(viewer)
        assert "Answer I regret" not in body_of(client.get(answer.question.get_absolute_url()))


@pytest.mark.parametrize(("who", "status"), [("carol", 404), ("bob", 302), ("alice", 302)])
def test_the_asker_or_staff_delete_a_question(client, alice, request, who, status):
    question = QuestionFactory(author=alice)
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("discussions:question_delete", args=[question.pk]))
    assert response.status_code == status
    question.refresh_from_db()
    assert (question.deleted_at is not None) == (status == 302)


# --------------------------------------------------------------------------
# Votes
# --------------------------------------------------------------------------


def test_votes_on_answers_work_as_forms_and_as_json(client, alice, carol):
    answer = AnswerFactory(author=alice)
    url = reverse("discussions:answer_vote", args=[answer.pk])
    client.force_login(carol)
    response = client.post(url, {"value": "up"})
    assert response.status_code == 302 and response.url == answer.get_absolute_url()
    response = client.post(url, {"value": "down"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"score": -1, "upvotes": 0, "downvotes": 1, "my_vote": -1}
    response = client.post(url, {"value": "clear"}, HTTP_ACCEPT="application/json")
    assert response.json()["score"] == 0


def test_the_vote_form_goes_back_to_the_answer(client, alice, carol):
    answer = AnswerFactory(author=alice)
    client.force_login(carol)
    page = body_of(client.get(answer.question.get_absolute_url()))
    assert reverse("discussions:answer_vote", args=[answer.pk]) in page
    next_url = f"{answer.question.get_absolute_url()}#answer-{answer.pk}"
    response = client.post(
        reverse("discussions:answer_vote", args=[answer.pk]), {"value": "up", "next": next_url}
    )
    assert response.url == next_url


def test_nobody_votes_on_their_own_answer_through_the_web(client, alice):
    answer = AnswerFactory(author=alice)
    client.force_login(alice)
    assert reverse("discussions:answer_vote", args=[answer.pk]) not in body_of(
        client.get(answer.question.get_absolute_url())
    )
    response = client.post(
        reverse("discussions:answer_vote", args=[answer.pk]),
        {"value": "up"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}


def test_a_vote_needs_a_known_value(client, carol):
    answer = AnswerFactory()
    client.force_login(carol)
    response = client.post(
        reverse("discussions:answer_vote", args=[answer.pk]),
        {"value": "sideways"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400


def test_visitors_cannot_vote(client):
    answer = AnswerFactory()
    response = client.post(reverse("discussions:answer_vote", args=[answer.pk]), {"value": "up"})
    assert response.status_code == 302 and reverse("account_login") in response.url


# --------------------------------------------------------------------------
# Accepting
# --------------------------------------------------------------------------


def accept_url(answer):
    return reverse("discussions:accept", args=[answer.question_id, answer.pk])


def test_the_asker_accepts_and_unaccepts_an_answer(client, alice, carol):
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(question=question, author=carol)
    client.force_login(alice)
    assert "accept this answer" in body_of(client.get(question.get_absolute_url()))
    response = client.post(accept_url(answer), {"action": "accept"})
    assert response.status_code == 302 and response.url == answer.get_absolute_url()
    question.refresh_from_db()
    assert question.accepted_answer == answer
    assert client.post(accept_url(answer), {"action": "accept"}).status_code == 302
    question.refresh_from_db()
    assert question.accepted_answer == answer  # a double click does not toggle it off
    assert "unaccept" in body_of(client.get(question.get_absolute_url()))
    client.post(accept_url(answer), {"action": "unaccept"})
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_staff_may_accept_an_answer(client, alice, bob):
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(question=question)
    client.force_login(bob)
    client.post(accept_url(answer))
    question.refresh_from_db()
    assert question.accepted_answer == answer


def test_strangers_and_answerers_may_not_accept(client, alice, carol):
    question = QuestionFactory(author=alice)
    answer = AnswerFactory(question=question, author=carol)
    client.force_login(carol)
    assert "accept this answer" not in body_of(client.get(question.get_absolute_url()))
    assert client.post(accept_url(answer)).status_code == 404
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_an_answer_to_another_question_cannot_be_accepted_here(client, alice):
    question = QuestionFactory(author=alice)
    other = AnswerFactory()
    client.force_login(alice)
    url = reverse("discussions:accept", args=[question.pk, other.pk])
    assert client.post(url).status_code == 404


# --------------------------------------------------------------------------
# Open questions across the site
# --------------------------------------------------------------------------


def test_the_open_questions_page_lists_unanswered_questions_newest_first(client, alice):
    paper = PaperFactory(title="Attention is all you need")
    older = QuestionFactory(paper=paper, title="Older question?")
    Question.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    newer = QuestionFactory(paper=paper, title="Newer question?")
    AnswerFactory(question=newer)
    AnswerFactory(question=newer)
    closed = QuestionFactory(author=alice, title="Closed question?")
    services.accept_answer(question=closed, answer=AnswerFactory(question=closed), by=alice)
    gone = QuestionFactory(author=alice, title="Deleted question?")
    services.delete_question(question=gone, editor=alice)

    page = body_of(client.get(reverse("discussions:open_questions")))
    assert ordered(page, "Newer question?", "Older question?")
    assert "Attention is all you need" in page
    assert '<td class="num">2</td>' in page and '<td class="num">0</td>' in page
    assert "Closed question?" not in page and "Deleted question?" not in page


def test_the_open_questions_page_is_paginated(client):
    author, paper = UserFactory(), PaperFactory()
    for n in range(21):
        QuestionFactory(author=author, paper=paper, title=f"Numbered question {n:02d}?")
    Question.objects.filter(title="Numbered question 00?").update(
        created_at=timezone.now() - timedelta(days=1)
    )
    first = body_of(client.get(reverse("discussions:open_questions")))
    second = body_of(client.get(reverse("discussions:open_questions"), {"page": 2}))
    assert "Numbered question 00?" not in first and "Numbered question 20?" in first
    assert "Numbered question 00?" in second and 'rel="next"' in first
