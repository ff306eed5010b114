"""Private summaries reach no one but their writer; anonymous ones never name theirs."""

import pytest
from django.test import Client
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
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
