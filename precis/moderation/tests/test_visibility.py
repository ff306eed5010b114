"""Held and hidden content follows the one visibility rule private summaries follow:
gone for everyone but its author on every page, count, feed, sitemap, search, API
answer, notification and export."""

import json

import pytest
from django.core import mail

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
