"""The results page: one search box, dense results, corrections offered safely."""

import pytest
from django.urls import reverse

from precis.importers.base import AuthorName, PaperRecord
from precis.papers.models import Paper
from precis.papers.services import upsert_papers
from precis.summaries import services as summary_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(django_capture_on_commit_callbacks, alice, bob):
    with django_capture_on_commit_callbacks(execute=True):
        upsert_papers(
            [
                PaperRecord(
                    title=r"Sparse $\ell_1$ Residual Coding",
                    authors=[
                        AuthorName(name)
                        for name in ("Ada One", "Bo Two", "Cy Three", "Di Four", "Ed Five")
                    ],
                    abstract=r"We bound the residual by $\frac{1}{\sqrt{n}}$ in every layer.",
                    year=2020,
                    venue_key="icml",
                    identifiers={"dblp": "conf/icml/One20"},
                    source="dblp",
                ),
                PaperRecord(
                    title="Residual Flows",
                    authors=[AuthorName("Ada One")],
                    identifiers={"dblp": "conf/icml/One21"},
                    source="dblp",
                ),
            ]
        )
        paper = Paper.objects.get(title__startswith="Sparse")
        for writer in (alice, bob):
            summary_services.save_summary(
                author=writer, paper=paper, source="The residual is small: $r_t \\le \\epsilon$.",
                visibility="public",
            )  # fmt: skip


def page(client, **params):
    return client.get(reverse("search:search"), params).content.decode()


def test_one_search_box_on_the_search_page_and_the_header_box_elsewhere(client, papers):
    html = page(client, q="residual")
    assert 'id="search-page-q"' in html and 'id="header-q"' not in html
    assert html.count('type="search"') == 1
    assert 'id="header-q"' in client.get(reverse("core:home")).content.decode()


def test_a_result_is_title_one_meta_line_a_snippet_and_its_summaries(client, papers):
    html = page(client, q="residual")
    assert "Sparse ℓ₁ Residual Coding" in html  # the title's TeX, readable
    assert "Ada One" in html and "Cy Three" in html and "Di Four" not in html
    assert "et al." in html
    assert "2 summaries" in html and "No summary yet" in html
    assert "\\frac" not in html and "$" not in html.split('class="search-results"')[1]
    assert "has%3Asummary" in html  # "only those with summaries"


def test_corrections_are_escaped_and_keep_the_rest_of_the_query(client, papers):
    html = page(client, q='<b>resdiual</b> "x"')
    assert "<b>resdiual</b>" not in html
    html = page(client, q="resdiual year:2020")
    assert "Showing results for" in html and "residual year:2020" in html
    assert 'href="?q=residual%20year%3A2020&amp;page=' not in html  # one page only


def test_suggestions_complete_a_word_typed_past_its_stem(client, papers):
    # The index holds "residu"; "residua" is no prefix of it, but completes to "residual".
    for typed in ("residu", "residua", "Residual flo"):
        found = client.get(reverse("search:suggest"), {"q": typed}).json()["results"]
        assert "Residual Flows" in [result["title"] for result in found], typed
    assert client.get(reverse("search:suggest"), {"q": "residuax"}).json() == {"results": []}
