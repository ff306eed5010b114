"""The sitemap lists public pages only, with absolute URLs; robots.txt points to it."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from lxml import etree

from precis.accounts.tests.factories import UserFactory
from precis.feeds.sitemaps import SummarySitemap
from precis.findings import services as findings
from precis.findings.tests.factories import FindingFactory
from precis.lib.moderation import ModerationState
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services
from precis.summaries.tests.factories import SummaryFactory

from .conftest import local_path

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client) -> dict[str, str | None]:
    """Every URL the sitemap index leads to, with its lastmod, fetching each section."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"] == "application/xml"
    urls = {}
    for section in etree.fromstring(index.content).findall("sm:sitemap/sm:loc", NS):
        response = client.get(local_path(section.text))
        assert response.status_code == 200, section.text
        for url in etree.fromstring(response.content).findall("sm:url", NS):
            urls[url.find("sm:loc", NS).text] = url.findtext("sm:lastmod", None, NS)
    return urls


def test_it_lists_listed_summaries_their_papers_venues_and_writers(client, alice):
    venue = VenueFactory(key="icml")
    paper = PaperFactory(venue=venue)
    summary = SummaryFactory(author=alice, paper=paper)
    PaperFactory(venue=VenueFactory(key="empty"), title="Nobody summarised me")
    urls = sitemap_urls(client)
    site = settings.SITE_URL
    assert set(urls) == {
        f"{site}{summary.get_absolute_url()}",
        f"{site}{paper.get_absolute_url()}",
        f"{site}/venues/icml/",
        f"{site}/u/alice/",
    }
    assert all(lastmod for lastmod in urls.values())


def test_it_never_lists_private_unlisted_deleted_or_anonymous_writers(client, alice, carol):
    venue = VenueFactory(key="hidden")
    private = SummaryFactory(author=alice, paper=PaperFactory(venue=venue), visibility="private")
    unlisted = SummaryFactory(author=alice, paper=PaperFactory(venue=venue), visibility="unlisted")
    deleted = SummaryFactory(author=alice, paper=PaperFactory(venue=venue))
    services.delete_summary(summary=deleted, editor=alice)
    masked_writer = UserFactory(username="masked")
    anonymous = SummaryFactory(author=masked_writer, anonymous=True)
    urls = "\n".join(sitemap_urls(client))
    for hidden in (private, unlisted, deleted):
        assert hidden.get_absolute_url() not in urls
        assert hidden.paper.get_absolute_url() not in urls
    assert "/venues/hidden/" not in urls
    assert "/u/alice/" not in urls
    assert "/u/masked/" not in urls
    # The anonymous summary itself and its paper are public; only its writer is not.
    assert anonymous.get_absolute_url() in urls
    assert anonymous.paper.get_absolute_url() in urls


def test_it_lists_shown_findings_and_their_papers_and_nothing_held_hidden_or_deleted(
    client, alice, bob
):
    shown = FindingFactory(author=alice, paper=PaperFactory(title="Only a finding"))
    held, hidden, deleted = (FindingFactory(author=alice) for _ in range(3))
    type(held).objects.filter(pk=held.pk).update(moderation=ModerationState.HELD)
    type(hidden).objects.filter(pk=hidden.pk).update(moderation=ModerationState.HIDDEN)
    findings.delete_finding(finding=deleted, editor=bob)
    older = SummaryFactory(author=alice, paper=shown.paper)
    type(older).objects.filter(pk=older.pk).update(updated_at=datetime(2020, 1, 2, tzinfo=UTC))
    type(shown).objects.filter(pk=shown.pk).update(updated_at=datetime(2021, 3, 4, tzinfo=UTC))
    urls = sitemap_urls(client)
    site = settings.SITE_URL
    assert f"{site}{shown.get_absolute_url()}" in urls
    assert f"{site}{shown.paper.get_absolute_url()}" in urls
    for unseen in (held, hidden, deleted):
        assert f"{site}{unseen.get_absolute_url()}" not in urls
        assert f"{site}{unseen.paper.get_absolute_url()}" not in urls
    # the paper changed when the newer of its summary and its finding did
    assert urls[f"{site}{shown.paper.get_absolute_url()}"] == "2021-03-04"
    assert urls[f"{site}{shown.get_absolute_url()}"] == "2021-03-04"


def test_an_empty_site_has_a_valid_sitemap(client, db):
    assert sitemap_urls(client) == {}


def test_large_sections_are_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(SummarySitemap, "limit", 2)
    summaries = [SummaryFactory() for _ in range(5)]
    index = etree.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    section = f"{settings.SITE_URL}/sitemap-summaries.xml"
    assert [loc for loc in locations if loc.startswith(section)] == [
        section,
        f"{section}?p=2",
        f"{section}?p=3",
    ]
    urls = sitemap_urls(client)
    assert all(f"{settings.SITE_URL}{s.get_absolute_url()}" in urls for s in summaries)


def test_robots_allows_all_but_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ["/accounts/", "/admin/", "/search", "/settings/", "/summaries/preview"]:
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.0", "٣", "9" * 30, "2"])
def test_a_page_that_is_not_there_is_a_404(client, page):
    SummaryFactory()
    assert client.get(f"/sitemap-summaries.xml?p={page}").status_code == 404


def test_an_unknown_section_is_a_404(client, db):
    assert client.get("/sitemap-everything.xml").status_code == 404


def test_pages_take_the_same_few_queries_however_many_urls_they_list(
    client, django_assert_max_num_queries
):
    venue = VenueFactory(key="icml")
    for _ in range(12):
        SummaryFactory(paper=PaperFactory(venue=venue))
    FindingFactory()
    # an aggregate and a count per section; papers take the newest of summaries and findings
    with django_assert_max_num_queries(11):
        client.get("/sitemap.xml")
    for section in ("papers", "summaries", "findings", "venues", "users"):
        with django_assert_max_num_queries(3):  # rows, and the last changes of a page
            response = client.get(f"/sitemap-{section}.xml")
        assert response.status_code == 200


def test_a_page_says_when_its_newest_url_last_changed(client):
    summary = SummaryFactory()
    type(summary).objects.filter(pk=summary.pk).update(
        updated_at=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    )
    response = client.get("/sitemap-summaries.xml")
    assert response["Last-Modified"] == "Mon, 06 May 2024 07:08:09 GMT"
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert client.get("/sitemap-findings.xml").has_header("Last-Modified") is False


def test_a_venue_and_a_writer_changed_when_their_newest_summary_did(client, alice):
    venue = VenueFactory(key="neurips")
    older, newer = (SummaryFactory(author=alice, paper=PaperFactory(venue=venue)) for _ in "ab")
    type(older).objects.filter(pk=older.pk).update(updated_at=datetime(2022, 1, 1, tzinfo=UTC))
    type(newer).objects.filter(pk=newer.pk).update(updated_at=datetime(2023, 2, 2, tzinfo=UTC))
    urls = sitemap_urls(client)
    assert urls[f"{settings.SITE_URL}/venues/neurips/"] == "2023-02-02"
    assert urls[f"{settings.SITE_URL}/u/alice/"] == "2023-02-02"
