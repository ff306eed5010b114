"""What authors see of their own held or hidden writing, their appeal, and suspensions."""

import pytest
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.moderation import services
from precis.moderation.models import Action, Flag
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

from .factories import KIND_NAMES, hide, hold, make, make_moderator

pytestmark = pytest.mark.django_db

HELD = "Held for review:</strong> a moderator will look at it soon; until then only you can see it."


@pytest.fixture
def moderator():
    return make_moderator()


def pages_of(kind, row) -> list[str]:
    """Where the author sees ``row``: its own page, and the paper page for summaries."""
    if kind == "summary":
        return [row.get_absolute_url(), row.paper.get_absolute_url()]
    if kind == "comment":
        return [row.summary.get_absolute_url()]
    if kind == "answer":
        return [row.question.get_absolute_url()]
    return [row.get_absolute_url()]


def make_own(kind, author):
    return author if kind == "profile" else make(kind, author)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_author_sees_that_it_is_held(client, alice, kind):
    row = make_own(kind, alice)
    hold(row)
    client.force_login(alice)
    for url in pages_of(kind, row):
        assert HELD in client.get(url).content.decode(), url


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_author_sees_why_it_was_hidden_and_appeals_once(client, alice, moderator, kind):
    row = make_own(kind, alice)
    hide(row, moderator, reason="Advertises an essay mill.")
    appeal = reverse("moderation:appeal", args=[kind, row.pk])
    client.force_login(alice)
    page = client.get(pages_of(kind, row)[0]).content.decode()
    assert "Hidden by a moderator</strong>: Advertises an essay mill." in page
    assert f'action="{appeal}"' in page
    response = client.post(appeal, {"text": "It is my own tutoring page, and relevant."})
    assert response.status_code == 302 and response.url == row.get_absolute_url()
    row.refresh_from_db()
    assert row.appealed_at is not None
    flag = Flag.objects.open().get()
    assert flag.cause == "appealed"
    assert "appeal: It is my own tutoring page, and relevant." in flag.signals
    assert Action.objects.filter(verb="appealed", moderator=None).exists()
    page = client.get(pages_of(kind, row)[0]).content.decode()
    assert f'You appealed on <time datetime="{row.appealed_at:%Y-%m-%d}' in page
    assert "a moderator will look again." in page
    assert f'action="{appeal}"' not in page
    again = client.post(appeal, {"text": "Please?"}, follow=True).content.decode()
    assert "can be appealed once" in again
    assert Action.objects.filter(verb="appealed").count() == 1


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_only_the_author_may_appeal(client, alice, carol, moderator, kind):
    row = make_own(kind, alice)
    hide(row, moderator)
    appeal = reverse("moderation:appeal", args=[kind, row.pk])
    assert client.post(appeal).status_code == 302  # a visitor: to sign in
    client.force_login(carol)
    assert client.post(appeal).status_code == 404
    client.force_login(moderator)
    assert client.post(appeal).status_code == 404
    row.refresh_from_db()
    assert row.appealed_at is None and not Flag.objects.open().exists()


def test_appeals_are_posts_and_a_held_item_has_nothing_to_appeal(client, alice):
    comment = make("comment", alice)
    hold(comment)
    client.force_login(alice)
    appeal = reverse("moderation:appeal", args=["comment", comment.pk])
    assert client.get(appeal).status_code == 405
    response = client.post(appeal, follow=True).content.decode()
    assert "can be appealed once, after a moderator hid it" in response


def test_the_appeal_form_is_labelled_and_posts_with_csrf(alice, moderator):
    from django.test import Client

    summary = SummaryFactory(author=alice, paper=PaperFactory())
    hide(summary, moderator)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert f'<label for="appeal-summary-{summary.pk}">' in page
    assert 'name="csrfmiddlewaretoken"' in page.split("appeal-form", 1)[1][:400]
    forged = client.post(reverse("moderation:appeal", args=["summary", summary.pk]))
    assert forged.status_code == 403


def test_others_see_nothing_of_a_held_or_hidden_item(client, alice, carol, moderator):
    held = make("question", alice, n=1)
    hold(held)
    hidden = make("summary", alice)
    hide(hidden, moderator)
    client.force_login(carol)
    assert client.get(held.get_absolute_url()).status_code == 404
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_moderators_see_the_banner_but_no_appeal(client, alice, moderator):
    summary = make("summary", alice)
    hide(summary, moderator, reason="Off-topic.")
    client.force_login(moderator)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert (
        "Hidden by a moderator</strong>: Off-topic. Only its author and moderators can see it."
        in page
    )
    assert "moderation/appeal/" not in page


# -- suspensions -------------------------------------------------------------------------


def test_a_suspended_person_is_told_everywhere_and_offered_no_forms(client, alice, moderator):
    writer = UserFactory()
    summary = SummaryFactory(author=writer, paper=PaperFactory())
    question = make("question", writer)
    services.suspend(moderator=moderator, person=alice, days=7, reason="Insults in comments.")
    client.force_login(alice)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "Your account is suspended until" in page
    assert ": Insults in comments." in page
    assert "You cannot comment while your account is suspended" in page
    assert 'id="comment-form"' not in page
    page = client.get(question.get_absolute_url()).content.decode()
    assert "You cannot answer while your account is suspended" in page
    assert 'id="answer-form"' not in page
    page = client.get(summary.paper.get_absolute_url()).content.decode()
    assert "You cannot ask questions while your account is suspended" in page
    page = client.get(reverse("summaries:write", args=[summary.paper_id])).content.decode()
    assert "you can keep a private draft, but not publish it" in page


def test_a_suspension_for_good_says_so(client, alice, moderator):
    services.mark_spammer(moderator=moderator, person=alice)
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "Your account is suspended for good</strong>: Removed as spam." in page


def test_no_one_else_sees_a_suspension_notice(client, carol):
    client.force_login(carol)
    assert "suspended" not in client.get("/").content.decode()


def test_a_locked_thread_says_why_it_takes_no_more(client, alice, carol, moderator):
    summary = make("summary", alice)
    question = make("question", alice)
    services.lock(moderator=moderator, row=summary)
    services.lock(moderator=moderator, row=question)
    client.force_login(carol)
    assert (
        "A moderator closed the comments" in client.get(summary.get_absolute_url()).content.decode()
    )
    page = client.get(question.get_absolute_url()).content.decode()
    assert "A moderator closed this question to new answers." in page
    assert 'id="answer-form"' not in page
