"""The Crossref client, replaying fixture answers through safehttp's transport hook."""

import httpx
import pytest

from precis.importers.base import AuthorName
from precis.importers.crossref.client import fetch_work
from precis.lib import safehttp
from precis.lib.identifiers import InvalidIdentifier


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(safehttp, "sleep", lambda seconds: None)


@pytest.fixture(scope="module")
def crossref(shared_fixtures):
    def read(name: str) -> bytes:
        return (shared_fixtures / "crossref" / name).read_bytes()

    return read


class Replay:
    """A MockTransport handler answering one canned response, recording each request."""

    def __init__(self, response: httpx.Response):
        self.response = response
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.response

    def __enter__(self):
        self._context = safehttp.use_transport(httpx.MockTransport(self))
        self._context.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._context.__exit__(*exc_info)


def json_response(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})


def test_fetch_work(crossref):
    answer = json_response(crossref("hepcrawl_work_10.1109_tasc.2017.2776938.json"))
    with Replay(answer) as replay:
        record = fetch_work("https://doi.org/10.1109/TASC.2017.2776938")
    [request] = replay.requests
    assert str(request.url) == "https://api.crossref.org/works/10.1109/tasc.2017.2776938"
    assert request.headers["accept"] == "application/json"
    assert record.identifiers == {"doi": "10.1109/tasc.2017.2776938"}
    assert record.authors[0] == AuthorName("Kento Suzuki", "0000-0002-4869-9338")
    assert record.year == 2018


def test_fetch_quotes_what_a_path_needs(crossref):
    with Replay(json_response(crossref("hepcrawl_work_10.1155_2018_3804742.json"))) as replay:
        fetch_work("doi:10.1155/2018/3804742#x")  # in a bare DOI, "#" is part of it
    assert replay.requests[0].url.raw_path == b"/works/10.1155/2018/3804742%23x"
    with Replay(json_response(crossref("hepcrawl_work_10.1155_2018_3804742.json"))) as replay:
        fetch_work("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0")
    assert replay.requests[0].url.raw_path == (
        b"/works/10.1002/(sici)1097-4571(199806)49:8%3C693::aid-asi4%3E3.0.co;2-0"
    )


def test_fetch_unknown_doi():
    with (
        Replay(httpx.Response(404, content=b"Resource not found.")),
        pytest.raises(LookupError) as caught,
    ):
        fetch_work("10.48550/arXiv.1512.03385")
    assert str(caught.value) == "Crossref has no work with DOI 10.48550/arxiv.1512.03385"


def test_fetch_other_errors():
    with Replay(httpx.Response(400)), pytest.raises(safehttp.FetchError) as caught:
        fetch_work("10.1109/CVPR.2016.90")
    assert str(caught.value) == (
        "Crossref answered HTTP 400 for DOI 10.1109/cvpr.2016.90 instead of the work."
    )
    assert (caught.value.status, caught.value.retryable) == (400, False)
    with Replay(httpx.Response(502)) as replay, pytest.raises(safehttp.FetchError) as caught:
        fetch_work("10.1109/CVPR.2016.90")
    assert len(replay.requests) == 4
    assert "api.crossref.org answered 502 after 4 tries" in str(caught.value)


def test_fetch_an_answer_that_is_not_a_work():
    member = json_response(b'{"status": "ok", "message-type": "member", "message": {}}')
    with Replay(member), pytest.raises(safehttp.FetchError) as caught:
        fetch_work("10.1109/CVPR.2016.90")
    assert str(caught.value) == (
        "Crossref's answer for DOI 10.1109/cvpr.2016.90 could not be read: "
        "This is not a Crossref work but a Crossref “member” answer."
    )
    assert caught.value.retryable is False


def test_fetch_a_malformed_doi_asks_nothing():
    with Replay(httpx.Response(200)) as replay, pytest.raises(InvalidIdentifier):
        fetch_work("11.1109/x")
    assert replay.requests == []
