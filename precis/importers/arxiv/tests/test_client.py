"""The arXiv client, replaying recorded responses through safehttp's transport hook."""

from datetime import date

import httpx
import pytest

from precis.importers.arxiv.client import fetch_by_ids, list_records
from precis.importers.arxiv.parse import unwrap_capture
from precis.importers.base import ImportProblem, PaperRecord
from precis.lib import safehttp


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(safehttp, "sleep", lambda seconds: None)


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


class Replay:
    """A MockTransport handler answering with canned responses, recording each request."""

    def __init__(self, *responses: httpx.Response | Exception):
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def params(self, number: int = 0) -> dict[str, str]:
        return dict(self.requests[number].url.params)

    def __enter__(self):
        self._context = safehttp.use_transport(httpx.MockTransport(self))
        self._context.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._context.__exit__(*exc_info)


def atom(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": "application/atom+xml"})


def xml(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": "text/xml"})


# --------------------------------------------------------------------------
# fetch_by_ids
# --------------------------------------------------------------------------


def test_fetch_one_id(capture):
    with Replay(atom(capture("arxivpy_2026_id_1707.08567.json"))) as replay:
        [paper] = fetch_by_ids(["arXiv:1707.08567"])
    assert isinstance(paper, PaperRecord)
    assert paper.identifiers == {"arxiv": "1707.08567"}
    assert "Dirk Wübben" in [author.name for author in paper.authors]
    [request] = replay.requests
    assert request.url.host == "export.arxiv.org"
    assert request.url.path == "/api/query"
    assert replay.params() == {"id_list": "1707.08567", "max_results": "1"}
    assert request.headers["accept"] == "application/atom+xml"


def test_fetch_keeps_an_explicit_version(capture):
    with Replay(atom(capture("arxivpy_2026_id_quant-ph_0201082v1.json"))) as replay:
        [paper] = fetch_by_ids(["https://arxiv.org/abs/quant-ph/0201082v1"])
    assert replay.params()["id_list"] == "quant-ph/0201082v1"
    assert paper.source_ref == "arXiv:quant-ph/0201082v1"


def test_fetch_in_chunks_of_one_hundred(capture):
    ids = [f"1501.{number:05d}" for number in range(1, 251)]
    with Replay(atom(capture("arxivpy_2026_id_0000.0000_empty.json"))) as replay:
        results = fetch_by_ids([*ids, "1501.00001"])  # a repeat is asked for once
    sent = [replay.params(n)["id_list"].split(",") for n in range(len(replay.requests))]
    assert [len(chunk) for chunk in sent] == [100, 100, 50]
    assert [replay.params(n)["max_results"] for n in range(3)] == ["100", "100", "50"]
    assert [wanted for chunk in sent for wanted in chunk] == ids
    # the feeds were empty: each id is reported as unknown to arXiv
    assert len(results) == 250
    assert results[0] == ImportProblem("arXiv:1501.00001", "arXiv has no paper with this id.")


def test_invalid_ids_are_reported_and_not_sent(capture):
    with Replay(atom(capture("arxivpy_2026_id_1707.08567.json"))) as replay:
        problem, paper = fetch_by_ids(["abc", "1707.08567"])
    assert replay.params()["id_list"] == "1707.08567"
    assert isinstance(problem, ImportProblem)
    assert problem.source_ref == "abc"
    assert "“abc” is not a valid arXiv id" in problem.message
    assert paper.identifiers["arxiv"] == "1707.08567"


def test_nothing_valid_means_no_request():
    with Replay(atom(b"")) as replay:
        [problem] = fetch_by_ids(["0000.0000"])
    assert replay.requests == []
    assert "not a valid arXiv id" in problem.message


def test_an_id_missing_from_the_feed_is_reported(capture):
    with Replay(atom(capture("arxivpy_2026_id_1707.08567.json"))):
        paper, missing = fetch_by_ids(["1707.08567", "0704.0001"])
    assert paper.identifiers["arxiv"] == "1707.08567"
    assert missing == ImportProblem("arXiv:0704.0001", "arXiv has no paper with this id.")


def test_http_400_error_feed_is_a_problem_not_an_exception(capture):
    with Replay(atom(capture("arxivpy_2026_id_abc_error400.json"), status=400)):
        results = fetch_by_ids(["1707.08567"])
    assert results == [
        ImportProblem("arXiv API", "The arXiv API refused the query: incorrect id format for abc.")
    ]


def test_http_400_without_a_feed_is_still_a_problem():
    with Replay(httpx.Response(400, text="Bad Request")):
        results = fetch_by_ids(["1707.08567"])
    assert results == [
        ImportProblem("arXiv API", "The arXiv API refused the request for 1707.08567 (HTTP 400).")
    ]


def test_other_http_errors_raise():
    with Replay(httpx.Response(404, text="Not Found")), pytest.raises(safehttp.FetchError) as info:
        fetch_by_ids(["1707.08567"])
    assert info.value.status == 404
    assert "export.arxiv.org answered 404" in str(info.value)


def test_network_failure_propagates():
    with (
        Replay(httpx.ConnectError("connection refused")) as replay,
        pytest.raises(safehttp.FetchError, match=r"Could not reach export\.arxiv\.org"),
    ):
        fetch_by_ids(["1707.08567"])
    assert len(replay.requests) == 4  # the first try and three retries


# --------------------------------------------------------------------------
# list_records
# --------------------------------------------------------------------------


def test_first_page_sends_the_harvest_arguments(oai_file):
    with Replay(xml(oai_file("invenio_ListRecords_arXiv_cs_2015.xml"))) as replay:
        page = list_records(set_spec="cs", from_date=date(2015, 1, 16), until_date="2015-01-18")
    assert len(page.records) == 46
    assert page.resumption_token is None
    [request] = replay.requests
    assert request.url.host == "export.arxiv.org" and request.url.path == "/oai2"
    assert replay.params() == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "cs",
        "from": "2015-01-16",
        "until": "2015-01-18",
    }


def test_later_pages_send_only_the_resumption_token(oai_file):
    pages = [
        xml(oai_file("atomiklabs_ListRecords_oai_dc_cs_2024.xml")),
        xml(oai_file("hepcrawl_ListRecords_arXiv_hep-ex.xml")),
    ]
    with Replay(*pages) as replay:
        page = list_records(metadata_prefix="oai_dc", set_spec="cs", from_date="2024-01-25")
        harvested = list(page.records)
        while page.resumption_token:
            page = list_records(resumption_token=page.resumption_token)
            harvested += page.records
    assert len(harvested) == 5 + 3
    assert replay.params(0) == {
        "verb": "ListRecords",
        "metadataPrefix": "oai_dc",
        "set": "cs",
        "from": "2024-01-25",
    }
    assert replay.params(1) == {"verb": "ListRecords", "resumptionToken": "6960524|1001"}


def test_resumed_thousand_record_page(oai_file):
    with Replay(xml(oai_file("arxivsync_ListRecords_arXiv_1000_records.xml"))) as replay:
        page = list_records(resumption_token="436115|405001")
    assert replay.params() == {"verb": "ListRecords", "resumptionToken": "436115|405001"}
    assert len(page.records) == 1000
    assert page.resumption_token == "436115|406001"


def test_oai_errors_come_back_in_the_page(oai_file):
    with Replay(xml(oai_file("invenio_error_noRecordsMatch.xml"))):
        empty = list_records(set_spec="physics:hep-lat", from_date="2015-01-17")
    assert empty.error_code == "noRecordsMatch" and not empty.failed
    with Replay(xml(oai_file("mikesaelim_error_badResumptionToken.xml"))):
        bad = list_records(resumption_token="3")
    assert bad.error_code == "badResumptionToken" and bad.failed


def test_retry_after_503_then_success(oai_file):
    busy = httpx.Response(503, headers={"Retry-After": "10"}, text="Retry later")
    with Replay(busy, xml(oai_file("hepcrawl_ListRecords_arXiv_hep-ex.xml"))) as replay:
        page = list_records(set_spec="physics:hep-ex")
    assert len(replay.requests) == 2
    assert len(page.records) == 3


def test_a_body_that_is_not_oai_pmh_raises():
    with (
        Replay(httpx.Response(200, text="<html><body>maintenance</body></html>")),
        pytest.raises(safehttp.FetchError, match="without an OAI-PMH response"),
    ):
        list_records()
