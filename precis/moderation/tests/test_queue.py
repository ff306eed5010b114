"""The moderators' queue: who may see it, what each row shows, filters, pages, decisions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from precis.accounts.models import FOREVER, TrustLevel
from precis.accounts.tests.factories import UserFactory
from precis.discussions.models import Comment
from precis.discussions.tests.factories import bulk_comments
from precis.lib.moderation import ModerationState
from precis.moderation import services
from precis.moderation.models import Action, Flag
from precis.moderation.views import FLAGS_PER_PAGE
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

from .factories import hide, hold, make, make_moderator

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


@pytest.fixture
def moderator():
    return make_moderator()


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def act(client, flag, action, **data):
    return client.post(reverse("moderation:act", args=[flag.pk]), {"action": action, **data})


# -- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member", "author"])
def test_everyone_but_moderators_gets_404_on_the_queue_the_log_and_every_action(
    client, alice, carol, who
):
    flag = hold(make("comment", alice))
    if who != "visitor":
        client.force_login(carol if who == "member" else alice)
    assert client.get(QUEUE).status_code == 404
    assert client.get(reverse("moderation:log")).status_code == 404
    for action in ("approve", "hide", "delete", "dismiss", "lock", "suspend-1", "spammer"):
        response = act(client, flag, action, reason="Mine.")
        assert response.status_code == 404, action
    bulk = client.post(reverse("moderation:bulk"), {"action": "approve", "flags": [flag.pk]})
    assert bulk.status_code == 404
    flag.refresh_from_db()
    assert flag.resolved_at is None and not Action.objects.exclude(verb="held").exists()


def test_staff_and_the_moderators_group_may_open_the_queue(client, bob, moderator):
    for person in (bob, moderator):
        client.force_login(person)
        assert client.get(QUEUE).status_code == 200


# -- what it shows ----------------------------------------------------------------------


def test_it_lists_open_flags_oldest_first_with_counts_per_cause(mod_client, alice, carol):
    older = hold(make("comment", alice, n=1))
    Flag.objects.filter(pk=older.pk).update(opened_at=timezone.now() - timedelta(days=2))
    reported = make("question", alice, n=2)
    services.report(reporter=carol, row=reported, reason="wrong_paper", text="It is about BERT.")
    decided = hold(make("answer", alice, n=3))
    services.approve(moderator=make_moderator("other_mod"), row=decided.target)
    page = mod_client.get(QUEUE).content.decode()
    assert page.index("Comment 1.") < page.index("Question 2?")
    assert "Answer 3." not in page  # decided: no longer in the queue
    assert 'All <span class="tab-count">2</span>' in page
    assert 'Held by the rules <span class="tab-count">1</span>' in page
    assert 'Reported <span class="tab-count">1</span>' in page
    assert 'Appealed <span class="tab-count">0</span>' in page


def test_each_row_shows_the_item_the_rules_the_reports_and_the_authors_history(
    mod_client, alice, carol
):
    summary = make("summary", alice, n=7)
    make("comment", alice)
    old = make("answer", alice)
    hide(old, make_moderator("earlier_mod"))  # an earlier flag upheld
    services.report(reporter=carol, row=summary, reason="plagiarism", text="Copied from a blog.")
    flag = Flag.objects.open().get()
    Flag.objects.filter(pk=flag.pk).update(score=4.5, signals=["near-duplicate of comment 3"])
    page = mod_client.get(QUEUE).content.decode()
    assert f'href="{summary.get_absolute_url()}"' in page
    assert f"Summary of “{summary.paper.title}”" in page
    assert "Summary 7: a plain account." in page  # the excerpt
    assert "score 4.5: near-duplicate of comment 3" in page
    assert "<strong>Plagiarism</strong>: “Copied from a blog.”" in page
    assert f">{carol.username}</a>, weight 1.5" in page  # carol is a MEMBER
    assert "trust: Member" in page
    assert "reputation 0" in page
    assert "Wrote 1 summary, 1 comment, 0 questions, 1 answer, 0 collections." in page
    assert "Earlier flags: 0 upheld of 0." in page  # the hide had no open flag to close
    assert f"?author={alice.username}" in page
    # The preset reason follows the reports.
    assert (
        '<option value="Copied from someone else&#x27;s writing without credit." selected>' in page
    )


def test_it_counts_earlier_flags_upheld_and_marks_suspended_and_spammer_authors(
    mod_client, moderator, alice
):
    first = hold(make("comment", alice, n=1))
    act(mod_client, first, "hide", preset="Spam or advertising.")
    hold(make("comment", alice, n=2))
    services.suspend(moderator=moderator, person=alice, days=7, reason="Cool off.")
    page = mod_client.get(QUEUE).content.decode()
    assert "Earlier flags: 1 upheld of 1." in page
    assert "suspended until" in page
    assert "Lift the suspension" in page


def test_it_filters_by_cause_and_by_author(mod_client, alice, carol):
    hold(make("comment", alice, n=1))
    services.report(reporter=alice, row=make("question", carol, n=2), reason="spam")
    by_cause = mod_client.get(QUEUE, {"cause": "reported"}).content.decode()
    assert "Question 2?" in by_cause and "Comment 1." not in by_cause
    by_author = mod_client.get(QUEUE, {"author": "alice"}).content.decode()
    assert "Comment 1." in by_author and "Question 2?" not in by_author
    assert 'All <span class="tab-count">1</span>' in by_author  # counts follow the author filter
    nobody = mod_client.get(QUEUE, {"author": "no-such-person"}).content.decode()
    assert "Nothing matches this filter." in nobody
    unknown_cause = mod_client.get(QUEUE, {"cause": "bogus"}).content.decode()
    assert "Comment 1." in unknown_cause and "Question 2?" in unknown_cause


def test_it_shows_fifty_a_page(mod_client, alice):
    summary = SummaryFactory(author=UserFactory())
    for comment in bulk_comments(summary, [None] * (FLAGS_PER_PAGE + 1), author=alice):
        hold(comment)
    first = mod_client.get(QUEUE).content.decode()
    second = mod_client.get(QUEUE, {"page": 2}).content.decode()
    assert first.count('class="card flag"') == FLAGS_PER_PAGE
    assert second.count('class="card flag"') == 1
    assert "Page 2 of 2" in second


def test_an_item_that_is_gone_can_still_be_closed(mod_client, alice):
    flag = hold(make("collection", alice))
    flag.target.delete()
    assert "An item that no longer exists" in mod_client.get(QUEUE).content.decode()
    act(mod_client, flag, "dismiss")
    flag.refresh_from_db()
    assert flag.resolution == "gone"


# -- each decision changes the item and writes the log -------------------------------------


def last_action():
    return Action.objects.order_by("-pk").first()


def test_approve_shows_a_held_item(mod_client, moderator, alice):
    flag = hold(make("summary", alice))
    response = act(mod_client, flag, "approve", preset="Spam or advertising.", next=QUEUE)
    assert response.status_code == 302 and response.url == QUEUE
    summary = Summary.objects.get()
    flag.refresh_from_db()
    assert summary.is_shown and flag.resolution == "approved" and flag.resolved_by == moderator
    action = last_action()
    assert (action.verb, action.moderator, action.target) == ("approved", moderator, summary)
    assert action.reason == ""  # a preset is never recorded as the reason to let it stand
    assert action.before["moderation"] == "held" and action.after["moderation"] == "ok"


def test_hide_needs_a_reason_and_tells_the_author(mod_client, moderator, alice):
    flag = hold(make("comment", alice))
    page = mod_client.post(
        reverse("moderation:act", args=[flag.pk]), {"action": "hide"}, follow=True
    )
    assert "Give the author a reason." in page.content.decode()
    assert Comment.objects.get().is_held
    act(mod_client, flag, "hide", preset="Spam or advertising.", reason="Advertises essays.")
    comment = Comment.objects.get()
    assert comment.is_hidden and comment.moderation_reason == "Advertises essays."
    assert (last_action().verb, last_action().reason) == ("hidden", "Advertises essays.")


def test_delete_removes_the_item(mod_client, moderator, alice):
    flag = hold(make("answer", alice))
    act(mod_client, flag, "delete", preset="Spam or advertising.")
    flag.refresh_from_db()
    assert flag.target.deleted_at is not None and flag.resolution == "deleted"
    assert last_action().verb == "deleted"


def test_dismiss_closes_the_reports_and_leaves_the_item_shown(mod_client, alice, carol):
    question = make("question", alice)
    services.report(reporter=carol, row=question, reason="spam")
    flag = Flag.objects.open().get()
    act(mod_client, flag, "dismiss", reason="A fair question.")
    flag.refresh_from_db()
    question.refresh_from_db()
    assert question.is_shown and flag.resolution == "dismissed"
    assert (last_action().verb, last_action().reason) == ("dismissed", "A fair question.")


def test_a_decided_flag_is_not_decided_twice(mod_client, alice):
    flag = hold(make("comment", alice))
    act(mod_client, flag, "approve")
    page = act(mod_client, flag, "hide", preset="Spam or advertising.")
    followed = mod_client.get(page.url).content.decode()
    assert "Already decided (approved) by mod_mina." in followed
    assert Comment.objects.get().is_shown
    assert Action.objects.filter(verb="hidden").count() == 0


@pytest.mark.parametrize("kind", ["summary", "comment", "question", "answer"])
def test_lock_and_unlock_close_and_reopen_the_thread(mod_client, alice, kind):
    row = make(kind, alice)
    flag = hold(row)
    thread = {"comment": lambda: row.summary, "answer": lambda: row.question}.get(
        kind, lambda: row
    )()
    field = "answers_locked" if kind in ("question", "answer") else "comments_locked"
    act(mod_client, flag, "lock", reason="Flame war.")
    thread.refresh_from_db()
    assert getattr(thread, field) is True
    assert (last_action().verb, last_action().target) == ("locked", thread)
    assert "Unlock the" in mod_client.get(QUEUE).content.decode()
    act(mod_client, flag, "unlock")
    thread.refresh_from_db()
    assert getattr(thread, field) is False
    assert last_action().verb == "unlocked"


def test_collections_and_profiles_cannot_be_locked(mod_client, alice):
    flag = hold(make("collection", alice))
    assert "Lock the" not in mod_client.get(QUEUE).content.decode()
    followed = act(mod_client, flag, "lock")
    assert "can be locked" in mod_client.get(followed.url).content.decode()


@pytest.mark.parametrize(
    ("action", "days"),
    [("suspend-1", 1), ("suspend-7", 7), ("suspend-30", 30), ("suspend-forever", None)],
)
def test_suspend_the_author_for_a_while_or_for_good(mod_client, alice, action, days):
    flag = hold(make("comment", alice))
    act(mod_client, flag, action, reason="Repeated abuse.")
    alice.refresh_from_db()
    if days is None:
        assert alice.suspended_until == FOREVER
    else:
        expected = timezone.now() + timedelta(days=days)
        assert abs((alice.suspended_until - expected).total_seconds()) < 600
    assert alice.suspension_reason == "Repeated abuse."
    assert (last_action().verb, last_action().target) == ("suspended", alice)
    act(mod_client, flag, "unsuspend")
    alice.refresh_from_db()
    assert alice.suspended_until is None and last_action().verb == "unsuspended"


def test_a_suspension_without_a_reason_says_a_moderator_did_it(mod_client, alice):
    act(mod_client, hold(make("comment", alice)), "suspend-1")
    alice.refresh_from_db()
    assert alice.suspension_reason == "Suspended by a moderator."


def test_moderators_cannot_be_suspended_from_the_queue(mod_client, bob):
    flag = hold(make("comment", bob))
    response = act(mod_client, flag, "suspend-7")
    assert "ask an administrator" in mod_client.get(response.url).content.decode()
    bob.refresh_from_db()
    assert bob.suspended_until is None


def test_mark_as_spammer_hides_everything_the_author_wrote(mod_client, alice):
    rows = [make(kind, alice, n=n) for n, kind in enumerate(["summary", "comment", "question"])]
    flag = hold(rows[1])
    response = act(mod_client, flag, "spammer")
    assert (
        "Marked alice as a spammer and hid 3 items."
        in mod_client.get(response.url).content.decode()
    )
    alice.refresh_from_db()
    assert alice.is_spammer and alice.is_suspended and alice.moderation == ModerationState.HIDDEN
    for row in rows:
        row.refresh_from_db()
        assert row.is_hidden
    assert not Flag.objects.open().exists()
    assert last_action().verb == "marked spammer"


def test_an_unknown_action_changes_nothing(mod_client, alice):
    flag = hold(make("comment", alice))
    response = act(mod_client, flag, "obliterate")
    assert "Unknown action." in mod_client.get(response.url).content.decode()
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_it_goes_back_to_the_page_it_came_from_and_nowhere_else(mod_client, alice):
    flag = hold(make("comment", alice))
    here = QUEUE + "?cause=held&author=alice"
    assert act(mod_client, flag, "approve", next=here).url == here
    flag = hold(make("comment", alice, n=2))
    assert act(mod_client, flag, "approve", next="https://evil.example/").url == QUEUE


def test_an_established_author_keeps_their_level_shown(mod_client):
    leader = UserFactory(username="lead", trust_level=TrustLevel.LEADER)
    hold(make("comment", leader))
    assert "trust: Leader" in mod_client.get(QUEUE).content.decode()


def test_deleting_a_collection_removes_it_for_good_and_still_logs_it(mod_client, alice):
    collection = make("collection", alice)
    flag = hold(collection)
    act(mod_client, flag, "delete", preset="Spam or advertising.")
    flag.refresh_from_db()
    assert flag.resolution == "deleted" and flag.target is None
    action = last_action()
    assert (action.verb, action.label, action.target_id) == (
        "deleted",
        f"Collection “{collection.title}”",
        collection.pk,
    )
