"""What moderators and reporters do, each step checked and recorded."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from precis.accounts.models import TrustLevel
from precis.accounts.tests.factories import UserFactory
from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.lib.moderation import MODERATORS_GROUP, ModerationState, is_moderator
from precis.moderation import services
from precis.moderation.models import Action, Flag, Report
from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    person = UserFactory(username="modmina")
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    person.groups.add(group)
    return person


@pytest.fixture
def summary(alice):
    return SummaryFactory(author=alice, paper=PaperFactory(), source="Buy cheap pills here.")


def readers(level, count):
    return [UserFactory(trust_level=level) for _ in range(count)]


def test_the_moderators_group_and_staff_moderate_and_no_one_else(moderator, bob, carol):
    assert is_moderator(moderator) and is_moderator(bob) and not is_moderator(carol)


def test_reports_weigh_by_trust_and_enough_of_them_hold_the_item(summary):
    for reader in readers(TrustLevel.NEW, 4)[:-1]:  # three new accounts: 1.5
        services.report(reporter=reader, row=summary, reason="spam")
    summary.refresh_from_db()
    assert summary.is_shown
    services.report(reporter=UserFactory(trust_level=TrustLevel.MEMBER), row=summary, reason="spam")
    summary.refresh_from_db()
    assert summary.is_held  # 1.5 + 1.5 = 3
    flag = Flag.objects.open().get()
    assert (flag.cause, flag.report_count, flag.report_weight) == ("reported", 4, 3.0)
    assert Action.objects.filter(verb="held", moderator=None).exists()


def test_reporting_twice_changes_nothing_and_ones_own_writing_cannot_be_reported(
    summary, alice, carol
):
    first = services.report(reporter=carol, row=summary, reason="spam")
    assert services.report(reporter=carol, row=summary, reason="abuse") == first
    assert Report.objects.count() == 1
    with pytest.raises(ValidationError, match="your own"):
        services.report(reporter=alice, row=summary, reason="spam")


def test_other_needs_words_and_a_suspended_reader_cannot_report(summary, carol, moderator):
    with pytest.raises(ValidationError, match="what is wrong"):
        services.report(reporter=carol, row=summary, reason="other")
    services.suspend(moderator=moderator, person=carol, days=1, reason="Flooding.")
    carol.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.report(reporter=carol, row=summary, reason="spam")


def test_only_moderators_act(summary, carol):
    for act in (services.approve, services.dismiss):
        with pytest.raises(PermissionDenied):
            act(moderator=carol, row=summary)
    with pytest.raises(PermissionDenied):
        services.hide(moderator=carol, row=summary, reason="No.")


def test_hiding_needs_a_reason_and_is_logged_with_before_and_after(summary, moderator):
    with pytest.raises(ValidationError):
        services.hide(moderator=moderator, row=summary, reason=" ")
    services.hide(moderator=moderator, row=summary, reason="Advertising.")
    summary.refresh_from_db()
    assert summary.is_hidden and summary.moderation_reason == "Advertising."
    action = Action.objects.get(verb="hidden")
    assert action.moderator == moderator
    assert action.before["moderation"] == "ok" and action.after["moderation"] == "hidden"
    assert action.label.startswith("Summary of")


def test_an_author_appeals_a_hide_once_and_it_returns_to_the_queue(summary, alice, moderator):
    services.hide(moderator=moderator, row=summary, reason="Looks like spam.")
    assert not Flag.objects.open().exists()
    summary.refresh_from_db()
    services.appeal(author=alice, row=summary, text="It is a real summary.")
    flag = Flag.objects.open().get()
    assert flag.cause == "appealed"
    summary.refresh_from_db()
    with pytest.raises(ValidationError):
        services.appeal(author=alice, row=summary)
    services.approve(moderator=moderator, row=summary)
    summary.refresh_from_db()
    assert summary.is_shown and not Flag.objects.open().exists()


def test_only_the_author_may_appeal(summary, carol, moderator):
    services.hide(moderator=moderator, row=summary, reason="Spam.")
    summary.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.appeal(author=carol, row=summary)


def test_locking_closes_a_summary_to_new_comments(summary, carol, moderator):
    services.lock(moderator=moderator, row=summary)
    summary.refresh_from_db()
    assert not discussions.may_comment_on(summary, carol)
    with pytest.raises(PermissionDenied):
        discussions.post_comment(author=carol, summary=summary, source="Hello?")


def test_a_suspended_account_cannot_post_or_vote(summary, carol, moderator):
    services.suspend(moderator=moderator, person=carol, days=7, reason="Cooling off.")
    carol.refresh_from_db()
    with pytest.raises(ValidationError, match="suspended until"):
        discussions.post_comment(author=carol, summary=summary, source="Still here.")
    with pytest.raises(PermissionDenied):
        from precis.summaries import services as summaries

        summaries.cast_vote(voter=carol, summary=summary, value=1)
    services.lift_suspension(moderator=moderator, person=carol)
    carol.refresh_from_db()
    assert discussions.post_comment(author=carol, summary=summary, source="Back.").is_shown


def test_marking_a_spammer_hides_everything_they_wrote_at_once(moderator, alice):
    spammer = UserFactory()
    paper = PaperFactory()
    mine = SummaryFactory(author=spammer, paper=paper, source="Spam one.")
    comment = discussions.post_comment(
        author=spammer, summary=SummaryFactory(author=alice, paper=paper), source="Spam two."
    )
    question = discussions.ask_question(author=spammer, paper=paper, title="Spam three?")
    collection = collections.create_collection(owner=spammer, title="Spam", visibility="public")
    services.report(reporter=alice, row=mine, reason="spam")

    hidden = services.mark_spammer(moderator=moderator, person=spammer)

    for row in (mine, comment, question, collection, spammer):
        row.refresh_from_db()
        assert row.moderation == ModerationState.HIDDEN, row
    assert spammer.is_spammer and spammer.is_suspended
    assert hidden["summary"] == [mine.pk] and hidden["comment"] == [comment.pk]
    assert not Flag.objects.open().exists()
    assert not Summary.objects.listed().filter(author=spammer).exists()
    assert Action.objects.get(verb="marked spammer").after["summary"] == 1


def test_moderators_cannot_be_suspended_or_marked_here(moderator, bob):
    with pytest.raises(PermissionDenied):
        services.mark_spammer(moderator=bob, person=moderator)
    with pytest.raises(PermissionDenied):
        services.suspend(moderator=bob, person=moderator, days=1, reason="x")


def test_bulk_marks_each_author_once_and_clears_their_flags(moderator, alice):
    spammers = [UserFactory() for _ in range(3)]
    for spammer in spammers:
        for n in range(2):
            summary = SummaryFactory(author=spammer, source=f"Spam {n}.")
            services.report(reporter=alice, row=summary, reason="spam")
    flags = list(Flag.objects.open())
    assert len(flags) == 6
    assert services.bulk(moderator=moderator, flags=flags, action="spammer") == 3
    assert not Flag.objects.open().exists()
    assert not Summary.objects.listed().filter(author__in=spammers).exists()


def test_bulk_refuses_an_unknown_action(moderator):
    with pytest.raises(ValidationError):
        services.bulk(moderator=moderator, flags=[], action="explode")
