"""The arXiv client, replaying recorded responses through the ``network`` fixture."""

from datetime import date

import httpx
import pytest

from precis.importers.arxiv.client import fetch_by_ids, list_records
from precis.importers.arxiv.parse import unwrap_capture
from precis.importers.base import ImportProblem, PaperRecord
from precis.lib import safehttp

API = "https://export.arxiv.org/api/query"
OAI = "https://export.arxiv.org/oai2"
ATOM = {"Content-Type": "application/atom+xml"}
XML = {"Content-Type": "text/xml"}


@pytest.fixture(scope="module")
def capture(shared_fixtures):
    """The Atom body of a JSON capture in arxiv_api/."""

    def read(name: str) -> bytes:
        return unwrap_capture((shared_fixtures / "arxiv_api" / name).read_bytes())

    return read


@pytest.fixture(scope="module")
def oai_file(shared_fixtures):
    def read(name: str) -> bytes:
        return (shared_fixtures / "arxiv_oai" / name).read_bytes()

    return read


def sent(network, number: int = 0) -> dict[str, str]:
    """The query parameters of the numbered request."""
    return dict(network.requests[number].url.params)


# --------------------------------------------------------------------------
# fetch_by_ids
# --------------------------------------------------------------------------


def test_fetch_one_id(network, capture):
    network.route(API, capture("arxivpy_2026_id_1707.08567.json"), headers=ATOM)
    [paper] = fetch_by_ids(["arXiv:1707.08567"])
    assert isinstance(paper, PaperRecord)
    assert paper.identifiers == {"arxiv": "1707.08567"}
    assert "Dirk Wübben" in [author.name for author in paper.authors]
    [request] = network.requests
    assert request.url.host == "export.arxiv.org"
    assert request.url.path == "/api/query"
    assert sent(network) == {"id_list": "1707.08567", "max_results": "1"}
    assert request.headers["accept"] == "application/atom+xml"


def test_fetch_keeps_an_explicit_version(network, capture):
    network.route(API, capture("arxivpy_2026_id_quant-ph_0201082v1.json"), headers=ATOM)
    [paper] = fetch_by_ids(["https://arxiv.org/abs/quant-ph/0201082v1"])
    assert sent(network)["id_list"] == "quant-ph/0201082v1"
    assert paper.source_ref == "arXiv:quant-ph/0201082v1"


def test_fetch_in_chunks_of_one_hundred(network, capture):
    ids = [f"1501.{number:05d}" for number in range(1, 251)]
    network.route(API, capture("arxivpy_2026_id_0000.0000_empty.json"), headers=ATOM)
    results = fetch_by_ids([*ids, "1501.00001"])  # a repeat is asked for once
    asked = [sent(network, n) for n in range(len(network.requests))]
    chunks = [query["id_list"].split(",") for query in asked]
    assert [len(chunk) for chunk in chunks] == [100, 100, 50]
    assert [query["max_results"] for query in asked] == ["100", "100", "50"]
    assert [wanted for chunk in chunks for wanted in chunk] == ids
    # the feeds were empty: each id is reported as unknown to arXiv
    assert len(results) == 250
    assert results[0] == ImportProblem("arXiv:1501.00001", "arXiv has no paper with this id.")


def test_invalid_ids_are_reported_and_not_sent(network, capture):
    network.route(API, capture("arxivpy_2026_id_1707.08567.json"), headers=ATOM)
    problem, paper = fetch_by_ids(["abc", "1707.08567"])
    assert sent(network)["id_list"] == "1707.08567"
    assert isinstance(problem, ImportProblem)
    assert problem.source_ref == "abc"
    assert "“abc” is not a valid arXiv id" in problem.message
    assert paper.identifiers["arxiv"] == "1707.08567"


def test_nothing_valid_means_no_request(network):
    [problem] = fetch_by_ids(["0000.0000"])
    assert network.requests == []
    assert "not a valid arXiv id" in problem.message


def test_an_id_missing_from_the_feed_is_reported(network, capture):
    network.route(API, capture("arxivpy_2026_id_1707.08567.json"), headers=ATOM)
    paper, missing = fetch_by_ids(["1707.08567", "0704.0001"])
    assert paper.identifiers["arxiv"] == "1707.08567"
    assert missing == ImportProblem("arXiv:0704.0001", "arXiv has no paper with this id.")


def test_http_400_error_feed_is_a_problem_not_an_exception(network, capture):
    network.route(API, capture("arxivpy_2026_id_abc_error400.json"), status=400, headers=ATOM)
    results = fetch_by_ids(["1707.08567"])
    assert results == [
        ImportProblem("arXiv API", "The arXiv API refused the query: incorrect id format for abc.")
    ]


def test_http_400_without_a_feed_is_still_a_problem(network):
    network.route(API, "Bad Request", status=400)
    results = fetch_by_ids(["1707.08567"])
    assert results == [
        ImportProblem("arXiv API", "The arXiv API refused the request for 1707.08567 (HTTP 400).")
    ]


def test_other_http_errors_raise(network):
    network.route(API, "Not Found", status=404)
    with pytest.raises(safehttp.FetchError) as info:
        fetch_by_ids(["1707.08567"])
    assert info.value.status == 404
    assert "export.arxiv.org answered 404" in str(info.value)


def test_network_failure_propagates(network):
    network.fail(API, httpx.ConnectError("connection refused"))
    with pytest.raises(safehttp.FetchError, match=r"Could not reach export\.arxiv\.org"):
        fetch_by_ids(["1707.08567"])
    assert len(network.requests) == 4  # the first try and three retries


# --------------------------------------------------------------------------
# list_records
# --------------------------------------------------------------------------


def test_first_page_sends_the_harvest_arguments(network, oai_file):
    network.route(OAI, oai_file("invenio_ListRecords_arXiv_cs_2015.xml"), headers=XML)
    page = list_records(set_spec="cs", from_date=date(2015, 1, 16), until_date="2015-01-18")
    assert len(page.records) == 46
    assert page.resumption_token is None
    [request] = network.requests
    assert request.url.host == "export.arxiv.org" and request.url.path == "/oai2"
    assert sent(network) == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "cs",
        "from": "2015-01-16",
        "until": "2015-01-18",
    }


def test_later_pages_send_only_the_resumption_token(network, oai_file):
    pages = iter(
        httpx.Response(200, content=oai_file(name), headers=XML)
        for name in [
            "atomiklabs_ListRecords_oai_dc_cs_2024.xml",
            "hepcrawl_ListRecords_arXiv_hep-ex.xml",
        ]
    )
    network.routes.append((OAI, lambda request: next(pages)))
    page = list_records(metadata_prefix="oai_dc", set_spec="cs", from_date="2024-01-25")
    harvested = list(page.records)
    while page.resumption_token:
        page = list_records(resumption_token=page.resumption_token)
        harvested += page.records
    assert len(harvested) == 5 + 3
    assert len(network.requests) == 2
    assert sent(network, 0) == {
        "verb": "ListRecords",
        "metadataPrefix": "oai_dc",
        "set": "cs",
        "from": "2024-01-25",
    }
    assert sent(network, 1) == {"verb": "ListRecords", "resumptionToken": "6960524|1001"}


def test_resumed_thousand_record_page(network, oai_file):
    network.route(OAI, oai_file("arxivsync_ListRecords_arXiv_1000_records.xml"), headers=XML)
    page = list_records(resumption_token="436115|405001")
    assert sent(network) == {"verb": "ListRecords", "resumptionToken": "436115|405001"}
    assert len(page.records) == 1000
    assert page.resumption_token == "436115|406001"


def test_oai_errors_come_back_in_the_page(network, oai_file):
    network.route(OAI, oai_file("invenio_error_noRecordsMatch.xml"), headers=XML)
    empty = list_records(set_spec="physics:hep-lat", from_date="2015-01-17")
    assert empty.error_code == "noRecordsMatch" and not empty.failed
    network.route(OAI, oai_file("mikesaelim_error_badResumptionToken.xml"), headers=XML)
    bad = list_records(resumption_token="3")
    assert bad.error_code == "badResumptionToken" and bad.failed


def test_retry_after_503_then_success(network, oai_file):
    answers = iter(
        [
            httpx.Response(503, headers={"Retry-After": "10"}, text="Retry later"),
            httpx.Response(200, content=oai_file("hepcrawl_ListRecords_arXiv_hep-ex.xml")),
        ]
    )
    network.routes.append((OAI, lambda request: next(answers)))
    page = list_records(set_spec="physics:hep-ex")
    assert len(network.requests) == 2
    assert len(page.records) == 3


def test_a_body_that_is_not_oai_pmh_raises(network):
    network.route(OAI, "<html><body>maintenance</body></html>")
    with pytest.raises(safehttp.FetchError, match="without an OAI-PMH response"):
        list_records()
