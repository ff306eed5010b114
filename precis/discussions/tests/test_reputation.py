"""Reputation: points from votes others give, which self-dealing does not earn."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from precis.accounts.models import PointsEntry, TrustLevel, User
from precis.accounts.tests.factories import UserFactory
from precis.discussions import reputation
from precis.discussions import services as discussions
from precis.discussions.tests.factories import AnswerFactory, QuestionFactory
from precis.lib.moderation import ModerationState
from precis.summaries import services as summaries
from precis.summaries.models import Vote
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=400)


def member(level=TrustLevel.BASIC, **kwargs):
    """An account at ``level``, locked there so the trust rules leave it alone meanwhile."""
    return UserFactory(trust_level=level, trust_level_locked=True, **kwargs)


def reader(**kwargs):
    """An established reader: a member for over a year, so the ring rule never suspects them."""
    kwargs.setdefault("level", TrustLevel.MEMBER)
    kwargs.setdefault("date_joined", timezone.now() - LONG_AGO)
    return member(**kwargs)


def points(user) -> int:
    reputation.recompute_reputation(user)
    user.refresh_from_db()
    return user.reputation


@pytest.fixture
def writer(db):
    return member(TrustLevel.MEMBER, username="writer", display_name="Wendy Writer")


# -- the scheme ----------------------------------------------------------------------------


def test_it_pays_the_documented_points_for_votes_and_acceptances(writer):
    summary = SummaryFactory(author=writer)
    summaries.cast_vote(voter=reader(), summary=summary, value=1)
    summaries.cast_vote(voter=reader(), summary=summary, value=1)
    summaries.cast_vote(voter=reader(), summary=summary, value=-1)
    assert points(writer) == 2 * reputation.SUMMARY_UPVOTE + reputation.SUMMARY_DOWNVOTE == 18
    asker = reader()
    answer = AnswerFactory(question=QuestionFactory(author=asker), author=writer)
    discussions.cast_answer_vote(voter=reader(), answer=answer, value=1)
    discussions.cast_answer_vote(voter=reader(), answer=answer, value=-1)
    discussions.accept_answer(question=answer.question, answer=answer, by=asker)
    expected = (
        18 + reputation.ANSWER_UPVOTE + reputation.ANSWER_DOWNVOTE + reputation.ACCEPTED_ANSWER
    )
    assert points(writer) == expected == 36


def test_it_never_goes_below_zero(writer):
    summary = SummaryFactory(author=writer)
    summaries.cast_vote(voter=reader(), summary=summary, value=-1)
    assert points(writer) == 0
    assert PointsEntry.objects.get(user=writer).points == reputation.SUMMARY_DOWNVOTE


def test_accepting_ones_own_answer_earns_nothing(writer):
    question = QuestionFactory(author=writer)
    answer = AnswerFactory(question=question, author=writer)
    discussions.accept_answer(question=question, answer=answer, by=writer)
    assert points(writer) == 0


def test_votes_from_new_accounts_count_nothing(writer):
    summary = SummaryFactory(author=writer)
    for _ in range(5):
        summaries.cast_vote(voter=reader(level=TrustLevel.NEW), summary=summary, value=1)
    answer = AnswerFactory(author=writer)
    discussions.cast_answer_vote(voter=reader(level=TrustLevel.NEW), answer=answer, value=1)
    assert points(writer) == 0
    User.objects.filter(votes__summary=summary).update(trust_level=TrustLevel.BASIC)
    assert points(writer) == 5 * reputation.SUMMARY_UPVOTE  # once they are trusted, they count


def test_votes_from_spammers_and_closed_accounts_count_nothing(writer):
    summary = SummaryFactory(author=writer)
    summaries.cast_vote(voter=reader(is_spammer=True), summary=summary, value=1)
    summaries.cast_vote(voter=reader(is_active=False), summary=summary, value=1)
    assert points(writer) == 0


# -- self-dealing ----------------------------------------------------------------------------


def test_a_five_account_voting_ring_earns_about_nothing():
    ring = [member() for _ in range(5)]  # made together
    written = {
        one.pk: SummaryFactory(author=one, source=f"Ring summary {n}: {one.username} explains.")
        for n, one in enumerate(ring)
    }
    answers = {
        one.pk: AnswerFactory(author=one, source=f"Ring answer {n} by {one.username}.")
        for n, one in enumerate(ring)
    }
    for voter in ring:
        for author in ring:
            if author != voter:
                summaries.cast_vote(voter=voter, summary=written[author.pk], value=1)
                discussions.cast_answer_vote(voter=voter, answer=answers[author.pk], value=1)
    reputation.recompute_reputations([one.pk for one in ring])
    assert [m.reputation for m in User.objects.filter(pk__in=[m.pk for m in ring])] == [0] * 5
    assert not PointsEntry.objects.exists()
    # A reader from outside the ring still counts in full.
    summaries.cast_vote(voter=reader(), summary=written[ring[0].pk], value=1)
    assert points(ring[0]) == reputation.SUMMARY_UPVOTE


def test_sock_puppets_voting_only_for_their_maker_earn_nothing(writer):
    summary = SummaryFactory(author=writer)
    for _ in range(3):  # made the same week as the writer, voting for no one else
        summaries.cast_vote(voter=member(), summary=summary, value=1)
    assert points(writer) == 0


def test_a_newcomer_who_votes_widely_counts(writer):
    summary = SummaryFactory(author=writer)
    newcomer = member()  # joined the writer's week
    summaries.cast_vote(voter=newcomer, summary=summary, value=1)
    for _ in range(2):
        summaries.cast_vote(voter=newcomer, summary=SummaryFactory(author=reader()), value=1)
    assert points(writer) == reputation.SUMMARY_UPVOTE


# -- what counts ---------------------------------------------------------------------------------


def test_it_counts_only_listed_shown_content(writer):
    summary = SummaryFactory(author=writer)
    summaries.cast_vote(voter=reader(), summary=summary, value=1)
    assert points(writer) == 10
    summaries.set_moderation(summary=summary, state=ModerationState.HIDDEN, reason="spam")
    assert points(writer) == 0
    summaries.set_moderation(summary=summary, state=ModerationState.OK)
    summaries.save_summary(
        author=writer, paper=summary.paper, source="Now unlisted.", visibility="unlisted"
    )
    assert points(writer) == 0
    summaries.save_summary(
        author=writer, paper=summary.paper, source="Public.", visibility="public"
    )
    summaries.delete_summary(summary=summary, editor=writer)
    assert points(writer) == 0
    answer = AnswerFactory(author=writer)
    discussions.cast_answer_vote(voter=reader(), answer=answer, value=1)
    discussions.delete_question(question=answer.question, editor=answer.question.author)
    assert points(writer) == 0


def test_anonymous_summaries_earn_points_only_their_writer_sees(client, writer, alice):
    named = SummaryFactory(author=writer)
    anonymous = SummaryFactory(author=writer, anonymous=True, source="Unsigned but good")
    summaries.cast_vote(voter=reader(), summary=named, value=1)
    assert points(writer) == 10
    with_points = [
        (reverse("accounts:profile", args=["writer"]), ">10<"),
        (reverse("accounts:users"), ">10<"),
    ]
    before = {path: Client().get(path).content for path, _ in with_points}
    for voter in (reader(), reader()):
        summaries.cast_vote(voter=voter, summary=anonymous, value=1)
    writer.refresh_from_db()
    assert points(writer) == 10  # the public number does not move, now or later
    for path, shown in with_points:
        body = Client().get(path).content
        assert shown.encode() in body
        assert body == before[path], path
    assert list(User.objects.top_writers_since(timezone.now() - timedelta(days=30))) == [writer]
    assert (
        User.objects.top_writers_since(timezone.now() - timedelta(days=30))[0].recent_points == 10
    )
    client.force_login(writer)
    own = client.get(reverse("accounts:profile", args=["writer"])).content.decode()
    assert "Your anonymous summaries earned 20 more points" in own


def test_a_vote_on_an_anonymous_summary_leaves_the_ring_rule_alone(writer):
    """Otherwise a vote on an anonymous summary could move its writer's public points."""
    voter = member()  # joined with the writer
    named = SummaryFactory(author=writer)
    summaries.cast_vote(voter=voter, summary=named, value=1)
    for _ in range(2):
        summaries.cast_vote(voter=voter, summary=SummaryFactory(author=reader()), value=1)
    assert points(writer) == 10
    for _ in range(3):
        anonymous = SummaryFactory(author=writer, anonymous=True)
        summaries.cast_vote(voter=voter, summary=anonymous, value=1)
    assert points(writer) == 10


# -- when it is computed ---------------------------------------------------------------------------


def test_it_recomputes_after_each_vote_commits(writer, django_capture_on_commit_callbacks):
    summary = SummaryFactory(author=writer)
    asker = reader()
    answer = AnswerFactory(question=QuestionFactory(author=asker), author=writer)
    with django_capture_on_commit_callbacks(execute=True):
        summaries.cast_vote(voter=reader(), summary=summary, value=1)
    writer.refresh_from_db()
    assert writer.reputation == 10
    with django_capture_on_commit_callbacks(execute=True):
        discussions.cast_answer_vote(voter=reader(), answer=answer, value=1)
    with django_capture_on_commit_callbacks(execute=True):
        discussions.accept_answer(question=answer.question, answer=answer, by=asker)
    writer.refresh_from_db()
    assert writer.reputation == 30
    with django_capture_on_commit_callbacks(execute=True):
        discussions.accept_answer(question=answer.question, answer=answer, by=asker, accepted=False)
    writer.refresh_from_db()
    assert writer.reputation == 15


def test_update_reputation_is_idempotent_and_repairs_stale_numbers(writer, capsys):
    summary = SummaryFactory(author=writer)
    summaries.cast_vote(voter=reader(), summary=summary, value=1)
    User.objects.filter(pk=writer.pk).update(reputation=999)
    stray = reader(reputation=7)  # holds points it no longer has a reason for
    call_command("update_reputation", batch_size=1)
    first = sorted(PointsEntry.objects.values_list("user_id", "points", "object_id"))
    call_command("update_reputation")
    assert sorted(PointsEntry.objects.values_list("user_id", "points", "object_id")) == first
    writer.refresh_from_db()
    stray.refresh_from_db()
    assert (writer.reputation, stray.reputation) == (10, 0)
    assert "Reputation recomputed for" in capsys.readouterr().out


# -- where it is shown ---------------------------------------------------------------------------


def test_profiles_and_the_writers_page_show_points_best_first(client, writer, alice):
    summaries.cast_vote(voter=reader(), summary=SummaryFactory(author=writer), value=1)
    summaries.cast_vote(voter=reader(), summary=SummaryFactory(author=alice), value=1)
    summaries.cast_vote(voter=reader(), summary=SummaryFactory(author=alice), value=1)
    reputation.recompute_reputations([writer.pk, alice.pk])
    profile = client.get(reverse("accounts:profile", args=["writer"])).content.decode()
    assert "<dt>Points</dt><dd>10</dd>" in profile
    users = client.get(reverse("accounts:users")).content.decode()
    table = users[users.index("<table") :]
    assert table.index("Alice Writer") < table.index("Wendy Writer")
    assert '<td class="num">20</td>' in table


def test_the_writers_page_lists_answerers_with_points(client, writer):
    discussions.cast_answer_vote(voter=reader(), answer=AnswerFactory(author=writer), value=1)
    reputation.recompute_reputation(writer)
    assert "Wendy Writer" in client.get(reverse("accounts:users")).content.decode()


def test_top_writers_this_month_count_only_the_last_thirty_days(client, writer, alice):
    old = SummaryFactory(author=writer)
    for _ in range(3):
        summaries.cast_vote(voter=reader(), summary=old, value=1)
    Vote.objects.filter(summary=old).update(created_at=timezone.now() - timedelta(days=40))
    summaries.cast_vote(voter=reader(), summary=SummaryFactory(author=alice), value=1)
    reputation.recompute_reputations([writer.pk, alice.pk])
    body = client.get(reverse("accounts:users")).content.decode()
    top = body[body.index("Top writers this month") : body.index("<table")]
    assert "Alice Writer" in top and "10 points in the last 30 days" in top
    assert "Wendy Writer" not in top  # 30 points, all older than a month
    writer.refresh_from_db()
    assert writer.reputation == 30


def test_the_writers_page_explains_the_points_as_the_code_counts_them(client):
    body = client.get(reverse("accounts:users")).content.decode()
    assert f"{reputation.SUMMARY_UPVOTE} for each up-vote on a named summary" in body
    assert f"{reputation.ANSWER_UPVOTE} for each up-vote on an answer" in body
    assert f"{reputation.ACCEPTED_ANSWER} for an accepted answer" in body
    assert f"{-reputation.SUMMARY_DOWNVOTE} off for each down-vote" in body
    assert reputation.SUMMARY_DOWNVOTE == reputation.ANSWER_DOWNVOTE


def test_recomputing_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    authors = []
    for n in range(10):
        author = member()
        authors.append(author.pk)
        summary = SummaryFactory(author=author, source=f"Summary {n} by {author.username}.")
        summaries.cast_vote(voter=member(), summary=summary, value=1)
        discussions.cast_answer_vote(voter=reader(), answer=AnswerFactory(author=author), value=1)
    # Lock, three reads, four for the ring rule; replace entries, read and set totals;
    # and the savepoints around them. The same for one person or two hundred.
    with django_assert_max_num_queries(16):
        reputation.recompute_reputations(authors)
    assert PointsEntry.objects.count() == 10  # the answers' votes; the puppets' went unpaid
