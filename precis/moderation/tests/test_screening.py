"""The screener on the real write paths: limits, new accounts' holds, scores and fingerprints."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from precis.accounts.models import TrustLevel, User
from precis.accounts.tests.factories import UserFactory
from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.lib import screening
from precis.lib.moderation import MODERATORS_GROUP, ModerationState
from precis.moderation import screening as rules
from precis.moderation import services, signals
from precis.moderation.models import Action, BlockedHost, Fingerprint, Flag
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services as summaries
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

NEW, BASIC, MEMBER, REGULAR, LEADER = TrustLevel

LONG = (
    "Residual connections let very deep networks train because each block only has to "
    "learn a small correction to the identity, and the gradient flows through the "
    "shortcut unchanged. The authors compare plain and residual networks of the same "
    "depth and find that the plain ones get worse as they get deeper while the residual "
    "ones keep improving."
)


def person(level=NEW, *, days_old: float = 0, **fields) -> User:
    made = UserFactory(trust_level=level, **fields)
    User.objects.filter(pk=made.pk).update(date_joined=timezone.now() - timedelta(days=days_old))
    made.refresh_from_db()
    return made


def verdict(author, text, kind="comment", target=None) -> screening.Verdict:
    return screening.screen(screening.Writing(author=author, kind=kind, text=text, target=target))


@pytest.fixture
def summary(alice):
    return SummaryFactory(author=alice)


# -- established writers ------------------------------------------------------------------------


@pytest.mark.parametrize("level", [MEMBER, REGULAR, LEADER])
def test_established_writers_are_never_held_whatever_they_write(level, summary):
    BlockedHost.objects.create(host="spam.example")
    writer = person(level)
    links = " ".join(f"https://site{i}.spam.example/" for i in range(20))
    comment = discussions.post_comment(author=writer, summary=summary, source=links)
    first = SummaryFactory(author=writer, source=links)
    assert comment.is_shown and first.is_shown
    assert not Flag.objects.exists()


def test_moderators_are_never_held(summary):
    moderator = person(NEW)
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    assert discussions.post_comment(
        author=moderator, summary=summary, source="https://a.example/ " * 5
    ).is_shown


# -- new accounts ---------------------------------------------------------------------------


def test_a_new_accounts_first_summary_is_held_queued_and_logged():
    newcomer = person(NEW)
    first = SummaryFactory(author=newcomer)
    assert first.is_held
    assert first.moderation_reason == rules.FIRST_SUMMARY_REASON
    flag = Flag.objects.open().get()
    assert (flag.target, flag.cause, flag.author) == (first, "held", newcomer)
    assert "a new account's first summary" in flag.signals
    assert Action.objects.filter(verb="held", moderator=None).exists()
    second = SummaryFactory(author=newcomer)
    assert second.is_held  # still nothing of theirs shown


def test_once_a_moderator_lets_one_through_the_next_summary_is_shown(bob):
    newcomer = person(NEW)
    first = SummaryFactory(author=newcomer)
    services.approve(moderator=bob, row=first)
    assert SummaryFactory(author=newcomer).is_shown
    # Editing the approved one keeps it shown.
    first.refresh_from_db()
    edited = summaries.save_summary(
        author=newcomer, paper=first.paper, source=first.source + " More.", visibility="public"
    )
    assert edited.is_shown


def test_a_private_draft_is_not_screened_and_publishing_it_is():
    newcomer = person(NEW)
    draft = SummaryFactory(author=newcomer, visibility="private")
    assert draft.is_shown and not Fingerprint.objects.exists()
    published = summaries.save_summary(
        author=newcomer, paper=draft.paper, source=draft.source, visibility="public"
    )
    assert published.is_held


def test_a_new_accounts_links_and_images_are_held_but_not_links_to_papers(summary):
    newcomer = person(NEW)
    linked = discussions.post_comment(
        author=newcomer, summary=summary, source=LONG + " More at https://myblog.example/post"
    )
    assert linked.is_held and linked.moderation_reason == rules.LINKS_REASON
    image = discussions.post_comment(
        author=newcomer, summary=summary, source=LONG + " ![plot](https://arxiv.org/plot.png)"
    )
    assert image.is_held
    paper_link = discussions.post_comment(
        author=newcomer, summary=summary, source=LONG + " See https://arxiv.org/abs/1512.03385"
    )
    assert paper_link.is_shown


def test_after_its_first_day_and_three_posts_a_new_accounts_links_are_not_held_by_that_rule(
    summary,
):
    newcomer = person(NEW, days_old=2)
    for i in range(3):
        discussions.post_comment(author=newcomer, summary=summary, source=f"Thought {i}.")
    later = discussions.post_comment(
        author=newcomer, summary=summary, source=LONG + " More at https://myblog.example/post"
    )
    assert later.is_shown
    young = person(NEW)
    for i in range(3):
        discussions.post_comment(author=young, summary=summary, source=f"Thought {i}.")
    assert discussions.post_comment(
        author=young, summary=summary, source=LONG + " https://myblog.example/post"
    ).is_held


def test_a_new_account_posts_at_most_ten_comments_and_answers_a_day(summary):
    newcomer = person(NEW)
    for i in range(10):
        discussions.post_comment(author=newcomer, summary=summary, source=f"Note {i}.")
    with pytest.raises(screening.Refused, match="up to 10 comments or answers a day"):
        discussions.post_comment(author=newcomer, summary=summary, source="One more.")
    # Editing what was posted is not posting more.
    mine = newcomer.comments.first()
    assert discussions.edit_comment(comment=mine, editor=newcomer, source="Note, fixed.")
    # Summaries and questions have their own budget.
    discussions.ask_question(author=newcomer, paper=PaperFactory(), title="Why residuals?")


def test_a_new_account_posts_at_most_three_summaries_questions_or_collections_a_day():
    newcomer = person(NEW)
    SummaryFactory(author=newcomer)
    discussions.ask_question(author=newcomer, paper=PaperFactory(), title="Why this loss?")
    collections.create_collection(owner=newcomer, title="Reading list", visibility="public")
    with pytest.raises(screening.Refused, match="up to 3 summaries, questions"):
        discussions.ask_question(author=newcomer, paper=PaperFactory(), title="And this?")
    # Yesterday's posts no longer count.
    Fingerprint.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    discussions.ask_question(author=newcomer, paper=PaperFactory(), title="And this?")


def test_basic_accounts_have_generous_limits_and_may_post_links(summary):
    member = person(BASIC)
    assert discussions.post_comment(
        author=member, summary=summary, source=LONG + " More at https://myblog.example/post"
    ).is_shown
    assert SummaryFactory(author=member).is_shown
    # The day's other comments and answers, as the screener counts them.
    Fingerprint.objects.bulk_create(
        Fingerprint(author=member, kind="answer", object_id=10_000 + i)
        for i in range(rules.DAILY_LIMITS[BASIC][rules.REPLY_KINDS] - 1)
    )
    with pytest.raises(screening.Refused, match="up to 60"):
        discussions.post_comment(author=member, summary=summary, source="One more.")


def test_the_refusal_is_shown_beside_the_text_which_is_kept(client, summary):
    newcomer = person(NEW)
    for i in range(10):
        discussions.post_comment(author=newcomer, summary=summary, source=f"Note {i}.")
    client.force_login(newcomer)
    response = client.post(
        reverse("discussions:comment_create", args=[summary.pk]),
        {"source": "My carefully typed eleventh thought."},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "up to 10 comments or answers a day" in body
    assert "My carefully typed eleventh thought." in body


def test_the_refusal_is_a_422_in_the_api(client, summary):
    newcomer = person(NEW)
    for i in range(10):
        discussions.post_comment(author=newcomer, summary=summary, source=f"Note {i}.")
    client.force_login(newcomer)
    response = client.post(
        f"/api/v1/summaries/{summary.pk}/comments",
        {"source": "An eleventh."},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "up to 10 comments" in response.json()["detail"]


# -- scores and thresholds ---------------------------------------------------------------------


def test_signals_below_the_hold_threshold_let_the_post_through():
    basic = person(BASIC)
    result = verdict(basic, "Short note with a link https://myblog.example/a/long/path/here")
    assert result.is_shown
    assert result.score == signals.MOSTLY_LINKS_POINTS < rules.THRESHOLDS[BASIC][0]


def test_at_the_hold_threshold_it_is_held_and_at_the_hide_threshold_hidden():
    BlockedHost.objects.create(host="learned.example", learned=True)
    BlockedHost.objects.create(host="spam.example")
    basic = person(BASIC)
    held = verdict(basic, LONG + " https://learned.example/x")
    assert held.state == ModerationState.HELD and held.score == 5
    assert held.reason == rules.SIGNALS_HELD_REASON + " (a link to a blocked site)."
    hidden = verdict(basic, LONG + " https://www.spam.example/x")
    assert hidden.state == ModerationState.HIDDEN and hidden.score == 10
    assert hidden.reason.startswith(rules.SIGNALS_HIDDEN_REASON)
    assert "links to a blocked host: spam.example (+10)" in hidden.signals


def test_new_accounts_are_held_at_a_lower_score_than_basic_ones():
    links = LONG + " " + " ".join(f"https://s{i}.example/" for i in range(5))
    shown = verdict(person(BASIC), links)
    assert shown.is_shown and shown.score == 4
    assert shown.signals == ("5 links to other sites (+3)", "25% of the text is links (+1)")
    assert verdict(person(NEW, days_old=3), links).state == ModerationState.HELD


def test_a_throw_away_address_adds_to_the_score():
    result = verdict(person(BASIC, email="x@mailinator.com"), LONG)
    assert result.is_shown and result.score == signals.DISPOSABLE_EMAIL_POINTS
    assert "a throw-away e-mail address (mailinator.com) (+2)" in result.signals


def test_a_hidden_post_is_queued_as_hidden(summary):
    BlockedHost.objects.create(host="spam.example")
    comment = discussions.post_comment(
        author=person(BASIC), summary=summary, source=LONG + " https://spam.example/buy"
    )
    assert comment.is_hidden
    assert Flag.objects.open().get().cause == Flag.Cause.HIDDEN


# -- near-duplicates across accounts ------------------------------------------------------------


def test_every_screened_post_leaves_one_fingerprint_which_edits_update(summary):
    writer = person(MEMBER)
    comment = discussions.post_comment(author=writer, summary=summary, source=LONG)
    row = Fingerprint.objects.get(kind="comment")
    assert (row.kind, row.object_id, row.author) == ("comment", comment.pk, writer)
    assert row.simhash == signals.to_signed(signals.simhash(LONG))
    discussions.edit_comment(comment=comment, editor=writer, source="Now short.")
    row.refresh_from_db()
    assert Fingerprint.objects.filter(kind="comment").count() == 1 and row.simhash is None


def test_a_copy_of_another_accounts_post_is_caught_but_not_ones_own_edits(summary):
    original = discussions.post_comment(author=person(MEMBER), summary=summary, source=LONG)
    assert original.is_shown
    copier = person(NEW, days_old=3)
    copy = discussions.post_comment(
        author=copier, summary=summary, source=LONG.upper() + " https://pills.example/"
    )
    assert copy.is_held
    assert "text like another account's post (+4)" in Flag.objects.open().get().signals

    writer = person(NEW, days_old=3)
    mine = discussions.post_comment(
        author=writer, summary=summary, source=LONG.replace("deep", "tall")
    )
    for text in (LONG.replace("deep", "high"), LONG.replace("deep", "tall") + " Thanks."):
        mine = discussions.edit_comment(comment=mine, editor=writer, source=text)
    result = verdict(writer, LONG.replace("deep", "tall"), target=mine)
    assert not any("like" in line for line in result.signals)


def test_the_same_text_from_many_accounts_is_held_and_a_spammers_text_hidden(summary, bob):
    for _ in range(3):
        discussions.post_comment(author=person(MEMBER), summary=summary, source=LONG)
    campaign = verdict(person(BASIC), LONG)
    assert campaign.state == ModerationState.HELD
    assert campaign.score == signals.CAMPAIGN_POINTS

    spammer = person(NEW, days_old=3)
    spam = "Cheap essays written overnight by experts, guaranteed grades, order today " * 2
    discussions.post_comment(author=spammer, summary=summary, source=spam)
    services.mark_spammer(moderator=bob, person=spammer)
    assert verdict(person(BASIC), spam).state == ModerationState.HIDDEN


def test_posts_older_than_a_week_are_not_compared(summary):
    discussions.post_comment(author=person(MEMBER), summary=summary, source=LONG)
    Fingerprint.objects.update(screened_at=timezone.now() - timedelta(days=8))
    assert verdict(person(BASIC), LONG).score == 0


# -- marking a spammer teaches the rules its hosts ---------------------------------------------


def test_marking_a_spammer_blocks_the_hosts_they_linked(summary, bob):
    spammer = person(BASIC, bio="Visit https://bio-spam.example")
    discussions.post_comment(
        author=spammer,
        summary=summary,
        source=LONG + " https://pills.example/buy https://arxiv.org/abs/1",
    )
    services.mark_spammer(moderator=bob, person=spammer)
    learned = BlockedHost.objects.filter(learned=True)
    assert set(learned.values_list("host", flat=True)) == {"pills.example", "bio-spam.example"}
    assert learned.first().added_by == bob
    later = verdict(person(BASIC), "A fine text, " + LONG + " https://shop.pills.example/")
    assert later.state == ModerationState.HELD


def test_screening_costs_a_few_queries_however_much_the_author_wrote(
    summary, django_assert_max_num_queries
):
    writer = person(BASIC)
    Fingerprint.objects.bulk_create(
        Fingerprint(
            author=writer, kind="comment", object_id=20_000 + i, **signals.fingerprint_fields(LONG)
        )
        for i in range(30)
    )
    for i in range(5):
        discussions.post_comment(author=writer, summary=summary, source=f"Note {i}.")
    with django_assert_max_num_queries(10):
        verdict(writer, LONG + " https://blog.example/post")


def test_editing_what_a_moderator_hid_logs_no_rule_decision_it_did_not_make(bob):
    author = person(NEW)
    comment = discussions.post_comment(author=author, summary=SummaryFactory(), source="Fine.")
    services.hide(moderator=bob, row=comment, reason="Off-topic.")
    discussions.edit_comment(
        comment=comment, editor=author, source="Now see https://a.example https://b.example"
    )
    comment.refresh_from_db()
    assert comment.is_hidden
    assert list(Action.objects.order_by("pk").values_list("verb", flat=True)) == ["hidden"]
