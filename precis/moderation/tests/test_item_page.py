"""A moderator acts on any item from its own page, outside the queue: hide what nobody
reported, show again what was hidden, and take back a spammer mark made in error."""

import pytest
from django.urls import reverse

from precis.accounts.models import User
from precis.accounts.tests.factories import UserFactory
from precis.discussions.models import Comment, Question
from precis.moderation import services
from precis.moderation.models import Action, Flag
from precis.summaries.models import Summary

from .factories import KIND_NAMES, hide, make, make_moderator

pytestmark = pytest.mark.django_db


def item_url(kind: str, row) -> str:
    return reverse("moderation:item", args=[kind, row.pk])


@pytest.fixture
def moderator():
    return make_moderator()


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_kind_has_a_page_that_hides_and_shows_again(mod_client, alice, kind):
    row = make(kind, alice)
    page = mod_client.get(item_url(kind, row))
    assert page.status_code == 200
    assert "Joined" in page.text  # the author's record
    assert 'value="approve"' not in page.text  # it is shown: nothing to show again

    mod_client.post(item_url(kind, row), {"action": "hide", "preset": "Spam or advertising."})
    row.refresh_from_db()
    assert row.is_hidden and row.moderation_reason == "Spam or advertising."
    page = mod_client.get(item_url(kind, row))
    assert "Show again" in page.text and "hidden" in page.text

    mod_client.post(item_url(kind, row), {"action": "approve", "reason": "A fair post."})
    row.refresh_from_db()
    assert row.is_shown and row.moderation_reason == ""
    verbs = list(Action.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["hidden", "approved"]
    assert "A fair post." in mod_client.get(item_url(kind, row)).text  # in its log


def test_showing_again_closes_its_open_queue_item(mod_client, moderator, alice):
    comment = make("comment", alice)
    hide(comment, moderator)
    services.appeal(author=alice, row=comment, text="Please look again.")
    assert Flag.objects.open().count() == 1
    assert "in the queue" in mod_client.get(item_url("comment", comment)).text
    mod_client.post(item_url("comment", comment), {"action": "approve"})
    assert Flag.objects.open().count() == 0


@pytest.mark.parametrize("who", ["visitor", "member", "author"])
def test_only_moderators_may_open_or_post_an_item_page(client, alice, carol, who):
    summary = make("summary", alice)
    if who != "visitor":
        client.force_login(carol if who == "member" else alice)
    assert client.get(item_url("summary", summary)).status_code == 404
    assert client.post(item_url("summary", summary), {"action": "hide"}).status_code == 404
    summary.refresh_from_db()
    assert summary.is_shown


def test_unknown_kinds_items_and_actions_are_clear_errors(mod_client, alice):
    summary = make("summary", alice)
    assert mod_client.get(reverse("moderation:item", args=["poem", 1])).status_code == 404
    assert mod_client.get(reverse("moderation:item", args=["summary", 10**9])).status_code == 404
    response = mod_client.post(item_url("summary", summary), {"action": "explode"}, follow=True)
    assert "Unknown action." in response.text
    response = mod_client.post(item_url("summary", summary), {"reason": "x" * 301}, follow=True)
    assert "at most 300 characters" in response.text
    assert mod_client.put(item_url("summary", summary)).status_code == 405


def test_a_spammer_mark_made_in_error_is_taken_back_with_what_it_hid(mod_client, moderator):
    person = UserFactory(username="not_a_spammer")
    summary, comment = make("summary", person), make("comment", person)
    question = make("question", person)
    earlier = make("question", person, n=1)
    hide(earlier, moderator, reason="Off-topic: not about the paper or the discussion.")
    services.mark_spammer(moderator=moderator, person=person)
    assert not Summary.objects.get(pk=summary.pk).is_shown

    response = mod_client.post(item_url("profile", person), {"action": "unspam"}, follow=True)
    assert "no longer marked as a spammer; 3 items the mark hid are shown again" in response.text
    person = User.objects.get(pk=person.pk)
    assert not person.is_spammer and not person.is_suspended and person.is_shown
    assert Summary.objects.get(pk=summary.pk).is_shown
    assert Comment.objects.get(pk=comment.pk).is_shown
    assert Question.objects.get(pk=question.pk).is_shown
    # A hide made before the mark, one by one, stands: the mark did not make it.
    assert Question.objects.get(pk=earlier.pk).is_hidden
    undo = Action.objects.get(verb="unmarked spammer")
    assert undo.after["summary"] == 1 and undo.after["question"] == 1


def test_unmarking_someone_never_marked_says_so(mod_client, alice):
    response = mod_client.post(item_url("profile", alice), {"action": "unspam"}, follow=True)
    assert "alice is not marked as a spammer." in response.text


def test_moderators_see_moderate_links_and_the_queue_in_the_nav(client, alice, carol):
    summary = make("summary", alice)
    client.force_login(carol)
    page = client.get(summary.get_absolute_url()).text
    assert reverse("moderation:report", args=["summary", summary.pk]) in page
    assert reverse("moderation:queue") not in page

    moderator = make_moderator()
    client.force_login(moderator)
    page = client.get(summary.get_absolute_url()).text
    assert item_url("summary", summary) in page
    assert reverse("moderation:queue") in page


def test_leaving_the_moderators_group_takes_the_links_away_at_once(client, alice):
    moderator = make_moderator()
    summary = make("summary", alice)
    client.force_login(moderator)
    assert reverse("moderation:queue") in client.get(summary.get_absolute_url()).text
    moderator.groups.clear()
    page = client.get(summary.get_absolute_url()).text
    assert reverse("moderation:queue") not in page
    assert client.get(reverse("moderation:queue")).status_code == 404
