"""Private summaries reach no one but their writer; anonymous ones never name theirs."""

import pytest
from django.test import Client
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.papers import demand
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

SECRET = "Zanzibar-private-draft-words"
HIDDEN_NAME = "Quintessa Hiddenname"


@pytest.fixture
def scene(alice):
    venue = VenueFactory(key="neurips", name="NeurIPS")
    paper = PaperFactory(venue=venue, year=2017, arxiv="1706.03762")
    SummaryFactory(author=UserFactory(), paper=paper, source="A public summary.")
    private = SummaryFactory(author=alice, paper=paper, source=SECRET, visibility="private")
    # Requests: readers asked for this paper too; its only summary is private.
    asked = PaperFactory(venue=venue, year=2017, title="Asked for, privately explained")
    SummaryFactory(author=alice, paper=asked, source=SECRET, visibility="private")
    demand.request_summary(requester=UserFactory(), paper=asked)
    writer = UserFactory(username="quintessa", display_name=HIDDEN_NAME)
    anonymous = SummaryFactory(
        author=writer, paper=PaperFactory(venue=venue, year=2017), source="Masked.", anonymous=True
    )
    return {"paper": paper, "private": private, "anonymous": anonymous, "writer": writer}


def listing_pages(scene):
    paper = scene["paper"]
    return [
        "/",
        "/?tab=recent",
        "/?tab=best",
        "/?field=cs",
        paper.get_absolute_url(),
        "/venues/",
        "/venues/neurips/",
        "/venues/neurips/2017/",
        "/u/alice/",
        "/users/",
        f"/summaries/{scene['anonymous'].pk}/",
        f"/summaries/{scene['anonymous'].pk}/history",
        scene["anonymous"].paper.get_absolute_url(),
        "/requests/",  # Requests
    ]


@pytest.mark.parametrize("viewer", ["visitor", "carol"])
def test_private_summaries_appear_nowhere_for_others(client, scene, carol, viewer):
    if viewer == "carol":
        client.force_login(carol)
    for path in listing_pages(scene):
        body = client.get(path, follow=True).content.decode()
        assert SECRET not in body, path
    private = scene["private"]
    assert client.get(private.get_absolute_url()).status_code == 404
    assert client.get(reverse("summaries:history", args=[private.pk])).status_code == 404
    # The paper page counts one summary, not two.
    assert "1 summary" in client.get(scene["paper"].get_absolute_url()).content.decode()


def test_random_never_picks_a_private_summary(client, scene):
    private_url = scene["private"].get_absolute_url()
    for _ in range(20):
        assert client.get("/random").url != private_url


def test_the_writer_sees_their_private_summary_marked(client, scene, alice):
    client.force_login(alice)
    body = client.get(scene["paper"].get_absolute_url()).content.decode()
    assert SECRET in body
    assert "private draft" in body
    assert SECRET in client.get("/u/alice/").content.decode()
    assert client.get(scene["private"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("viewer", ["visitor", "carol"])
def test_anonymous_summaries_never_reveal_their_writer(client, scene, carol, viewer):
    if viewer == "carol":
        client.force_login(carol)
    for path in [*listing_pages(scene), "/u/quintessa/"]:
        body = client.get(path, follow=True).content.decode()
        if path == "/u/quintessa/":
            assert "Masked." not in body
            continue
        assert HIDDEN_NAME not in body, path
        assert "/u/quintessa/" not in body, path


def test_anonymous_summaries_do_not_count_towards_the_writers_public_score(client, scene):
    voter = UserFactory()
    from precis.summaries import services

    services.cast_vote(voter=voter, summary=scene["anonymous"], value=1)
    body = Client().get("/u/quintessa/").content.decode()
    assert "<dd>0</dd>" in body
    assert HIDDEN_NAME not in Client().get("/users/").content.decode()


def test_unlisted_summaries_open_by_link_but_are_not_listed(client, alice):
    summary = SummaryFactory(author=alice, source="Unlisted words here", visibility="unlisted")
    assert client.get(summary.get_absolute_url()).status_code == 200
    for path in ["/", "/?tab=recent", summary.paper.get_absolute_url(), "/u/alice/"]:
        assert "Unlisted words here" not in client.get(path).content.decode(), path


@pytest.mark.parametrize("viewer", ["visitor", "alice"])
def test_the_extension_lookup_shows_neither_private_words_nor_anonymous_writers(
    client, scene, alice, viewer
):
    """The lookup is one shared, cached answer: not even the writer's own private
    summary may enter it, and an anonymous one is there without its writer."""
    from precis.papers.models import Identifier

    if viewer == "alice":
        client.force_login(alice)
    body = client.get("/api/v1/lookup", {"arxiv": "1706.03762"}).content.decode()
    assert SECRET not in body
    assert '"summary_count":1' in body
    Identifier.objects.create(paper=scene["anonymous"].paper, scheme="arxiv", value="2001.00002")
    body = client.get("/api/v1/lookup", {"arxiv": "2001.00002"}).content.decode()
    assert "Masked." in body
    assert HIDDEN_NAME not in body and "quintessa" not in body


# --- foryou: a reader's feed ------------------------------------------------------------


def test_a_feed_never_shows_private_summaries_or_muted_writers(client, scene, alice, carol):
    """carol's feed picks alice's paper: alice's private summary never shows; a writer
    carol muted is never the 'best summary' beside a pick."""
    from precis.accounts import services as accounts
    from precis.foryou import training
    from precis.notifications import services as notifications

    notifications.follow(follower=carol, venue=scene["paper"].venue)
    muted = UserFactory(username="mutedwriter", display_name="Muted Mortimer")
    SummaryFactory(author=muted, paper=scene["paper"], source="Muted words here.")
    accounts.mute(who=carol, whom=muted)
    fresh = PaperFactory(venue=scene["paper"].venue, year=2017, title="A fresh pick")
    SummaryFactory(author=muted, paper=fresh, source="Muted words again.")
    training.train_readers([carol.pk])
    client.force_login(carol)
    body = client.get("/for-you/").content.decode()
    assert "A fresh pick" in body
    assert SECRET not in body
    assert "Muted Mortimer" not in body and "Muted words" not in body
    assert HIDDEN_NAME not in body and "quintessa" not in body


# -- findings (precis.findings) ---------------------------------------------------------


def test_findings_held_hidden_deleted_or_by_muted_people_appear_nowhere(alice, bob, carol):
    from precis.accounts import services as accounts
    from precis.findings import services as findings
    from precis.findings.tests.factories import FindingFactory, ReplyFactory
    from precis.lib.moderation import ModerationState

    paper = PaperFactory(title="Shallow water waves")
    shown = FindingFactory(author=alice, paper=paper, title="Plainly shown finding")
    secret = {}
    for state in (ModerationState.HELD, ModerationState.HIDDEN):
        row = FindingFactory(author=UserFactory(), paper=paper, title=f"Zanzibar-{state}-finding")
        findings.set_moderation(thing=row, state=state, reason="Spam")
        secret[row.title] = row
    deleted = FindingFactory(author=UserFactory(), paper=paper, title="Zanzibar-deleted-finding")
    findings.delete_finding(finding=deleted, editor=bob)
    secret[deleted.title] = deleted
    reply = ReplyFactory(finding=shown, source="Zanzibar-hidden-reply")
    findings.set_moderation(thing=reply, state=ModerationState.HIDDEN, reason="Abuse")
    muted = UserFactory(username="mutedperson", display_name="Muted Person")
    FindingFactory(author=muted, paper=paper, title="Finding by a muted person")
    accounts.mute(who=carol, whom=muted)
    assert findings.open_count(paper.pk) == 2  # the shown one and the muted person's

    for viewer in (None, carol):
        client = Client()
        if viewer:
            client.force_login(viewer)
        for path in (
            paper.get_absolute_url(),
            reverse("findings:list"),
            reverse("findings:paper", args=[paper.pk]),
            shown.get_absolute_url(),
            f"/api/v1/papers/{paper.pk}/findings",
            f"/api/v1/findings/{shown.pk}",
        ):
            body = client.get(path).content.decode()
            assert "Plainly shown finding" in body, path
            assert "Zanzibar" not in body, path
            if viewer:
                assert "Finding by a muted person" not in body, path
        for row in secret.values():
            assert client.get(row.get_absolute_url()).status_code == 404
            assert client.get(f"/api/v1/findings/{row.pk}").status_code == 404


# -- open data: the public dump (precis/exports/dumps.py) -----------------------------


def test_the_public_dump_has_no_private_words_and_no_anonymous_writer(scene, tmp_path, client):
    """The whole of every file, decompressed; precis/exports/tests/test_dump_privacy.py
    does the same over every kind of hidden writing."""
    import gzip

    from precis.exports import dumps

    path = dumps.write_dump(tmp_path, keep=1)
    files = {p.name: p.read_bytes() for p in path.iterdir()}
    text = "".join(
        (gzip.decompress(data) if name.endswith(".gz") else data).decode()
        for name, data in files.items()
    )
    assert "A public summary." in text and "Masked." in text
    assert SECRET not in text
    assert HIDDEN_NAME not in text and "quintessa" not in text
    assert "@example.org" not in text


# -- paper versions: notices and badges (precis/summaries/versioning.py) ---------------


def test_version_notices_and_badges_reveal_nothing_of_unshown_summaries(client, alice, bob, carol):
    """A summary written for an earlier version says so only where it may be seen, and
    its notice names no anonymous writer; confirming is its writer's alone."""
    from datetime import date

    from django.test import TestCase

    from precis.importers.base import PaperRecord, VersionRecord
    from precis.papers.services import upsert_paper
    from precis.summaries import services

    def import_version(number):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return upsert_paper(
                PaperRecord(
                    title="A paper with versions", identifiers={"arxiv": "2102.00003"},
                    source="arxiv", abstract=f"Words of v{number}.",
                    versions=[VersionRecord(n, date(2021, 2, n)) for n in range(1, number + 1)],
                )
            )[0]  # fmt: skip

    paper = import_version(1)
    writer = UserFactory(username="quintessa", display_name=HIDDEN_NAME)
    anonymous = SummaryFactory(author=writer, paper=paper, source="Masked.", anonymous=True)
    private = SummaryFactory(author=alice, paper=paper, source=SECRET, visibility="private")
    unlisted = SummaryFactory(paper=paper, source="Unlisted-words.", visibility="unlisted")
    hidden = SummaryFactory(paper=paper, source="Hidden-words.")
    services.set_moderation(summary=hidden, state="hidden")
    import_version(2)
    for viewer in (None, carol):
        if viewer:
            client.force_login(viewer)
        page = client.get(paper.get_absolute_url()).content.decode()
        assert page.count("for v1, an earlier version") == 1  # the anonymous one alone
        for words in (SECRET, "Unlisted-words.", "Hidden-words.", HIDDEN_NAME):
            assert words not in page
        notice = client.get(anonymous.get_absolute_url()).content.decode()
        assert "Written for v1; the paper is now at v2" in notice
        assert HIDDEN_NAME not in notice and "quintessa" not in notice
        assert "It still holds" not in notice
        for unseen in (private, hidden):
            assert client.get(unseen.get_absolute_url()).status_code == 404
        for summary in (anonymous, private, unlisted, hidden):
            response = client.post(reverse("summaries:confirm_version", args=[summary.pk]))
            assert response.status_code == (404 if viewer else 302)
    client.force_login(bob)  # a moderator may open the hidden one, not confirm it
    assert client.get(hidden.get_absolute_url()).status_code == 200
    assert client.post(reverse("summaries:confirm_version", args=[hidden.pk])).status_code == 404
    for summary in (anonymous, private, unlisted, hidden):
        summary.refresh_from_db()
        assert summary.paper_version.label == "v1"


def test_shared_copies_for_signed_in_readers_hold_nothing_of_the_writers_own(scene, alice, carol):
    """Signed-in readers' pages come from one shared copy (core/readerpages.py): the
    writer of a private or anonymous summary fetching every page first must put none of
    it into the copy the next reader gets, nor their name as the anonymous writer."""
    writer, stranger = Client(), Client()
    writer.force_login(alice)
    stranger.force_login(carol)
    anonymous_writer = Client()
    anonymous_writer.force_login(scene["writer"])
    for path in listing_pages(scene):
        writer.get(path, follow=True)
        anonymous_writer.get(path, follow=True)
        body = stranger.get(path, follow=True).content.decode()
        assert SECRET not in body, path
        header = body.split('<header class="site-header">')[1].split("</header>")[0]
        assert "Alice Writer" not in header and "Carol Stranger" in header, path
        if path != "/users/":  # the writers' list names them, as it should
            assert HIDDEN_NAME not in body, path
    page = stranger.get(scene["anonymous"].get_absolute_url()).content.decode()
    assert HIDDEN_NAME not in page
