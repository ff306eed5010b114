import feedparser
import pytest
from django.conf import settings

from precis.accounts.tests.factories import UserFactory
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries.tests.factories import SummaryFactory


def parse_feed(client, path):
    """Fetch ``path`` and parse it with feedparser, failing on anything but well-formed XML."""
    response = client.get(path)
    assert response.status_code == 200, path
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    return feed


def local_path(url: str) -> str:
    """A SITE_URL-absolute URL as a path the test client can fetch."""
    assert url.startswith(settings.SITE_URL), url
    return url.removeprefix(settings.SITE_URL)


@pytest.fixture
def venue(db):
    return VenueFactory(key="icml", name="ICML")


@pytest.fixture
def paper(venue):
    return PaperFactory(venue=venue, title="Attention & friends", abstract="We attend.\n\nA lot.")


@pytest.fixture
def summary_with_math(alice, paper):
    return SummaryFactory(
        author=alice, paper=paper, source="The loss is $\\sum_i x_i^2$, see arXiv:1512.03385."
    )


@pytest.fixture
def writer(db):
    return UserFactory(username="writer", display_name="Wanda Writer")
