"""The Atom feeds and the legacy RSS feed: valid, complete, absolute, and only listed summaries."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from precis.accounts.tests.factories import UserFactory
from precis.feeds.feeds import ENTRIES_PER_FEED, absolute_links
from precis.papers.models import PaperRedirect
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries.tests.factories import SummaryFactory

from .conftest import parse_feed

pytestmark = pytest.mark.django_db


def test_the_site_feed_is_valid_atom_with_full_content(client, summary_with_math, alice):
    feed = parse_feed(client, "/feeds/summaries.atom")
    assert feed.version == "atom10"
    assert feed.feed.title == "Precis: new summaries"
    assert feed.feed.link == f"{settings.SITE_URL}/"
    [entry] = feed.entries
    permalink = f"{settings.SITE_URL}{summary_with_math.get_absolute_url()}"
    assert entry.title == "Summary of Attention & friends"
    assert entry.link == permalink
    assert entry.id == permalink
    assert entry.author == "Alice Writer"
    assert entry.author_detail.href == f"{settings.SITE_URL}/u/alice/"
    assert entry.published_parsed and entry.updated_parsed
    assert entry.content[0].type == "text/html"
    assert "<math" in entry.content[0].value
    assert f'href="{settings.SITE_URL}/arxiv/1512.03385"' in entry.content[0].value


def test_it_puts_the_body_in_content_not_only_in_summary(client, summary_with_math):
    xml = client.get("/feeds/summaries.atom").content.decode()
    assert '<content type="html">' in xml
    assert "&lt;math" in xml.split('<content type="html">', 1)[1]
    assert '<summary type="html">' in xml  # the short excerpt, for readers that want one


def test_it_lists_the_newest_fifty_first(client, paper):
    summaries = [SummaryFactory(source=f"Number {n}.") for n in range(ENTRIES_PER_FEED + 2)]
    feed = parse_feed(client, "/feeds/summaries.atom")
    assert len(feed.entries) == ENTRIES_PER_FEED
    assert feed.entries[0].link.endswith(summaries[-1].get_absolute_url())
    assert summaries[0].get_absolute_url() not in {entry.link for entry in feed.entries}


def test_the_venue_feed_has_only_that_venues_summaries(client, summary_with_math, venue):
    SummaryFactory(paper=PaperFactory(venue=VenueFactory(key="nips")), source="Elsewhere.")
    feed = parse_feed(client, "/feeds/venues/icml.atom")
    assert feed.feed.title == "Summaries of ICML papers · Precis"
    assert feed.feed.link == f"{settings.SITE_URL}/venues/icml/"
    assert [entry.title for entry in feed.entries] == ["Summary of Attention & friends"]
    assert client.get("/feeds/venues/nowhere.atom").status_code == 404


def test_the_user_feed_leaves_out_their_anonymous_summaries(client, alice, summary_with_math):
    SummaryFactory(author=alice, source="Signed with no name.", anonymous=True)
    feed = parse_feed(client, "/feeds/users/alice.atom")
    assert feed.feed.title == "Summaries by Alice Writer · Precis"
    assert [entry.link for entry in feed.entries] == [
        f"{settings.SITE_URL}{summary_with_math.get_absolute_url()}"
    ]
    assert client.get("/feeds/users/nobody.atom").status_code == 404


def test_the_user_feed_of_a_deactivated_account_is_gone(client):
    UserFactory(username="gone", is_active=False)
    assert client.get("/feeds/users/gone.atom").status_code == 404


def test_usernames_with_dots_have_feeds(client):
    SummaryFactory(author=UserFactory(username="ada.l"), source="Dotted.")
    assert len(parse_feed(client, "/feeds/users/ada.l.atom").entries) == 1


def test_the_paper_feed_lists_the_papers_summaries(client, paper, summary_with_math):
    SummaryFactory(paper=paper, source="A second view.")
    SummaryFactory(source="Another paper.")
    feed = parse_feed(client, f"/feeds/papers/{paper.pk}.atom")
    assert feed.feed.link == f"{settings.SITE_URL}{paper.get_absolute_url()}"
    assert len(feed.entries) == 2
    assert {entry.title for entry in feed.entries} == {"Summary of Attention & friends"}
    assert client.get("/feeds/papers/999999.atom").status_code == 404


def test_a_merged_papers_feed_redirects_to_the_paper_it_became(client, paper):
    PaperRedirect.objects.create(old_id=987654, paper=paper)
    response = client.get("/feeds/papers/987654.atom")
    assert response.status_code == 301
    assert response.url == f"/feeds/papers/{paper.pk}.atom"


def test_anonymous_entries_are_by_anonymous_with_no_link(client, writer):
    SummaryFactory(author=writer, source="Masked words.", anonymous=True)
    feed = parse_feed(client, "/feeds/summaries.atom")
    [entry] = feed.entries
    assert entry.author == "Anonymous"
    assert "href" not in entry.author_detail
    xml = client.get("/feeds/summaries.atom").content.decode()
    assert "Wanda" not in xml
    assert "/u/writer/" not in xml


def test_the_rss_feed_has_the_same_items(client, summary_with_math):
    SummaryFactory(source="Second.")
    feed = parse_feed(client, "/rss.xml")
    assert feed.version == "rss20"
    atom = parse_feed(client, "/feeds/summaries.atom")
    assert [entry.link for entry in feed.entries] == [entry.link for entry in atom.entries]
    math_entry = next(entry for entry in feed.entries if "Attention" in entry.title)
    assert "<math" in math_entry.description
    assert math_entry.author == "Alice Writer"


def test_empty_feeds_are_still_valid(client, venue):
    for path in ["/feeds/summaries.atom", "/feeds/venues/icml.atom", "/rss.xml"]:
        assert parse_feed(client, path).entries == []


def test_the_feed_ids_differ_between_feeds(client, summary_with_math, paper):
    ids = {
        parse_feed(client, path).feed.id
        for path in ["/feeds/summaries.atom", "/feeds/venues/icml.atom", "/feeds/users/alice.atom"]
    }
    assert len(ids) == 3


def test_absolute_links_rewrites_paths_and_fragments_only():
    html = (
        '<a href="/papers/1/x/">p</a> <a href="#fn-1">1</a> '
        '<a href="https://arxiv.org/abs/1">a</a> <a href="//cdn.example/x">c</a>'
    )
    result = absolute_links(html, page_url=f"{settings.SITE_URL}/summaries/3/")
    assert f'href="{settings.SITE_URL}/papers/1/x/"' in result
    assert f'href="{settings.SITE_URL}/summaries/3/#fn-1"' in result
    assert 'href="https://arxiv.org/abs/1"' in result
    assert 'href="//cdn.example/x"' in result


FEEDS = [
    "/feeds/summaries.atom",
    "/rss.xml",
    "/feeds/venues/icml.atom",
    "/feeds/users/writer.atom",
    "/feeds/papers/{paper}.atom",
]


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_make_the_same_number_of_queries_for_few_and_many_entries(
    client, venue, writer, path, no_page_cache
):
    paper = PaperFactory(venue=venue)

    def add(count):
        for _ in range(count):
            SummaryFactory(author=writer, paper=PaperFactory(venue=venue))
            SummaryFactory(paper=paper)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            parse_feed(client, path.format(paper=paper.pk))
        return len(captured)

    add(2)
    queries()  # warms the Site cache
    few = queries()
    add(18)
    many = queries()
    assert many == few <= 3, f"{path}: {few} queries with 2 entries, {many} with 20"


def test_control_characters_in_stored_text_cannot_take_a_feed_down(client, alice):
    """Text stored before the boundaries cleaned it (or written around them) still feeds."""
    from precis.collections import services as collections
    from precis.discussions import services as discussions
    from precis.discussions.models import Question
    from precis.summaries.models import Summary

    venue = VenueFactory(key="icml")
    paper = PaperFactory(venue=venue, title="Plain title")
    summary = SummaryFactory(author=alice, paper=paper, source="Plain text.")
    question = discussions.ask_question(author=alice, paper=paper, title="Plain question")
    collection = collections.create_collection(owner=alice, title="List", visibility="public")
    collections.add_item(collection=collection, paper=paper, note="Note")
    # PostgreSQL cannot store a NUL at all; SQLite can, so it is tried there.
    bad = "\x1b[31m\x0b\ufffe" + ("\x00" if connection.vendor == "sqlite" else "")
    type(paper).objects.filter(pk=paper.pk).update(title=f"Title{bad}", abstract=bad)
    Summary.objects.filter(pk=summary.pk).update(html=f"<p>{bad}</p>", excerpt_html=bad)
    Question.objects.filter(pk=question.pk).update(title=f"Question{bad}", html=bad)
    type(alice).objects.filter(pk=alice.pk).update(display_name=f"Alice{bad}")
    type(venue).objects.filter(pk=venue.pk).update(name=f"ICML{bad}")
    type(collection).objects.filter(pk=collection.pk).update(title=f"List{bad}")
    for url in [
        "/feeds/summaries.atom",
        "/rss.xml",
        f"/feeds/papers/{paper.pk}.atom",
        "/feeds/users/alice.atom",
        "/feeds/venues/icml.atom",
        f"/feeds/collections/{collection.pk}.atom",
    ]:
        feed = parse_feed(client, url)
        assert feed.entries, url
        assert "\x1b" not in client.get(url).content.decode()
