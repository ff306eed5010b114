"""Held and hidden content follows the one visibility rule private summaries follow:
gone for everyone but its author on every page, count, feed, sitemap, search, API
answer, notification and export."""

import json

import pytest
from django.core import mail

from precis.accounts.models import TrustLevel
from precis.accounts.tests.factories import UserFactory
from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.exports.services import export_user
from precis.moderation import services
from precis.notifications import services as notifications
from precis.notifications.models import Notification
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services as summaries
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

# One word per item, so a leak names what leaked.
WORDS = {
    "summary": "Quasimodal-held-summary",
    "comment": "Vermiculite-hidden-comment",
    "question": "Pangolinish-hidden-question",
    "answer": "Ocelotine-held-answer",
    "collection": "Marmaladex-hidden-collection",
    "bio": "Tamarindic-hidden-profile",
}


@pytest.fixture
def moderated(bob, alice, carol, django_capture_on_commit_callbacks):
    """A scene where a spammer's summary, comment, question, answer, collection and
    profile are each held or hidden; alice follows everything it touches."""
    spammer = UserFactory(username="spamwriter", bio=WORDS["bio"], display_name="Spam Writer")
    venue = VenueFactory(key="modconf")
    paper = PaperFactory(venue=venue, year=2021, title="Gentle waves", arxiv="2101.00001")
    public = SummaryFactory(author=alice, paper=paper, source="An honest public summary.")
    for target in ({"paper": paper}, {"venue": venue}, {"user": spammer}):
        notifications.follow(follower=carol, **target)
    with django_capture_on_commit_callbacks(execute=True):
        summary = SummaryFactory(author=spammer, paper=paper, source=WORDS["summary"])
        comment = discussions.post_comment(
            author=spammer, summary=public, source=f"{WORDS['comment']} @carol"
        )
        question = discussions.ask_question(
            author=spammer, paper=paper, title=f"{WORDS['question']}?"
        )
        answer = discussions.post_answer(author=spammer, question=question, source=WORDS["answer"])
        collection = collections.create_collection(
            owner=spammer, title=WORDS["collection"], visibility="public"
        )
        collections.add_item(collection=collection, paper=paper, summary=summary)
    # The moderation states, as the queue would set them.
    Notification.objects.all().delete()
    mail.outbox.clear()
    for row in (comment, question, collection):
        services.hide(moderator=bob, row=row, reason="Spam.")
    for row in (summary, answer):
        row.refresh_from_db()
        _hold(row)
    services.hide(moderator=bob, row=spammer, reason="Spam profile.")
    return {
        "spammer": spammer,
        "paper": paper,
        "venue": venue,
        "public": public,
        "summary": summary,
        "comment": comment,
        "question": question,
        "answer": answer,
        "collection": collection,
    }


def _hold(row):
    from precis.moderation.kinds import kind_of

    kind_of(row).set_state(row, "held", "Waiting for a moderator.")


def public_pages(scene) -> list[str]:
    paper, public = scene["paper"], scene["public"]
    return [
        "/",
        "/?tab=recent",
        "/?tab=best",
        paper.get_absolute_url(),
        public.get_absolute_url(),
        f"/questions/?paper={paper.pk}",
        "/questions/",
        "/venues/",
        "/venues/modconf/",
        "/venues/modconf/2021/",
        "/users/",
        "/u/alice/",
        "/search?q=Quasimodal",
        "/search?q=Pangolinish",
        "/search/suggest?q=Gentle",
        "/feeds/summaries.atom",
        "/rss.xml",
        "/feeds/venues/modconf.atom",
        f"/feeds/papers/{paper.pk}.atom",
        "/sitemap.xml",
        "/sitemap-summaries.xml",
        "/sitemap-papers.xml",
        "/sitemap-users.xml",
        "/sitemap-venues.xml",
        f"/api/v1/papers/{paper.pk}/summaries",
        f"/api/v1/papers/{paper.pk}/questions",
        f"/api/v1/summaries/{public.pk}/comments",
        "/api/v1/lookup?arxiv=2101.00001",
        "/api/v1/search?q=Quasimodal",
        "/api/v1/users/alice/collections",
    ]


def gone_for_others(scene) -> list[str]:
    """Addresses of the held and hidden things themselves: 404 for everyone else."""
    return [
        scene["summary"].get_absolute_url(),
        scene["question"].get_absolute_url(),
        scene["collection"].get_absolute_url(),
        "/u/spamwriter/",
        "/feeds/users/spamwriter.atom",
        f"/api/v1/summaries/{scene['summary'].pk}",
        f"/api/v1/questions/{scene['question'].pk}",
        f"/api/v1/collections/{scene['collection'].pk}",
        "/api/v1/users/spamwriter",
    ]


@pytest.mark.parametrize("viewer", ["visitor", "stranger"])
def test_held_and_hidden_content_appears_nowhere_for_others(client, moderated, carol, viewer):
    if viewer == "stranger":
        client.force_login(carol)
    for path in public_pages(moderated):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        body = response.content.decode()
        for word in WORDS.values():
            assert word not in body, f"{word} leaked into {path}"
        assert "spamwriter" not in body, f"the hidden profile leaked into {path}"
    for path in gone_for_others(moderated):
        assert client.get(path).status_code == 404, path


def test_counts_leave_held_and_hidden_content_out(client, moderated):
    paper_page = client.get(moderated["paper"].get_absolute_url()).content.decode()
    assert "1 summary" in paper_page
    lookup = client.get("/api/v1/lookup?arxiv=2101.00001").json()
    assert lookup["summary_count"] == 1
    assert lookup["question_count"] == 0  # the one question is hidden
    assert "honest public summary" in lookup["best_summary"]["panel_html"]
    summary_page = client.get(moderated["public"].get_absolute_url()).content.decode()
    assert "0 comments" in summary_page or "Comments" in summary_page
    assert "1 comment" not in summary_page


def test_held_and_hidden_content_notifies_no_one(moderated):
    """The follows and the @mention would all have notified carol; nothing reached her."""
    assert not Notification.objects.filter(recipient__username="carol").exists()
    assert not [m for m in mail.outbox if "carol@example.org" in m.to]


def test_others_exports_name_nothing_held_or_hidden(moderated, alice, carol):
    summaries.cast_vote(voter=carol, summary=moderated["public"], value=1)
    data = json.dumps([export_user(alice), export_user(carol)])
    for word in WORDS.values():
        assert word not in data


def test_the_author_still_sees_their_own(client, moderated):
    client.force_login(moderated["spammer"])
    for key in ("summary", "question", "collection"):
        response = client.get(moderated[key].get_absolute_url())
        assert response.status_code == 200, key
    assert WORDS["comment"] in client.get(moderated["public"].get_absolute_url()).text
    assert WORDS["bio"] in client.get("/u/spamwriter/").text


def test_moderators_may_open_held_and_hidden_items(client, moderated, bob):
    client.force_login(bob)
    for key in ("summary", "question", "collection"):
        assert client.get(moderated[key].get_absolute_url()).status_code == 200, key


def test_approving_a_held_summary_shows_it_and_tells_followers_then(
    client, moderated, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(moderator=bob, row=moderated["summary"])
    assert WORDS["summary"] in client.get(moderated["paper"].get_absolute_url()).text
    assert Notification.objects.filter(recipient__username="carol", kind="followed").exists()
    assert "Quasimodal" in client.get("/search?q=Quasimodal").text


# --- foryou -------------------------------------------------------------------------------


def test_held_and_hidden_content_stays_out_of_a_readers_feed(client, moderated, carol):
    """carol follows the paper and the spammer; her page, e-mail and Atom feed show the
    picked papers without the held summary, the hidden collection or the hidden profile."""
    from precis.foryou import services as foryou
    from precis.foryou import training
    from precis.foryou.emails import send_feed_emails
    from precis.foryou.models import Profile

    picked = PaperFactory(venue=moderated["venue"], year=2021, title="Gentle waves at dusk")
    held_writer = UserFactory(username="heldwriter", display_name="Helda Heldwriter")
    held = SummaryFactory(author=held_writer, paper=picked, source=WORDS["summary"])
    _hold(held)
    collections.add_item(collection=moderated["collection"], paper=picked)
    training.train_readers([carol.pk])
    foryou.set_email_frequency(reader=carol, frequency="weekly")
    mail.outbox.clear()
    assert send_feed_emails() == 1
    client.force_login(carol)
    token = Profile.objects.get(user=carol).feed_token
    bodies = {
        "page": client.get("/for-you/").content.decode(),
        "atom": client.get(f"/for-you/feed/{token}.atom").content.decode(),
        "email": mail.outbox[0].body + mail.outbox[0].alternatives[0][0],
    }
    for where, body in bodies.items():
        assert "Gentle waves at dusk" in body, where
        for word in WORDS.values():
            assert word not in body, f"{word} leaked into {where}"
        assert "spamwriter" not in body and "Spam Writer" not in body, where
        assert "Helda Heldwriter" not in body, where
    # A hidden collection cannot be made into a seed either.
    seeded = client.post("/for-you/seeds", {"collection": moderated["collection"].pk})
    assert seeded.status_code == 404


# -- findings (precis.findings) ---------------------------------------------------------


def test_findings_and_replies_go_through_the_queue_and_the_spammer_mark(client, alice, bob, carol):
    from precis.findings.models import Finding, FindingReply
    from precis.findings.tests.factories import FindingFactory, ReplyFactory

    spammer = UserFactory(username="findingspammer")
    paper = PaperFactory(title="Quiet seas")
    notifications.follow(follower=carol, paper=paper)
    honest = FindingFactory(author=alice, paper=paper, title="An honest finding")
    finding = FindingFactory(author=spammer, paper=paper, title="Cormorantine-spam-finding")
    reply = ReplyFactory(author=spammer, finding=honest, source="Cormorantine-spam-reply")
    # Reports by other readers: the item goes to the queue, where a moderator sees it.
    client.force_login(carol)
    response = client.post(f"/report/finding/{finding.pk}", {"reason": "spam", "text": "ad"})
    assert response.status_code == 302
    assert client.post(f"/report/findingreply/{reply.pk}", {"reason": "spam"}).status_code == 302
    client.force_login(bob)
    queue = client.get("/moderation/").content.decode()
    assert "Cormorantine-spam-finding" in queue and "Cormorantine-spam-reply" in queue
    services.hide(moderator=bob, row=finding, reason="Spam.")
    services.mark_spammer(moderator=bob, person=spammer)
    assert not Finding.objects.visible().filter(author=spammer).exists()
    assert not FindingReply.objects.visible().filter(author=spammer).exists()
    client.logout()
    for path in (paper.get_absolute_url(), honest.get_absolute_url(), "/findings/",
                 "/feeds/findings.atom", f"/api/v1/papers/{paper.pk}/findings"):  # fmt: skip
        assert "Cormorantine" not in client.get(path).content.decode(), path
    # The spammer's own view still shows why, and an appeal goes back to the queue.
    client.force_login(spammer)
    own = client.get(finding.get_absolute_url()).content.decode()
    assert "Hidden by a moderator" in own
    services.unmark_spammer(moderator=bob, person=spammer)
    reply.refresh_from_db()
    assert reply.is_shown  # shown again: only the mark had hidden it
    finding.refresh_from_db()
    assert finding.is_hidden  # a moderator hid this one by hand before the mark


def test_a_hidden_summary_is_no_good_summary_and_shows_nowhere_on_requests(
    client, alice, bob, carol, django_capture_on_commit_callbacks
):
    """Requests: a paper whose only summary a moderator hid stays on the waiting lists,
    the hidden words appear on neither list, and its requesters were told nothing."""
    from precis.papers import demand

    paper = PaperFactory(title="Asked for, explained only by spam")
    demand.request_summary(requester=carol, paper=paper)
    spammer = UserFactory(
        username="requestspammer", display_name="Grebeline Spammer", trust_level=TrustLevel.NEW
    )
    with django_capture_on_commit_callbacks(execute=True):
        # A new account's first summary is held, then a moderator hides it.
        summary = SummaryFactory(author=spammer, paper=paper, source="Grebeline-spam-summary")
        summary.refresh_from_db()
        assert summary.is_held
        services.hide(moderator=bob, row=summary, reason="Spam.")
    assert [p.title for p in demand.papers_waiting()] == ["Asked for, explained only by spam"]
    for path in ("/", "/requests/"):
        body = client.get(path).content.decode()
        assert "Asked for, explained only by spam" in body, path
        assert "Grebeline" not in body, path
    assert not Notification.objects.exists() and mail.outbox == []
