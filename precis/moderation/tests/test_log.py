"""The audit log page, and the command that names moderators."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from precis.lib.moderation import is_moderator
from precis.moderation import services
from precis.moderation.models import Action
from precis.moderation.views import ACTIONS_PER_PAGE

from .factories import hide, hold, make, make_moderator

pytestmark = pytest.mark.django_db

LOG = reverse("moderation:log")


@pytest.fixture
def moderator():
    return make_moderator()


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def test_it_lists_every_action_newest_first_with_who_what_and_the_change(
    mod_client, moderator, alice, carol
):
    comment = make("comment", alice)
    services.report(reporter=carol, row=comment, reason="abuse")
    summary = make("summary", alice)
    hide(summary, moderator, reason="Copied from a blog.")
    services.approve(moderator=moderator, row=summary)
    page = mod_client.get(LOG).content.decode()
    assert page.index("<strong>approved</strong>") < page.index("<strong>hidden</strong>")
    assert f'<a href="{summary.get_absolute_url()}">Summary of “{summary.paper.title}”</a>' in page
    assert "“Copied from a blog.”" in page
    assert "moderation: ok → hidden" in page and "moderation: hidden → ok" in page
    assert f">{moderator.username}</a>" in page


def test_the_sites_rules_are_named_and_gone_items_are_not_linked(mod_client, moderator, alice):
    collection = make("collection", alice)
    hold(collection)
    services.record_rule_decision(collection, type("Verdict", (), {
        "state": "held", "reason": "Held for review.", "score": 5.0, "signals": ("links",)
    })())  # fmt: skip
    services.delete(moderator=moderator, row=collection, reason="Spam.")
    page = mod_client.get(LOG).content.decode()
    assert "the site's rules" in page
    assert f'Collection “{collection.title}” <span class="muted">(gone)</span>' in page
    assert "signals: — → links" in page


def test_it_filters_by_moderator_and_by_person(mod_client, moderator, alice, carol):
    other = make_moderator("mod_omar")
    alices = make("comment", alice, n=1)
    carols = make("question", carol, n=2)
    hide(alices, moderator)
    hide(carols, other)
    services.suspend(moderator=other, person=alice, days=1, reason="Cool off.")
    by_moderator = mod_client.get(LOG, {"moderator": "mod_omar"}).content.decode()
    assert "Question “Question 2?”" in by_moderator and "Comment on" not in by_moderator
    about_alice = mod_client.get(LOG, {"person": "alice"}).content.decode()
    assert "Comment on the summary" in about_alice and "Profile of alice" in about_alice
    assert "Question 2?" not in about_alice
    nobody = mod_client.get(LOG, {"person": "nobody-at-all"}).content.decode()
    assert "Nothing matches this filter." in nobody


def test_it_shows_fifty_a_page(mod_client, moderator, alice):
    row = make("summary", alice)
    Action.objects.bulk_create(
        Action(target=row, moderator=moderator, verb="locked", label=f"Line {n}")
        for n in range(ACTIONS_PER_PAGE + 3)
    )
    first = mod_client.get(LOG).content.decode()
    assert first.count('class="log-line"') == ACTIONS_PER_PAGE
    assert mod_client.get(LOG, {"page": 2}).content.decode().count('class="log-line"') == 3


def test_the_moderators_command_adds_lists_and_removes(alice, bob, capsys):
    call_command("moderators", "--add", "alice")
    alice.refresh_from_db()
    assert is_moderator(alice)
    call_command("moderators")
    listed = capsys.readouterr().out
    assert "alice\tmoderators group" in listed and "bob\tstaff" in listed
    call_command("moderators", "--remove", "alice")
    alice = type(alice).objects.get(pk=alice.pk)
    assert not is_moderator(alice)


def test_the_moderators_command_refuses_unknown_names(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no-one"):
        call_command("moderators", "--add", "no-one")
