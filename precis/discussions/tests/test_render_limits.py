"""Comments, questions and answers beyond the render limits: the reason is shown, the text kept."""

import pytest
from django.urls import reverse

from precis.discussions.models import Answer, Comment, Question
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

BIG_TABLE = "| a |\n|---|\n" + "| x |\n" * 1_500
MESSAGE = "This text has a table of 1,500 rows; the limit is 1,000."


def test_a_comment_over_a_limit_shows_why_and_keeps_its_text(client, carol):
    summary = SummaryFactory()
    client.force_login(carol)
    response = client.post(
        reverse("discussions:comment_create", args=[summary.pk]), {"source": "Look:\n" + BIG_TABLE}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert MESSAGE in body
    assert "Look:\n| a |" in body
    assert not Comment.objects.exists()


def test_a_question_and_an_answer_over_a_limit_show_why(client, carol):
    paper = PaperFactory()
    client.force_login(carol)
    asked = client.post(
        reverse("discussions:ask", args=[paper.pk]), {"title": "Why?", "source": BIG_TABLE}
    )
    assert asked.status_code == 200
    assert MESSAGE in asked.content.decode()
    assert not Question.objects.exists()
    client.post(reverse("discussions:ask", args=[paper.pk]), {"title": "Why?", "source": ""})
    question = Question.objects.get()
    answered = client.post(
        reverse("discussions:answer_create", args=[question.pk]), {"source": BIG_TABLE}
    )
    assert answered.status_code == 200
    assert MESSAGE in answered.content.decode()
    assert not Answer.objects.exists()
