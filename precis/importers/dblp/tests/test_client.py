"""The DBLP client, replaying answers through safehttp's transport hook."""

import json
import re

import httpx
import pytest

from precis.importers.base import AuthorName
from precis.importers.dblp.client import fetch_record, search
from precis.importers.dblp.tests.test_parse import SEARCH_ANSWER
from precis.lib import safehttp
from precis.lib.identifiers import InvalidIdentifier


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(safehttp, "sleep", lambda seconds: None)


@pytest.fixture(scope="module")
def casper_xml(shared_fixtures) -> bytes:
    """A record of the fragment fixture, as dblp.org/rec/<key>.xml sends one."""
    data = (shared_fixtures / "dblp" / "thebfg_dblp_head_fragment_small.xml").read_bytes()
    record = re.search(rb'<article [^>]*key="persons/CasperGGGHLR12".*?</article>', data, re.S)
    return b'<?xml version="1.0" encoding="US-ASCII"?>\n<dblp>\n' + record[0] + b"\n</dblp>\n"


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


def test_fetch_record(casper_xml):
    with Replay(httpx.Response(200, content=casper_xml)) as replay:
        record = fetch_record("https://dblp.org/rec/persons/CasperGGGHLR12.html")
    [request] = replay.requests
    assert str(request.url) == "https://dblp.org/rec/persons/CasperGGGHLR12.xml"
    assert request.headers["accept"] == "application/xml"
    assert record.source_ref == "persons/CasperGGGHLR12"
    assert record.authors[4] == AuthorName("Günther Heinemann", "0000-0002-4831-9016")
    assert record.identifiers["doi"] == "10.5194/hess-16-409-2012"


@pytest.mark.parametrize("status", [404, 410])
def test_fetch_unknown_record(status):
    with Replay(httpx.Response(status, content=b"Not found")), pytest.raises(LookupError) as caught:
        fetch_record("conf/icml/Nope99")
    assert str(caught.value) == "DBLP has no record with key conf/icml/Nope99"


def test_fetch_refused():
    with Replay(httpx.Response(403)), pytest.raises(safehttp.FetchError) as caught:
        fetch_record("conf/icml/SchulmanLMJA15")
    assert str(caught.value) == (
        "DBLP answered HTTP 403 for the record conf/icml/SchulmanLMJA15 instead of the data."
    )
    assert caught.value.status == 403
    assert caught.value.retryable is False


def test_fetch_a_volume_is_not_found_and_garbage_is_a_fetch_error():
    volume = (
        b'<dblp><proceedings key="conf/cvpr/2016"><title>CVPR 2016</title></proceedings></dblp>'
    )
    with Replay(httpx.Response(200, content=volume)), pytest.raises(LookupError) as caught:
        fetch_record("conf/cvpr/2016")
    assert (
        str(caught.value) == "The DBLP record conf/cvpr/2016 is a proceedings volume, not a paper."
    )
    with (
        Replay(httpx.Response(200, content=b"<html>")),
        pytest.raises(safehttp.FetchError) as caught,
    ):
        fetch_record("conf/cvpr/HeZRS16")
    assert str(caught.value).startswith(
        "DBLP's answer could not be read: This is not readable DBLP record XML:"
    )


def test_fetch_a_malformed_key_asks_nothing():
    with Replay(httpx.Response(200)) as replay, pytest.raises(InvalidIdentifier):
        fetch_record("homepages/l/BarbaraLiskov")
    assert replay.requests == []


def test_search():
    answer = httpx.Response(200, content=json.dumps(SEARCH_ANSWER).encode())
    with Replay(answer) as replay:
        found = search("  residual   learning ", limit=5)
    [request] = replay.requests
    assert request.url.path == "/search/publ/api"
    assert dict(request.url.params) == {"q": "residual learning", "format": "json", "h": "5"}
    assert [record.source_ref for record in found] == ["conf/cvpr/HeZRS16", "journals/corr/HeZRS15"]
    assert found[0].venue_key == "cvpr"


def test_search_limits():
    answer = httpx.Response(200, content=json.dumps(SEARCH_ANSWER).encode())
    with Replay(answer) as replay:
        assert len(search("resnet", limit=1)) == 1
        search("resnet", limit=5000)
    assert [request.url.params["h"] for request in replay.requests] == ["1", "1000"]
    with Replay(answer) as replay:
        assert search("   ") == []
    assert replay.requests == []


def test_search_server_errors_are_fetch_errors():
    with Replay(httpx.Response(503)) as replay, pytest.raises(safehttp.FetchError) as caught:
        search("resnet")
    assert len(replay.requests) == 4  # safehttp tried again three times
    assert "dblp.org answered 503" in str(caught.value)
    busy = httpx.Response(200, content=b"<html>busy</html>")
    with (
        Replay(busy),
        pytest.raises(safehttp.FetchError, match="This DBLP search answer is not JSON"),
    ):
        search("resnet")
