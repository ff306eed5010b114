import feedparser
import pytest

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services as discussions
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def test_a_papers_feed_carries_its_questions_too(client):
    summary = SummaryFactory(source="Math $x^2$ here.")
    discussions.ask_question(
        author=UserFactory(),
        paper=summary.paper,
        title="Why does the loss diverge?",
        source="At step 3.",
    )
    feed = feedparser.parse(client.get(f"/feeds/papers/{summary.paper.pk}.atom").content)
    assert not feed.bozo
    titles = [entry.title for entry in feed.entries]
    assert "Question: Why does the loss diverge?" in titles
    assert f"Summary of {summary.paper.title}" in titles
