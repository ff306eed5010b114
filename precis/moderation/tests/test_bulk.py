"""Deciding many queue items at once: ticked ones, all shown (no JavaScript), all matching."""

import pytest
from django.urls import reverse

from precis.accounts.models import TrustLevel
from precis.accounts.tests.factories import UserFactory
from precis.discussions import services as discussions
from precis.discussions.models import Comment
from precis.lib.moderation import ModerationState
from precis.moderation.models import Action, Flag
from precis.moderation.views import FLAGS_PER_PAGE
from precis.summaries.tests.factories import SummaryFactory

from .factories import hold, make, make_moderator

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")
BULK = reverse("moderation:bulk")


@pytest.fixture
def mod_client(client):
    client.force_login(make_moderator())
    return client


def held_comments(count, author=None):
    summary = SummaryFactory()
    return [
        hold(
            discussions.post_comment(
                author=author or UserFactory(), summary=summary, source=f"Buy essays, offer {n}."
            )
        )
        for n in range(count)
    ]


def test_it_decides_only_the_ticked_items(mod_client):
    flags = held_comments(3)
    mod_client.post(BULK, {"action": "approve", "flags": [flags[0].pk, flags[2].pk]})
    assert list(Flag.objects.open()) == [flags[1]]
    assert Comment.objects.filter(moderation=ModerationState.OK).count() == 2
    assert Action.objects.filter(verb="approved").count() == 2


def test_all_shown_is_honoured_without_javascript(mod_client):
    flags = held_comments(3)
    page = mod_client.get(QUEUE).content.decode()
    assert 'name="all_shown"' in page
    shown = [flag.pk for flag in flags]
    for pk in shown:
        assert f'<input type="hidden" name="shown" value="{pk}">' in page
    # Nothing ticked; the "all shown" box is what the view reads.
    response = mod_client.post(
        BULK, {"action": "hide", "all_shown": "1", "shown": shown, "preset": "Spam or advertising."}
    )
    assert response.status_code == 302
    assert not Flag.objects.open().exists()
    assert set(Comment.objects.values_list("moderation", "moderation_reason")) == {
        ("hidden", "Spam or advertising.")
    }


def test_all_shown_takes_only_what_the_page_showed(mod_client):
    flags = held_comments(2)
    later = held_comments(1)  # arrived after the page was drawn
    mod_client.post(BULK, {"action": "dismiss", "all_shown": "1", "shown": [f.pk for f in flags]})
    assert list(Flag.objects.open()) == later


def test_bulk_delete_and_dismiss(mod_client):
    flags = held_comments(2)
    mod_client.post(BULK, {"action": "delete", "flags": [flags[0].pk]})
    mod_client.post(BULK, {"action": "dismiss", "flags": [flags[1].pk]})
    first, second = (Comment.objects.get(pk=f.target_id) for f in flags)
    assert first.deleted_at is not None
    assert second.is_shown  # dismissing a held item lets it stand
    assert not Flag.objects.open().exists()


def test_it_says_what_is_missing(mod_client):
    held_comments(1)
    nothing = mod_client.post(BULK, {"action": "approve"}, follow=True).content.decode()
    assert "Select at least one item" in nothing
    unknown = mod_client.post(BULK, {"action": "nuke", "all_shown": "1"}, follow=True)
    assert "Choose what to do" in unknown.content.decode()
    assert Flag.objects.open().count() == 1


def test_a_wave_of_twenty_spam_accounts_is_cleared_with_one_post(mod_client):
    """20 new accounts, 5 held comments each: 100 items, two pages of the queue.

    The moderator opens the queue (a GET), ticks "all 100 in the queue" (a click)
    and presses "Mark the authors as spammers…" (a click): one POST clears it.
    """
    accounts = [UserFactory(trust_level=TrustLevel.NEW) for _ in range(20)]
    summary = SummaryFactory()
    for round_ in range(5):
        for n, account in enumerate(accounts):
            comment = discussions.post_comment(
                author=account, summary=summary, source=f"Cheap essays {n}-{round_}, fast."
            )
            if not Flag.objects.open().filter(target_id=comment.pk).exists():
                hold(comment)  # what the spam rules do with a wave like this
    assert Flag.objects.open().count() == 100
    page = mod_client.get(QUEUE).content.decode()
    assert page.count('class="card flag"') == FLAGS_PER_PAGE
    assert 'name="all_matching"' in page and "All 100 in the queue" in page
    posts = 0
    response = mod_client.post(BULK, {"action": "spammer", "all_matching": "1", "next": QUEUE})
    posts += 1
    assert response.status_code == 302
    assert posts == 1
    assert not Flag.objects.open().exists()
    assert Comment.objects.exclude(moderation=ModerationState.HIDDEN).count() == 0
    for account in accounts:
        account.refresh_from_db()
        assert account.is_spammer and account.is_suspended
    assert Action.objects.filter(verb="marked spammer").count() == 20
    after = mod_client.get(QUEUE).content.decode()
    assert "Marked 20 people as spammers and hid everything they wrote." in after
    assert "Nothing waits for a moderator." in after


def test_all_matching_follows_the_filter(mod_client, alice, carol):
    hold(make("comment", alice, n=1))
    hold(make("comment", alice, n=2))
    other = hold(make("comment", carol, n=3))
    mod_client.post(BULK, {"action": "approve", "all_matching": "1", "author": "alice"})
    assert list(Flag.objects.open()) == [other]


def test_bulk_spam_never_marks_a_moderator(mod_client, bob):
    flag = hold(make("comment", bob))
    mod_client.post(BULK, {"action": "spammer", "flags": [flag.pk]})
    bob.refresh_from_db()
    assert not bob.is_spammer


def test_all_matching_decides_at_most_the_limit_and_says_how_many_are_left(mod_client, monkeypatch):
    from precis.moderation import views

    monkeypatch.setattr(views, "BULK_LIMIT", 2)
    held_comments(3)
    page = mod_client.post(BULK, {"action": "approve", "all_matching": "1"}, follow=True)
    assert "Approved 2 items. 1 more match" in page.content.decode()
    assert Flag.objects.open().count() == 1
