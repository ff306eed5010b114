import pytest

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services

from .factories import AnswerFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_opens_every_discussion_model(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    comment = CommentFactory()
    answer = AnswerFactory()
    services.cast_answer_vote(voter=admin, answer=answer, value=1)
    client.force_login(admin)
    for model in ("comment", "question", "answer", "answervote"):
        assert client.get(f"/admin/discussions/{model}/").status_code == 200, model
    assert client.get(f"/admin/discussions/comment/{comment.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/discussions/question/{answer.question_id}/change/").status_code == 200
    )
    assert client.get(f"/admin/discussions/answer/{answer.pk}/change/").status_code == 200
