import pytest

from precis.api.schemas import absolute
from precis.discussions import services as discussions
from precis.papers.models import Identifier
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.search.services import index_papers
from precis.summaries.tests.factories import SummaryFactory

from .factories import bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    paper = PaperFactory(title="Deep Residual Learning", arxiv="1512.03385", year=2016)
    Identifier.objects.create(paper=paper, scheme="doi", value="10.1109/cvpr.2016.90")
    return paper


def assert_error_shape(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    return body


def test_it_answers_health(client):
    assert client.get("/api/v1/health").json() == {"ok": True}


def test_it_serves_a_paper(client, paper):
    body = client.get(f"/api/v1/papers/{paper.pk}").json()
    assert body["title"] == "Deep Residual Learning"
    assert body["arxiv"] == "1512.03385"
    assert body["authors"] == ["Ada Lovelace", "Alan Turing"]
    assert body["venue"]["key"] == paper.venue.key


def test_it_answers_404_in_the_error_shape_for_an_unknown_paper(client):
    assert_error_shape(client.get("/api/v1/papers/999999"), 404)


@pytest.mark.parametrize(
    "path", ["/api/v1/no/such/thing", "/api/v1/papers/1/findings%0A", "/api/v1/%0Apapers"]
)
def test_it_answers_404_in_the_error_shape_for_an_unknown_endpoint(client, path):
    assert_error_shape(client.get(path), 404)


@pytest.mark.parametrize(
    "query", ["arxiv=1512.03385", "arxiv=arXiv:1512.03385v2", "doi=10.1109/CVPR.2016.90"]
)
def test_it_finds_a_paper_by_identifier(client, paper, query):
    assert client.get(f"/api/v1/papers/by-id?{query}").json()["id"] == paper.pk


def test_it_explains_an_unknown_identifier(client, db):
    body = assert_error_shape(client.get("/api/v1/papers/by-id?arxiv=1706.03762"), 404)
    assert "arxiv 1706.03762" in body["detail"]


@pytest.mark.parametrize(
    "query", ["arxiv=1512.0338", "doi=nonsense", "", "arxiv=1512.03385&doi=10.1/x"]
)
def test_it_rejects_a_malformed_identifier_with_400(client, db, query):
    body = assert_error_shape(client.get(f"/api/v1/papers/by-id?{query}"), 400)
    assert body["errors"][0]["msg"]


def test_it_answers_422_in_the_error_shape_for_bad_parameters(client, db):
    body = assert_error_shape(client.get("/api/v1/papers?year=abc"), 422)
    assert body["errors"][0]["loc"] == ["query", "year"]


def test_it_pages_papers_with_a_cursor(client, db):
    venue = VenueFactory(key="icml")
    for n in range(25):
        PaperFactory(title=f"Paper {n:02d}", venue=venue, year=2015)
    PaperFactory(title="Elsewhere", year=2015)
    seen, url, pages = [], "/api/v1/papers?venue=icml&year=2015&limit=10", 0
    while url:
        body = client.get(url).json()
        seen += [p["title"] for p in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == [f"Paper {n:02d}" for n in range(25)]


def test_a_walk_meets_every_paper_once_when_many_share_a_title(client, db):
    """Ties on the title run across page boundaries: the id decides among them."""
    papers = [PaperFactory(title=title) for title in ["B", "A", "B", "B", "C", "B", "A", "B"]]
    seen, url = [], "/api/v1/papers?limit=3"
    while url:
        body = client.get(url).json()
        seen += [(p["title"], p["id"]) for p in body["results"]]
        url = body["next"]
    assert seen == sorted((paper.title, paper.pk) for paper in papers)


def test_it_rejects_a_forged_cursor(client, db):
    assert_error_shape(client.get("/api/v1/papers?cursor=!!!"), 400)


def forged(value) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


FORGED_CURSORS = [
    forged(["abc", 1]),
    forged([None, 1]),
    forged([1.5, 1]),
    forged(["2016-01-01T00:00:00", 99999999999999999999]),
    forged(["2016-01-01T00:00:00", True]),
    forged(["a\x00b", 1]),
    forged(["NaN", 1]),
    forged({"a": 1}),
    forged([[], 1]),
    forged([]),
    "A" * 5000,
    "%00",
    "=====",
]


@pytest.mark.parametrize("cursor", FORGED_CURSORS)
@pytest.mark.parametrize(
    ("path", "key_type"),
    [
        ("/api/v1/papers", "text"),  # sorted by title
        ("/api/v1/venues", "text"),  # by key
        ("/api/v1/users/alice/collections", "time"),  # by updated_at
        ("/api/v1/papers/{paper}/summaries", "number"),  # by wilson
        ("/api/v1/papers/{paper}/questions", "time"),  # by created_at
    ],
)
def test_every_forged_cursor_is_a_400_in_the_error_shape(
    client, paper, alice, path, key_type, cursor
):
    response = client.get(path.format(paper=paper.pk), {"cursor": cursor})
    # Well-formed positions of the list's own key type are real cursors, whatever made them.
    real = {"text": [forged(["abc", 1]), forged(["NaN", 1])], "number": [forged([1.5, 1])]}
    if cursor in real.get(key_type, []):
        assert response.status_code == 200
    else:
        assert_error_shape(response, 400)


def test_it_lists_public_summaries_and_the_callers_own(client, paper, alice, carol):
    public = SummaryFactory(paper=paper, visibility="public")
    SummaryFactory(paper=paper, visibility="unlisted")
    SummaryFactory(paper=paper, visibility="private")
    own = SummaryFactory(paper=paper, author=carol, visibility="private")
    ids = [s["id"] for s in client.get(f"/api/v1/papers/{paper.pk}/summaries").json()["results"]]
    assert ids == [public.pk]
    client.force_login(carol)
    ids = {s["id"] for s in client.get(f"/api/v1/papers/{paper.pk}/summaries").json()["results"]}
    assert ids == {public.pk, own.pk}


def test_it_pages_summaries_over_25_items(client, paper):
    for _ in range(25):
        SummaryFactory(paper=paper)
    first = client.get(f"/api/v1/papers/{paper.pk}/summaries").json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 20 and len(second["results"]) == 5
    assert second["next"] is None
    ids = [s["id"] for s in first["results"] + second["results"]]
    assert len(set(ids)) == 25


def test_it_hides_other_peoples_private_summaries_as_404(client, alice, carol):
    private = SummaryFactory(author=alice, visibility="private")
    client.force_login(carol)
    assert_error_shape(client.get(f"/api/v1/summaries/{private.pk}"), 404)
    client.force_login(alice)
    assert client.get(f"/api/v1/summaries/{private.pk}").json()["visibility"] == "private"


def test_it_opens_unlisted_summaries_by_id(client, db):
    unlisted = SummaryFactory(visibility="unlisted")
    assert client.get(f"/api/v1/summaries/{unlisted.pk}").status_code == 200


class TestAnonymousWriters:
    """An anonymous summary never names its writer to anyone else, in any shape."""

    @pytest.fixture
    def hidden(self, alice, paper):
        return SummaryFactory(author=alice, paper=paper, anonymous=True, source="Residual nets.")

    def assert_unnamed(self, shape):
        assert shape["author"] is None and shape["anonymous"] is True
        assert "alice" not in str(shape).lower()

    def test_in_the_list(self, client, hidden, paper):
        self.assert_unnamed(client.get(f"/api/v1/papers/{paper.pk}/summaries").json()["results"][0])

    def test_in_the_detail(self, client, hidden, carol):
        client.force_login(carol)
        self.assert_unnamed(client.get(f"/api/v1/summaries/{hidden.pk}").json())

    def test_in_search_results(self, client, hidden, paper):
        index_papers([paper.pk])
        body = client.get("/api/v1/search?q=residual").json()
        assert body["results"], body
        self.assert_unnamed(body["results"][0]["best_summary"])

    def test_in_search_by_identifier(self, client, hidden):
        body = client.get("/api/v1/search?q=arXiv:1512.03385").json()
        self.assert_unnamed(body["results"][0]["best_summary"])

    def test_in_the_lookup(self, client, hidden):
        body = client.get("/api/v1/lookup?arxiv=1512.03385").json()
        assert "alice" not in str(body).lower()
        assert body["best_summary"]["url"].endswith(f"/{hidden.pk}/")

    def test_in_comments_by_the_writer(self, client, hidden, alice, carol):
        discussions.post_comment(author=alice, summary=hidden, source="Thanks!")
        comment = client.get(f"/api/v1/summaries/{hidden.pk}/comments").json()["results"][0]
        assert comment["author"] is None and comment["by_summary_writer"] is False

    def test_in_the_public_profile_counts(self, client, hidden, alice):
        assert client.get("/api/v1/users/alice").json()["summary_count"] == 0

    def test_but_the_writer_sees_their_own_name(self, client, hidden, alice):
        client.force_login(alice)
        shape = client.get(f"/api/v1/summaries/{hidden.pk}").json()
        assert shape["author"]["username"] == "alice" and shape["anonymous"] is True
        raw = token_for(alice, scope="read")
        shape = client.get(f"/api/v1/papers/{hidden.paper_id}/summaries", **bearer(raw)).json()
        assert shape["results"][0]["author"]["username"] == "alice"


def test_it_lists_comments(client, alice, carol):
    summary = SummaryFactory(author=alice)
    discussions.post_comment(author=carol, summary=summary, source="Nice *work*")
    body = client.get(f"/api/v1/summaries/{summary.pk}/comments").json()
    assert body["results"][0]["author"]["username"] == "carol"
    assert "<em>work</em>" in body["results"][0]["html"]


def test_it_lists_questions_and_shows_answers(client, alice, carol, paper):
    question = discussions.ask_question(author=carol, paper=paper, title="Why residuals?")
    discussions.post_answer(author=alice, question=question, source="Gradients flow.")
    listed = client.get(f"/api/v1/papers/{paper.pk}/questions").json()["results"]
    assert listed[0]["title"] == "Why residuals?" and listed[0]["answer_count"] == 1
    detail = client.get(f"/api/v1/questions/{question.pk}").json()
    assert detail["answers"][0]["author"]["username"] == "alice"
    assert_error_shape(client.get("/api/v1/questions/999999"), 404)


def test_it_lists_venues_and_shows_one(client, paper):
    keys = [v["key"] for v in client.get("/api/v1/venues").json()["results"]]
    assert paper.venue.key in keys
    body = client.get(f"/api/v1/venues/{paper.venue.key}").json()
    assert body["paper_count"] == 1
    assert_error_shape(client.get("/api/v1/venues/nope"), 404)


def test_it_shows_a_public_profile(client, alice):
    alice.bio, alice.orcid = "Writes things.", "0000-0002-1825-0097"
    alice.save()
    SummaryFactory(author=alice)
    SummaryFactory(author=alice, visibility="private")
    body = client.get("/api/v1/users/alice").json()
    assert body["display_name"] == "Alice Writer" and body["bio"] == "Writes things."
    assert body["orcid"] == "0000-0002-1825-0097" and body["summary_count"] == 1
    assert_error_shape(client.get("/api/v1/users/nobody"), 404)


def test_it_searches(client, paper):
    SummaryFactory(paper=paper, source="Residual connections help.")
    index_papers([paper.pk])
    body = client.get("/api/v1/search?q=residual").json()
    assert body["total"] >= 1
    assert body["results"][0]["paper"]["id"] == paper.pk
    assert body["results"][0]["best_summary"]["author"]["username"]


def test_it_requires_a_search_query(client, db):
    assert_error_shape(client.get("/api/v1/search"), 422)


class TestLookup:
    def test_it_finds_a_summarised_paper(self, client, paper):
        SummaryFactory(paper=paper, source="A **good** paper.")
        SummaryFactory(paper=paper, visibility="private")
        body = client.get("/api/v1/lookup?arxiv=1512.03385").json()
        assert body["found"] is True and body["title"] == "Deep Residual Learning"
        assert body["summary_count"] == 1
        assert "<strong>good</strong>" in body["best_summary"]["excerpt_html"]
        assert body["url"].startswith("http")

    def test_it_says_when_a_paper_is_unknown(self, client, db):
        body = client.get("/api/v1/lookup?doi=10.1000/unknown").json()
        assert body == {
            "found": False, "id": None, "url": None, "title": None, "summary_count": 0,
            "question_count": 0, "open_finding_count": 0, "best_summary": None,
            "links": {"add": absolute("/doi/10.1000/unknown")},
        }  # fmt: skip

    def test_it_is_fast(self, client, paper, django_assert_max_num_queries):
        SummaryFactory(paper=paper)
        with django_assert_max_num_queries(3):
            client.get("/api/v1/lookup?arxiv=1512.03385")

    def test_it_is_cacheable_and_cors_open(self, client, paper):
        response = client.get("/api/v1/lookup?arxiv=1512.03385")
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["ETag"].startswith('W/"')
        again = client.get("/api/v1/lookup?arxiv=1512.03385", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == response["ETag"]

    def test_its_etag_changes_with_the_answer(self, client, paper):
        before = client.get("/api/v1/lookup?arxiv=1512.03385")["ETag"]
        SummaryFactory(paper=paper)
        response = client.get("/api/v1/lookup?arxiv=1512.03385", HTTP_IF_NONE_MATCH=before)
        assert response.status_code == 200 and response["ETag"] != before

    def test_it_answers_a_preflight(self, client, db):
        response = client.options("/api/v1/lookup?arxiv=1512.03385")
        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response["Access-Control-Allow-Methods"]

    def test_it_rejects_a_malformed_id_with_400(self, client, db):
        assert_error_shape(client.get("/api/v1/lookup?arxiv=banana"), 400)


def test_the_openapi_schema_and_reference_page(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/lookup" in schema["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/papers/by-id" in html and "<script" not in html.split("</header>")[-1]
