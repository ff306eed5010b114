"""The DBLP client, replaying answers through the ``network`` fixture."""

import json
import re

import pytest

from precis.importers.base import AuthorName
from precis.importers.dblp.client import fetch_record, search
from precis.importers.dblp.tests.test_parse import SEARCH_ANSWER
from precis.lib import safehttp
from precis.lib.identifiers import InvalidIdentifier

RECORDS = "https://dblp.org/rec/"
SEARCH = "https://dblp.org/search/publ/api"


@pytest.fixture(scope="module")
def casper_xml(shared_fixtures) -> bytes:
    """A record of the fragment fixture, as dblp.org/rec/<key>.xml sends one."""
    data = (shared_fixtures / "dblp" / "thebfg_dblp_head_fragment_small.xml").read_bytes()
    record = re.search(rb'<article [^>]*key="persons/CasperGGGHLR12".*?</article>', data, re.S)
    return b'<?xml version="1.0" encoding="US-ASCII"?>\n<dblp>\n' + record[0] + b"\n</dblp>\n"


def test_fetch_record(network, casper_xml):
    network.route(RECORDS, casper_xml)
    record = fetch_record("https://dblp.org/rec/persons/CasperGGGHLR12.html")
    [request] = network.requests
    assert str(request.url) == "https://dblp.org/rec/persons/CasperGGGHLR12.xml"
    assert request.headers["accept"] == "application/xml"
    assert record.source_ref == "persons/CasperGGGHLR12"
    assert record.authors[4] == AuthorName("Günther Heinemann", "0000-0002-4831-9016")
    assert record.identifiers["doi"] == "10.5194/hess-16-409-2012"


@pytest.mark.parametrize("status", [404, 410])
def test_fetch_unknown_record(network, status):
    network.route(RECORDS, "Not found", status=status)
    with pytest.raises(LookupError) as caught:
        fetch_record("conf/icml/Nope99")
    assert str(caught.value) == "DBLP has no record with key conf/icml/Nope99"


def test_fetch_refused(network):
    network.route(RECORDS, status=403)
    with pytest.raises(safehttp.FetchError) as caught:
        fetch_record("conf/icml/SchulmanLMJA15")
    assert str(caught.value) == (
        "DBLP answered HTTP 403 for the record conf/icml/SchulmanLMJA15 instead of the data."
    )
    assert caught.value.status == 403
    assert caught.value.retryable is False


def test_fetch_a_volume_is_not_found_and_garbage_is_a_fetch_error(network):
    network.route(
        RECORDS,
        '<dblp><proceedings key="conf/cvpr/2016"><title>CVPR 2016</title></proceedings></dblp>',
    )
    with pytest.raises(LookupError) as caught:
        fetch_record("conf/cvpr/2016")
    assert (
        str(caught.value) == "The DBLP record conf/cvpr/2016 is a proceedings volume, not a paper."
    )
    network.route(RECORDS, "<html>")
    with pytest.raises(safehttp.FetchError) as caught:
        fetch_record("conf/cvpr/HeZRS16")
    assert str(caught.value).startswith(
        "DBLP's answer could not be read: This is not readable DBLP record XML:"
    )


def test_fetch_a_malformed_key_asks_nothing(network):
    with pytest.raises(InvalidIdentifier):
        fetch_record("homepages/l/BarbaraLiskov")
    assert network.requests == []


def test_search(network):
    network.route(SEARCH, json.dumps(SEARCH_ANSWER))
    found = search("  residual   learning ", limit=5)
    [request] = network.requests
    assert request.url.path == "/search/publ/api"
    assert dict(request.url.params) == {"q": "residual learning", "format": "json", "h": "5"}
    assert [record.source_ref for record in found] == ["conf/cvpr/HeZRS16", "journals/corr/HeZRS15"]
    assert found[0].venue_key == "cvpr"


def test_search_limits(network):
    network.route(SEARCH, json.dumps(SEARCH_ANSWER))
    assert len(search("resnet", limit=1)) == 1
    search("resnet", limit=5000)
    assert [request.url.params["h"] for request in network.requests] == ["1", "1000"]
    assert search("   ") == []
    assert len(network.requests) == 2  # a blank query asks nothing


def test_search_server_errors_are_fetch_errors(network):
    network.route(SEARCH, status=503)
    with pytest.raises(safehttp.FetchError) as caught:
        search("resnet")
    assert len(network.requests) == 4  # safehttp tried again three times
    assert "dblp.org answered 503" in str(caught.value)


def test_a_search_answer_that_is_not_json_is_a_fetch_error(network):
    network.route(SEARCH, "<html>busy</html>")
    with pytest.raises(safehttp.FetchError, match="This DBLP search answer is not JSON"):
        search("resnet")
