"""The editor's preview (cite titles as on the saved page, formulas that fail) and the
writer's own controls on a summary's page, which no one else is ever shown."""

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from precis.papers.models import Identifier
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

OWNER_MARKS = ("data-owner-actions", "Edit summary", "Yes, delete it", "summary-edit")


def preview(client, source):
    return client.post(reverse("summaries:preview"), {"source": source}).text


def cited_paper():
    paper = PaperFactory(title="Deep Residual Learning for Image Recognition")
    Identifier.objects.create(paper=paper, scheme="bibtex", value="he2016deep")
    return paper


def links_in(html):
    return re.findall(r'<a [^>]*href="[^"]*"[^>]*>[^<]*</a>', html)


def test_the_live_preview_titles_citations_exactly_as_the_saved_page(client, alice):
    cited_paper()
    text = "Builds on \\cite{he2016deep} and \\cite{nobody1999}."
    client.force_login(alice)
    previewed = preview(client, text)
    assert "Deep Residual Learning for Image Recognition" in previewed
    saved = SummaryFactory(author=alice, source=text)
    assert links_in(previewed) == links_in(saved.html)
    assert len(links_in(previewed)) == 2


def test_the_preview_button_without_javascript_titles_citations_too(client, alice):
    cited_paper()
    client.force_login(alice)
    page = client.post(
        reverse("summaries:write", args=[PaperFactory().pk]),
        {"source": "See \\cite{he2016deep}.", "visibility": "public", "preview": "1"},
    ).text
    assert ">Deep Residual Learning for Image Recognition</a>" in page


def test_the_preview_says_which_formula_failed_to_convert(client, alice):
    client.force_login(alice)
    html = preview(client, "Fine $x_1$, broken $\\frac{1}{$ here.")
    note = re.search(r'<div class="formula-problems"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "This formula will not show as written" in note
    assert "\\frac{1}{" in note
    assert "x_1" not in note
    assert 'class="math-error"' in html  # marked where it stands, too


def test_the_preview_of_good_math_has_no_formula_note(client, alice):
    client.force_login(alice)
    html = preview(client, "$$\\sum_i x_i$$\n\nand $a^2$.")
    assert "<math" in html
    assert "formula-problems" not in html


def test_the_preview_button_without_javascript_names_the_failed_formula(client, alice):
    client.force_login(alice)
    page = client.post(
        reverse("summaries:write", args=[PaperFactory().pk]),
        {"source": "Broken $\\frac{1}{$", "visibility": "public", "preview": "1"},
    ).text
    assert "This formula will not show as written" in page


def test_the_preview_still_explains_a_text_beyond_the_render_limits(client, alice):
    client.force_login(alice)
    html = preview(client, "> " * 200 + "deep")
    assert 'class="error-text" role="alert"' in html


def test_the_editor_counts_words_against_the_about_pages_advice(client, alice):
    client.force_login(alice)
    page = client.get(reverse("summaries:write", args=[PaperFactory().pk])).text
    about = client.get(reverse("core:about")).text
    assert "most good summaries are 150 to 500 words" in about
    assert 'data-words-min="150"' in page and 'data-words-max="500"' in page
    assert "Most good summaries are 150 to 500 words." in page  # said without JavaScript too
    assert "Markdown and math cheat-sheet" in page
    assert 'role="toolbar"' in page


# -- the writer's own controls -----------------------------------------------------------


def test_the_writer_gets_a_prominent_edit_a_link_to_copy_share_links_and_a_quiet_delete(
    client, alice
):
    summary = SummaryFactory(author=alice, source="Shareable words.")
    client.force_login(alice)
    page = client.get(summary.get_absolute_url()).text
    permalink = f"{settings.SITE_URL}{summary.get_absolute_url()}"
    edit_url = reverse("summaries:write", args=[summary.paper_id])
    assert f'<a class="button button-primary" href="{edit_url}">Edit summary</a>' in page
    assert f'value="{permalink}" readonly' in page
    assert "data-copy-link" in page
    encoded = quote(permalink, safe="")
    for site in ("mailto:?subject=", "https://bsky.app/intent/compose?text=", "reddit.com/submit"):
        assert site in page
    assert f"url={encoded}" in page
    assert '<script src="https://' not in page  # links only: no third-party widgets
    delete = re.search(r'<details class="owner-delete">.*?</details>', page, re.S).group(0)
    assert "<summary>Delete…</summary>" in delete
    assert reverse("summaries:delete", args=[summary.pk]) in delete
    assert "button-danger" in delete


def test_a_private_summary_offers_its_link_but_says_no_one_else_can_open_it(client, alice):
    summary = SummaryFactory(author=alice, visibility="private")
    client.force_login(alice)
    page = client.get(summary.get_absolute_url()).text
    assert "only you can open this link" in page
    assert "bsky.app" not in page


def test_the_quiet_delete_still_deletes_and_can_be_undone(client, alice):
    summary = SummaryFactory(author=alice)
    client.force_login(alice)
    page = client.post(reverse("summaries:delete", args=[summary.pk]), follow=True).text
    assert "Undo delete" in page
    assert "data-owner-actions" not in page


def test_the_paper_page_shows_the_writer_an_edit_button_on_their_summary(client, alice):
    summary = SummaryFactory(author=alice)
    client.force_login(alice)
    page = client.get(summary.paper.get_absolute_url()).text
    assert 'class="button button-small summary-edit"' in page


@pytest.mark.parametrize("owner_first", [True, False])
def test_no_one_else_is_ever_shown_the_writers_controls(alice, carol, owner_first):
    summary = SummaryFactory(author=alice, source="Words for everyone.")
    urls = [summary.get_absolute_url(), summary.paper.get_absolute_url(), "/"]
    owner = Client()
    owner.force_login(alice)
    stranger = Client()
    stranger.force_login(carol)
    if owner_first:
        assert "data-owner-actions" in owner.get(summary.get_absolute_url()).text
        assert "summary-edit" in owner.get(summary.paper.get_absolute_url()).text
    # Signed-out readers, twice each: the second from the shared page cache.
    for _ in range(2):
        for url in urls:
            page = Client().get(url).text
            assert "Words for everyone" in page or url == "/"
            assert not [mark for mark in OWNER_MARKS if mark in page], url
    for url in urls:
        page = stranger.get(url).text
        assert not [mark for mark in OWNER_MARKS if mark in page], url
    # And the writer, after all of those, still gets their own.
    assert "data-owner-actions" in owner.get(summary.get_absolute_url()).text
    assert "summary-edit" in owner.get(summary.paper.get_absolute_url()).text
