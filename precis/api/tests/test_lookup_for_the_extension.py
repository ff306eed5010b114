"""What the browser extension's panel reads from /api/v1/lookup: the counts, a short
excerpt in a restricted subset of HTML, and the links; and the page its "Add to a
collection" link opens."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precis.api import panel
from precis.api.schemas import absolute
from precis.collections import services as collections
from precis.collections.models import CollectionItem
from precis.discussions import services as discussions
from precis.findings import services as findings
from precis.findings.tests.factories import FindingFactory
from precis.lib import richtext
from precis.moderation.tests.factories import hide
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/lookup"
MATH_SUMMARY = (
    "The blocks learn a residual $\\mathcal{F}(x) = H(x) - x$ instead of "
    "[the mapping](https://example.org/x) ![a plot](https://example.org/p.png).\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "Depth stops hurting."
)


@pytest.fixture
def paper():
    return PaperFactory(title="Deep Residual Learning", arxiv="1512.03385", year=2016)


def lookup(client, **query):
    response = client.get(LOOKUP, query or {"arxiv": "1512.03385"})
    assert response.status_code == 200, response.content
    return response.json()


def tags_in(fragment: str) -> set[str]:
    return {name.lower() for name in re.findall(r"<([A-Za-z][A-Za-z0-9]*)", fragment)}


class TestCounts:
    def test_it_counts_questions_anyone_may_see(self, client, paper, alice, carol):
        discussions.ask_question(author=carol, paper=paper, title="Why does depth hurt?")
        gone = discussions.ask_question(author=alice, paper=paper, title="Is it the data?")
        discussions.delete_question(question=gone, editor=alice)
        assert lookup(client)["question_count"] == 1

    def test_it_counts_open_findings_anyone_may_see(self, client, paper, alice, bob):
        FindingFactory(paper=paper, author=alice)
        resolved = FindingFactory(paper=paper, author=alice)
        findings.change_status(finding=resolved, by=alice, to="resolved")
        hidden = FindingFactory(paper=paper, author=alice)
        hide(hidden, bob)
        assert lookup(client)["open_finding_count"] == 1

    def test_it_counts_only_listed_summaries(self, client, paper):
        SummaryFactory(paper=paper)
        SummaryFactory(paper=paper, visibility="unlisted")
        SummaryFactory(paper=paper, visibility="private")
        body = lookup(client)
        assert body["summary_count"] == 1 and body["id"] == paper.pk

    def test_it_takes_three_queries(self, client, paper, carol, django_assert_max_num_queries):
        SummaryFactory(paper=paper, source=MATH_SUMMARY)
        discussions.ask_question(author=carol, paper=paper, title="Why?")
        with django_assert_max_num_queries(3):
            client.get(LOOKUP, {"arxiv": "1512.03385"})

    def test_a_new_question_or_finding_changes_the_answer_and_its_etag(self, client, paper, carol):
        SummaryFactory(paper=paper)
        first = client.get(LOOKUP, {"arxiv": "1512.03385"})
        discussions.ask_question(author=carol, paper=paper, title="Why residuals?")
        again = client.get(LOOKUP, {"arxiv": "1512.03385"}, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200 and again["ETag"] != first["ETag"]
        assert again.json()["question_count"] == 1
        unchanged = client.get(LOOKUP, {"arxiv": "1512.03385"}, HTTP_IF_NONE_MATCH=again["ETag"])
        assert unchanged.status_code == 304
        FindingFactory(paper=paper, author=carol)
        after = client.get(LOOKUP, {"arxiv": "1512.03385"}, HTTP_IF_NONE_MATCH=again["ETag"])
        assert after.status_code == 200 and after.json()["open_finding_count"] == 1


class TestPanelExcerpt:
    def test_it_keeps_math_and_prose_and_drops_links_images_and_tables(self, client, paper):
        SummaryFactory(paper=paper, source=MATH_SUMMARY)
        best = lookup(client)["best_summary"]
        html = best["panel_html"]
        assert "<math" in html and "\\mathcal{F}(x) = H(x) - x" in html
        assert "the mapping" in html and "Depth stops hurting." in html
        assert tags_in(html) <= panel.PROSE_TAGS | panel.MATHML_TAGS
        assert not tags_in(html) & {"a", "img", "table", "td"}
        for banned in ("href", "src=", "class=", "id="):
            assert banned not in html, banned
        # The site's own excerpt is unchanged, links and all.
        assert "<a " in best["excerpt_html"]

    def test_it_is_short(self, client, paper):
        paragraphs = [
            f"Paragraph {n} says something about residual learning." * 3 for n in range(9)
        ]
        SummaryFactory(paper=paper, source="\n\n".join(paragraphs))
        html = lookup(client)["best_summary"]["panel_html"]
        assert "Paragraph 0" in html and "Paragraph 8" not in html
        text = re.sub(r"<[^>]+>", "", html)
        assert len(text) < panel.PANEL_EXCERPT_CHARS + 200

    def test_a_first_paragraph_of_heavy_math_becomes_plain_text_with_its_tex(self):
        formulas = " and ".join(f"$\\frac{{a_{{{n}}}}}{{b_{{{n}}}}}$" for n in range(60))
        excerpt = richtext.render_excerpt(f"We sum {formulas}.", max_chars=5000)
        assert len(excerpt) > panel.PANEL_EXCERPT_MAX_HTML
        html = panel.panel_excerpt(excerpt)
        assert html.startswith("<p>We sum $\\frac{a_{0}}{b_{0}}$") and "<math" not in html
        assert len(html) <= panel.PANEL_EXCERPT_CHARS + 20

    def test_it_strips_anything_active(self):
        hostile = (
            '<p onclick="x()">Hi <script>alert(1)</script><style>p{}</style>'
            '<math href="javascript:alert(1)" display="block"><mi style="color:red" '
            'mathvariant="url(x)">x</mi></math><svg onload="x()"></svg>'
            '<a href="javascript:alert(2)">there</a></p>'
        )
        html = panel.panel_excerpt(hostile)
        assert html == '<p>Hi <math display="block"><mi>x</mi></math>there</p>'

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=400))
    def test_no_source_yields_anything_outside_the_subset(self, source):
        html = panel.panel_excerpt(richtext.render_excerpt(source, strict=False))
        assert tags_in(html) <= panel.PROSE_TAGS | panel.MATHML_TAGS
        assert not re.search(r"\son\w+=|javascript:|href=|src=|style=", html, re.IGNORECASE)

    def test_an_empty_excerpt_stays_empty(self):
        assert panel.panel_excerpt("") == "" and panel.panel_excerpt("   ") == ""


class TestLinks:
    def test_a_known_paper_links_to_its_pages(self, client, paper, alice):
        links = lookup(client)["links"]
        assert set(links) == {"read", "write", "request", "questions", "collect"}
        assert links["read"].endswith(paper.get_absolute_url())
        client.force_login(alice)
        for name in ("read", "write", "collect"):
            path = links[name].split("://", 1)[1].split("/", 1)[1]
            assert client.get("/" + path).status_code == 200, name
        write_page = client.get(f"/papers/{paper.pk}/write").content.decode()
        assert "Deep Residual Learning" in write_page

    def test_an_unknown_paper_links_to_its_import(self, client, db):
        links = lookup(client, arxiv="2405.99999")["links"]
        assert links == {"add": absolute("/arxiv/2405.99999")}

    def test_the_schema_documents_the_new_fields(self, client, db):
        schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        assert {"question_count", "links", "id"} <= set(schema["LookupOut"]["properties"])
        assert "panel_html" in schema["BestSummary"]["properties"]
        assert "collect" in schema["LookupLinks"]["properties"]


@pytest.mark.parametrize(
    "query",
    [
        "arxiv=1512.03385%00",
        "arxiv=%01%02",
        "doi=10.1000/" + "x" * 200_000,
        "dblp=" + "conf/" * 50_000,
        "arxiv=" + "9" * 500,
        "arxiv=1512.03385&doi=10.1000/x",
    ],
)
def test_hostile_identifiers_get_a_clear_400(client, db, query):
    response = client.get(f"{LOOKUP}?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_lone_surrogate_is_an_unknown_paper_not_an_error(client, db):
    # Undecodable bytes arrive as U+FFFD: a DOI nobody has, answered as such.
    response = client.get(f"{LOOKUP}?doi=10.1000/%ED%A0%80")
    assert response.status_code == 200 and response.json()["found"] is False


class TestCollectPage:
    def test_it_asks_strangers_to_sign_in(self, client, paper):
        response = client.get(f"/papers/{paper.pk}/collect")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_it_lists_only_your_own_collections_and_adds_the_paper(
        self, client, paper, alice, carol
    ):
        mine = collections.create_collection(owner=alice, title="Vision classics")
        full = collections.create_collection(owner=alice, title="Already there")
        collections.add_item(collection=full, paper=paper)
        collections.create_collection(owner=carol, title="Carol's secret list")
        client.force_login(alice)
        page = client.get(f"/papers/{paper.pk}/collect").content.decode()
        assert "Vision classics" in page and "Already there" in page and "holds it already" in page
        assert "Carol" not in page
        response = client.post(f"/collections/{mine.pk}/items/add", {"paper": paper.pk})
        assert response.status_code == 302
        assert CollectionItem.objects.filter(collection=mine, paper=paper).exists()

    def test_it_takes_a_bounded_number_of_queries(
        self, client, paper, alice, django_assert_max_num_queries
    ):
        for n in range(12):
            collections.create_collection(owner=alice, title=f"List {n}")
        client.force_login(alice)
        with django_assert_max_num_queries(12):
            assert client.get(f"/papers/{paper.pk}/collect").status_code == 200

    @pytest.mark.parametrize("paper_id", ["0", "999999999", "99999999999999999999999"])
    def test_absurd_paper_ids_are_404(self, client, alice, paper_id):
        client.force_login(alice)
        assert client.get(f"/papers/{paper_id}/collect").status_code == 404
