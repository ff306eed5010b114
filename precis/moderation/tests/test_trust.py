"""Trust levels: how they are earned, lost, locked, started with ORCID, and set by hand."""

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from precis.accounts.admin import PrecisUserAdmin
from precis.accounts.models import TrustLevel, User
from precis.accounts.tests.factories import UserFactory
from precis.discussions.models import Comment
from precis.findings.models import Finding, FindingReply
from precis.findings.tests.factories import FindingFactory, ReplyFactory
from precis.lib.moderation import MODERATORS_GROUP, ModerationState
from precis.moderation import services, tasks, trust
from precis.moderation.models import Action
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

NEW, BASIC, MEMBER, REGULAR, LEADER = TrustLevel


def newcomer(days_old: float = 0, reputation: int = 0, **fields) -> User:
    person = UserFactory(trust_level=NEW, reputation=reputation, **fields)
    User.objects.filter(pk=person.pk).update(date_joined=timezone.now() - timedelta(days=days_old))
    person.refresh_from_db()
    return person


def comments(author, count: int, *, days_ago: float = 0) -> list[Comment]:
    """Shown comments by ``author``, made directly: the screening rules are not under test."""
    summary = SummaryFactory()
    made = [
        Comment.objects.create(summary=summary, author=author, source=f"Point {i} about it.")
        for i in range(count)
    ]
    Comment.objects.filter(pk__in=[c.pk for c in made]).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return made


def hide(row, *, days_ago: float = 0) -> None:
    type(row).objects.filter(pk=row.pk).update(
        moderation=ModerationState.HIDDEN,
        moderated_at=timezone.now() - timedelta(days=days_ago),
    )


def level(person) -> int:
    person.refresh_from_db()
    return trust.recompute(person)


# -- starting out ---------------------------------------------------------------------------


def test_a_new_account_starts_new_and_stays_so_on_its_first_day():
    person = newcomer()
    comments(person, 2)
    assert level(person) == NEW


def test_an_orcid_proven_by_signing_in_starts_at_basic_and_a_typed_one_does_not():
    typed = newcomer(orcid="0000-0002-1825-0097")
    assert level(typed) == NEW
    proven = newcomer()
    SocialAccount.objects.create(user=proven, provider="orcid", uid="0000-0002-1825-0097")
    assert level(proven) == BASIC


def test_connecting_orcid_raises_the_level_at_once():
    from allauth.socialaccount.models import SocialLogin
    from allauth.socialaccount.signals import social_account_added

    person = newcomer()
    account = SocialAccount.objects.create(user=person, provider="orcid", uid="0000-0002-1825-0097")
    social_account_added.send(
        sender=SocialLogin, request=None, sociallogin=SocialLogin(user=person, account=account)
    )
    person.refresh_from_db()
    assert person.trust_level == BASIC


# -- earning ---------------------------------------------------------------------------------


def test_it_earns_basic_after_a_day_with_writing_shown_for_a_day_or_votes():
    person = newcomer(days_old=2)
    comments(person, 1, days_ago=0.5)
    assert level(person) == NEW  # shown, but not for a day yet
    comments(person, 1, days_ago=1.5)
    assert level(person) == BASIC
    voted = newcomer(days_old=1.5, reputation=1)
    assert level(voted) == BASIC
    too_young = newcomer(days_old=0.5, reputation=3)
    assert level(too_young) == NEW


def test_held_or_deleted_writing_earns_nothing():
    person = newcomer(days_old=2)
    held, deleted = comments(person, 2, days_ago=1.5)
    Comment.objects.filter(pk=held.pk).update(moderation=ModerationState.HELD)
    Comment.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    assert level(person) == NEW


def test_it_earns_member_after_a_week_with_three_shown_items_and_some_votes():
    person = newcomer(days_old=8, reputation=5)
    comments(person, 2, days_ago=3)
    assert level(person) == BASIC
    comments(person, 1, days_ago=3)
    assert level(person) == MEMBER
    young = newcomer(days_old=6, reputation=5)
    comments(young, 3, days_ago=3)
    assert level(young) == BASIC


def test_it_earns_regular_after_a_month_with_many_votes_and_no_recent_hide():
    person = newcomer(days_old=31, reputation=50)
    made = comments(person, 4, days_ago=20)
    hide(made[0], days_ago=100)  # long ago: forgotten
    assert level(person) == REGULAR
    poorer = newcomer(days_old=31, reputation=49)
    comments(poorer, 3, days_ago=20)
    assert level(poorer) == MEMBER


def test_leader_is_only_given_by_hand():
    person = newcomer(days_old=400, reputation=10_000)
    comments(person, 20, days_ago=100)
    assert level(person) == REGULAR


# -- losing ----------------------------------------------------------------------------------


def test_one_hide_caps_the_level_at_basic_and_two_bring_it_down_to_new():
    person = UserFactory(trust_level=REGULAR)
    made = comments(person, 2)
    hide(made[0], days_ago=10)
    assert level(person) == BASIC
    hide(made[1])
    assert level(person) == NEW


def test_findings_and_their_replies_count_like_any_other_writing():
    person = newcomer(days_old=8, reputation=5)
    finding = FindingFactory(author=person)
    replies = [ReplyFactory(author=person, finding=finding) for _ in range(2)]
    for model, rows in ((Finding, [finding]), (FindingReply, replies)):
        model.objects.filter(pk__in=[row.pk for row in rows]).update(
            moderation=ModerationState.OK, created_at=timezone.now() - timedelta(days=3)
        )
    assert trust.standing(person).shown == 3
    assert level(person) == MEMBER
    hide(finding)
    assert level(person) == BASIC  # a hidden finding is a hide, as a hidden comment is
    hide(replies[0])
    assert level(person) == NEW


def test_a_hidden_profile_counts_as_a_hide():
    person = UserFactory(trust_level=MEMBER)
    User.objects.filter(pk=person.pk).update(
        moderation=ModerationState.HIDDEN, moderated_at=timezone.now()
    )
    assert level(person) == BASIC


def test_being_marked_a_spammer_brings_it_down_to_new(bob):
    person = UserFactory(trust_level=REGULAR)
    services.mark_spammer(moderator=bob, person=person)
    assert level(person) == NEW


def test_levels_once_earned_are_kept_without_penalties():
    person = UserFactory(trust_level=MEMBER)  # no writing, no votes, joined today
    assert level(person) == MEMBER


# -- the lock and staff ---------------------------------------------------------------------


def test_the_rules_never_change_a_locked_level():
    kept_low = UserFactory(trust_level=NEW, trust_level_locked=True, reputation=100)
    User.objects.filter(pk=kept_low.pk).update(date_joined=timezone.now() - timedelta(days=60))
    comments(kept_low, 5, days_ago=40)
    assert level(kept_low) == NEW
    kept_high = UserFactory(trust_level=LEADER, trust_level_locked=True)
    hide(comments(kept_high, 2)[0])
    hide(comments(kept_high, 1)[0])
    assert level(kept_high) == LEADER


def test_staff_set_a_level_by_hand_which_locks_it_and_is_logged(bob, carol):
    trust.set_by_hand(moderator=bob, person=carol, level=LEADER, reason="Runs the reading group.")
    carol.refresh_from_db()
    assert (carol.trust_level, carol.trust_level_locked) == (LEADER, True)
    action = Action.objects.get(verb="trust set")
    assert (action.moderator, action.reason) == (bob, "Runs the reading group.")
    assert action.before == {"trust_level": MEMBER, "locked": False}
    trust.set_by_hand(moderator=bob, person=carol, level=None)  # back to the rules
    carol.refresh_from_db()
    assert (carol.trust_level, carol.trust_level_locked) == (LEADER, False)
    assert Action.objects.filter(verb="trust unlocked").exists()


def test_only_staff_set_levels_by_hand(carol):
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    with pytest.raises(PermissionDenied):
        trust.set_by_hand(moderator=moderator, person=carol, level=LEADER)


def test_the_trust_form_sets_a_level_for_staff_and_is_not_there_for_anyone_else(client, bob, carol):
    url = reverse("moderation:trust", args=[carol.username])
    client.force_login(carol)
    assert client.post(url, {"level": "4"}).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 405
    response = client.post(url, {"level": "0", "next": "/moderation/"})
    assert response.status_code == 302 and response.url == "/moderation/"
    carol.refresh_from_db()
    assert (carol.trust_level, carol.trust_level_locked) == (NEW, True)
    client.post(url, {"level": "auto"})
    carol.refresh_from_db()
    assert not carol.trust_level_locked
    assert client.post(url, {"level": "9"}).status_code == 302
    carol.refresh_from_db()
    assert not carol.trust_level_locked  # nothing changed
    assert (
        client.post(reverse("moderation:trust", args=["nobody"]), {"level": "1"}).status_code == 404
    )


def test_changing_the_level_in_the_admin_locks_it(rf, bob, carol):
    class Form:
        changed_data = ["trust_level"]

    carol.trust_level = REGULAR
    PrecisUserAdmin(User, None).save_model(rf.post("/"), carol, Form(), change=True)
    carol.refresh_from_db()
    assert (carol.trust_level, carol.trust_level_locked) == (REGULAR, True)
    Form.changed_data = ["trust_level", "trust_level_locked"]
    carol.trust_level, carol.trust_level_locked = BASIC, False
    PrecisUserAdmin(User, None).save_model(rf.post("/"), carol, Form(), change=True)
    carol.refresh_from_db()
    assert (carol.trust_level, carol.trust_level_locked) == (BASIC, False)


# -- everyone at once -------------------------------------------------------------------------


def test_the_command_updates_everyone_in_batches_and_twice_changes_nothing(
    django_assert_max_num_queries,
):
    risers = [newcomer(days_old=2, reputation=1) for _ in range(3)]
    settled = [UserFactory(trust_level=MEMBER) for _ in range(4)]
    locked = UserFactory(trust_level=NEW, trust_level_locked=True, reputation=99)
    counts = trust.update_all(batch_size=3)
    assert counts["changed"] == 3
    assert {p.trust_level for p in User.objects.filter(pk__in=[p.pk for p in risers])} == {BASIC}
    locked.refresh_from_db()
    assert locked.trust_level == NEW
    # Unchanged accounts cost a few queries a batch, however many there are in it.
    with django_assert_max_num_queries(3 * 7 + 1):
        assert trust.update_all(batch_size=3)["changed"] == 0
    call_command("update_trust_levels", verbosity=0)
    assert {p.trust_level for p in User.objects.filter(pk__in=[p.pk for p in settled])} == {MEMBER}


def test_the_task_updates_levels():
    person = newcomer(days_old=2, reputation=1)
    tasks.update_trust_levels.enqueue()  # the immediate backend in tests
    person.refresh_from_db()
    assert person.trust_level == BASIC


def test_staff_find_the_trust_form_beside_a_queued_authors_record(client, bob):
    person = newcomer()
    SummaryFactory(author=person)  # a new account's first summary: held and queued
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    form = f'action="{reverse("moderation:trust", args=[person.username])}"'
    client.force_login(bob)
    assert form in client.get(reverse("moderation:queue")).content.decode()
    client.force_login(moderator)  # a moderator who is not staff
    assert form not in client.get(reverse("moderation:queue")).content.decode()
