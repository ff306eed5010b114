"""Nothing private, unlisted or deleted reaches a feed or the sitemap; no anonymous writer is named."""

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services
from precis.summaries.tests.factories import SummaryFactory

from .conftest import local_path, parse_feed

pytestmark = pytest.mark.django_db

PRIVATE_WORD = "Xylophonic-private-draft"
UNLISTED_WORD = "Quokkanese-unlisted-link"
DELETED_WORD = "Brontidium-deleted-text"
ANONYMOUS_WORD = "Masquerava-anonymous-body"
HIDDEN_USERNAME = "zephyrinehid"
HIDDEN_NAME = "Zephyrine Hiddenwriter"


@pytest.fixture
def scene(alice):
    venue = VenueFactory(key="leaky")
    paper = PaperFactory(venue=venue, year=2020, title="Tides in shallow seas")
    public = SummaryFactory(author=alice, paper=paper, source="Plainly public.")
    private = SummaryFactory(
        author=UserFactory(), paper=paper, source=PRIVATE_WORD, visibility="private"
    )
    unlisted = SummaryFactory(
        author=UserFactory(), paper=paper, source=UNLISTED_WORD, visibility="unlisted"
    )
    deleted_writer = UserFactory()
    deleted = SummaryFactory(author=deleted_writer, paper=paper, source=DELETED_WORD)
    services.delete_summary(summary=deleted, editor=deleted_writer)
    hidden = UserFactory(username=HIDDEN_USERNAME, display_name=HIDDEN_NAME)
    anonymous = SummaryFactory(author=hidden, paper=paper, source=ANONYMOUS_WORD, anonymous=True)
    # A vote and a view put the anonymous summary in every ranking and count.
    services.cast_vote(voter=UserFactory(), summary=anonymous, value=1)
    return {
        "paper": paper,
        "venue": venue,
        "public": public,
        "hidden_summaries": [private, unlisted, deleted],
        "anonymous": anonymous,
        "hidden_writer": hidden,
    }


def everything_published(client, scene):
    """The body of every feed and sitemap page that mentions the scene, keyed by path."""
    paths = [
        "/feeds/summaries.atom",
        "/rss.xml",
        "/feeds/venues/leaky.atom",
        "/feeds/users/alice.atom",
        f"/feeds/papers/{scene['paper'].pk}.atom",
        *(f"/feeds/papers/{s.paper_id}.atom" for s in scene["hidden_summaries"]),
        "/robots.txt",
    ]
    bodies = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies[path] = response.content.decode()
    index = client.get("/sitemap.xml").content.decode()
    bodies["/sitemap.xml"] = index
    for loc in index.split("<loc>")[1:]:
        path = local_path(loc.split("</loc>")[0])
        bodies[path] = client.get(path).content.decode()
    return bodies


@pytest.mark.parametrize("viewer", ["visitor", "writer-of-hidden"])
def test_feeds_and_sitemap_leak_nothing(client, scene, viewer):
    if viewer == "writer-of-hidden":
        # Feeds are the same for everyone: being signed in as the writer changes nothing.
        client.force_login(scene["hidden_summaries"][0].author)
    bodies = everything_published(client, scene)
    assert len(bodies) > 10
    for path, body in bodies.items():
        for word in (PRIVATE_WORD, UNLISTED_WORD, DELETED_WORD):
            assert word not in body, f"{word} leaked into {path}"
        for hidden in scene["hidden_summaries"]:
            assert hidden.get_absolute_url() not in body, path
        assert HIDDEN_NAME not in body, path
        assert HIDDEN_USERNAME not in body, path
    # The anonymous summary itself is public, under "Anonymous".
    assert ANONYMOUS_WORD in bodies["/feeds/summaries.atom"]
    assert "<name>Anonymous</name>" in bodies["/feeds/summaries.atom"]


def test_the_anonymous_writers_own_feed_leaves_out_their_anonymous_summary(client, scene):
    SummaryFactory(
        author=scene["hidden_writer"],
        paper=PaperFactory(venue=scene["venue"], title="Winds over hills"),
        source="Signed.",
    )
    path = f"/feeds/users/{HIDDEN_USERNAME}.atom"
    feed = parse_feed(client, path)
    assert [entry.title for entry in feed.entries] == ["Summary of Winds over hills"]
    body = client.get(path).content.decode()
    assert ANONYMOUS_WORD not in body
    assert scene["anonymous"].get_absolute_url() not in body
    assert "Tides in shallow seas" not in body


def test_summary_pages_link_no_feed_of_an_anonymous_writer(client, scene):
    body = client.get(scene["anonymous"].get_absolute_url()).content.decode()
    assert HIDDEN_USERNAME not in body
    assert HIDDEN_NAME not in body
    assert 'name="author"' not in body
    assert "article:author" not in body


# --- foryou: a reader's own feed (page, e-mail, Atom) ----------------------------------


def test_the_for_you_page_email_and_atom_feed_leak_nothing(client, scene):
    """A reader whose feed picks the scene's paper sees its best listed summary only:
    never a private, unlisted or deleted one, and the anonymous one without its writer,
    even though the reader follows that writer."""
    from django.core import mail

    from precis.collections import services as collections
    from precis.foryou import services as foryou
    from precis.foryou import training
    from precis.foryou.emails import send_feed_emails
    from precis.foryou.models import Profile
    from precis.notifications import services as notifications

    reader = UserFactory(username="feedreader")
    mine = collections.create_collection(owner=reader, title="Seas")
    near = PaperFactory(venue=scene["venue"], title="Tides and waves in shallow seas")
    collections.add_item(collection=mine, paper=near)
    notifications.follow(follower=reader, user=scene["hidden_writer"])
    training.train_readers([reader.pk])
    foryou.set_email_frequency(reader=reader, frequency="daily")
    assert send_feed_emails() == 1
    profile = Profile.objects.get(user=reader)
    client.force_login(reader)
    message = mail.outbox[0]
    bodies = {
        "page": client.get("/for-you/").content.decode(),
        "atom": client.get(f"/for-you/feed/{profile.feed_token}.atom").content.decode(),
        "email": message.body + message.alternatives[0][0] + message.subject,
    }
    for where, body in bodies.items():
        assert "Tides in shallow seas" in body, where  # the scene's paper is picked
        for word in (PRIVATE_WORD, UNLISTED_WORD, DELETED_WORD):
            assert word not in body, (word, where)
        for hidden in scene["hidden_summaries"]:
            assert hidden.get_absolute_url() not in body, where
        assert HIDDEN_NAME not in body, where
        assert HIDDEN_USERNAME not in body, where
    # The anonymous summary (the best, with its vote) shows, as "Anonymous".
    assert ANONYMOUS_WORD in bodies["page"]
    assert 'Best summary by <span class="byline-name">Anonymous</span>' in bodies["page"]
    # The feed says nothing of whose it is.
    for identity in ("feedreader", reader.display_name, reader.email):
        assert identity not in bodies["atom"]


# -- findings (precis.findings) ---------------------------------------------------------


def test_findings_feeds_carry_only_visible_findings(client, alice, bob):
    from precis.findings import services as findings
    from precis.findings.tests.factories import FindingFactory
    from precis.lib.moderation import ModerationState

    paper = PaperFactory(title="Currents")
    FindingFactory(author=alice, paper=paper, title="Shown finding", source="Plainly \x07 shown.")
    hidden = FindingFactory(author=UserFactory(), paper=paper, title=HIDDEN_NAME)
    findings.set_moderation(thing=hidden, state=ModerationState.HIDDEN, reason="Spam")
    held = FindingFactory(author=UserFactory(), paper=paper, title=PRIVATE_WORD)
    findings.set_moderation(thing=held, state=ModerationState.HELD, reason="Links")
    deleted = FindingFactory(author=UserFactory(), paper=paper, title=DELETED_WORD)
    findings.delete_finding(finding=deleted, editor=bob)
    for path in ("/feeds/findings.atom", f"/feeds/papers/{paper.pk}/findings.atom"):
        feed = parse_feed(client, path)
        assert [entry.title for entry in feed.entries] == ["[Erratum · Open] Shown finding"]
        body = client.get(path).content.decode()
        for word in (HIDDEN_NAME, PRIVATE_WORD, DELETED_WORD):
            assert word not in body, (word, path)
