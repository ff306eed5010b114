"""OpenGraph and Twitter card metadata, and feed autodiscovery links, on paper and summary pages."""

import re
from html import unescape

import pytest
from django.conf import settings

from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def meta(body: str) -> dict[str, str]:
    """The page's <meta property|name=... content=...> pairs."""
    pairs = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', body)
    return {key: unescape(value) for key, value in pairs}


def feed_links(body: str) -> list[str]:
    return re.findall(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*href="([^"]+)"', body
    )


def test_the_paper_page_has_share_metadata_and_its_feed(client, paper):
    body = client.get(paper.get_absolute_url()).content.decode()
    tags = meta(body)
    url = f"{settings.SITE_URL}{paper.get_absolute_url()}"
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Attention & friends"
    assert tags["og:description"] == "We attend. A lot."
    assert tags["og:url"] == url
    assert tags["og:site_name"] == "Precis"
    assert tags["twitter:card"] == "summary"
    assert tags["twitter:title"] == "Attention & friends"
    assert tags["twitter:description"] == "We attend. A lot."
    assert feed_links(body) == [
        f"{settings.SITE_URL}/feeds/papers/{paper.pk}.atom",
        f"{settings.SITE_URL}/feeds/summaries.atom",
    ]


def test_a_paper_with_no_abstract_still_has_a_description(client):
    paper = PaperFactory(abstract="")
    tags = meta(client.get(paper.get_absolute_url()).content.decode())
    assert tags["og:description"].startswith("Summaries of this paper")


def test_the_summary_page_has_share_metadata_with_its_writer(client, summary_with_math, paper):
    body = client.get(summary_with_math.get_absolute_url()).content.decode()
    tags = meta(body)
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Summary of Attention & friends"
    assert tags["og:url"] == f"{settings.SITE_URL}{summary_with_math.get_absolute_url()}"
    assert tags["og:description"] == r"The loss is \sum_i x_i^2, see arXiv:1512.03385."
    assert tags["og:site_name"] == "Precis"
    assert tags["twitter:card"] == "summary"
    assert tags["twitter:description"] == tags["og:description"]
    assert tags["author"] == "Alice Writer"
    assert tags["article:author"] == f"{settings.SITE_URL}/u/alice/"
    assert "article:published_time" in tags
    assert "robots" not in tags
    assert f"{settings.SITE_URL}/feeds/users/alice.atom" in feed_links(body)
    assert f"{settings.SITE_URL}/feeds/papers/{paper.pk}.atom" in feed_links(body)


def test_the_description_is_plain_text_cut_at_a_word(client, alice):
    summary = SummaryFactory(author=alice, source="**Bold** claim. " + "word " * 100)
    description = meta(client.get(summary.get_absolute_url()).content.decode())["og:description"]
    assert description.startswith("Bold claim. word")
    assert len(description) <= 200
    assert "**" not in description


def test_the_search_engines_description_is_the_same_plain_text_stored_at_save(client, alice):
    summary = SummaryFactory(
        author=alice, source="**Bold** claim with $x^2$ and [a link](https://example.org/)."
    )
    assert summary.description == "Bold claim with x^2 and a link."
    summary_tags = meta(client.get(summary.get_absolute_url()).content.decode())
    paper_tags = meta(client.get(summary.paper.get_absolute_url()).content.decode())
    assert summary_tags["description"] == summary_tags["og:description"] == summary.description
    assert paper_tags["description"] == summary.description


def test_a_summary_saved_before_descriptions_were_stored_gets_one_and_rerender_stores_it(
    client, alice
):
    from precis.core.rerendering import rerender_stale
    from precis.summaries.models import Summary

    summary = SummaryFactory(author=alice, source="*Old* row.")
    Summary.objects.filter(pk=summary.pk).update(description="", renderer_version=0)
    assert (
        meta(client.get(summary.get_absolute_url()).content.decode())["description"] == "Old row."
    )
    rerender_stale()
    assert Summary.objects.get(pk=summary.pk).description == "Old row."


def test_an_anonymous_summary_has_no_writer_metadata(client, writer):
    summary = SummaryFactory(author=writer, source="Masked.", anonymous=True)
    body = client.get(summary.get_absolute_url()).content.decode()
    tags = meta(body)
    assert "author" not in tags
    assert "article:author" not in tags
    assert tags["og:description"] == "Masked."
    assert "/feeds/users/" not in body
    assert "Wanda" not in body


@pytest.mark.parametrize("visibility", ["unlisted", "private"])
def test_unlisted_and_private_summaries_stay_noindex(client, alice, visibility):
    summary = SummaryFactory(author=alice, visibility=visibility)
    client.force_login(alice)
    tags = meta(client.get(summary.get_absolute_url()).content.decode())
    assert tags["robots"] == "noindex"
    assert tags["og:title"].startswith("Summary of")


def test_every_page_links_the_site_feed(client, db):
    assert f"{settings.SITE_URL}/feeds/summaries.atom" in feed_links(
        client.get("/").content.decode()
    )
