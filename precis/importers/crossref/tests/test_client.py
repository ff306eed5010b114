"""The Crossref client, replaying fixture answers through the ``network`` fixture."""

import pytest

from precis.importers.base import AuthorName
from precis.importers.crossref.client import fetch_work
from precis.lib import safehttp
from precis.lib.identifiers import InvalidIdentifier

WORKS = "https://api.crossref.org/works/"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def crossref(shared_fixtures):
    def read(name: str) -> bytes:
        return (shared_fixtures / "crossref" / name).read_bytes()

    return read


def test_fetch_work(network, crossref):
    network.route(WORKS, crossref("hepcrawl_work_10.1109_tasc.2017.2776938.json"), headers=JSON)
    record = fetch_work("https://doi.org/10.1109/TASC.2017.2776938")
    [request] = network.requests
    assert str(request.url) == "https://api.crossref.org/works/10.1109/tasc.2017.2776938"
    assert request.headers["accept"] == "application/json"
    assert record.identifiers == {"doi": "10.1109/tasc.2017.2776938"}
    assert record.authors[0] == AuthorName("Kento Suzuki", "0000-0002-4869-9338")
    assert record.year == 2018


def test_fetch_quotes_what_a_path_needs(network, crossref):
    network.route(WORKS, crossref("hepcrawl_work_10.1155_2018_3804742.json"), headers=JSON)
    fetch_work("doi:10.1155/2018/3804742#x")  # in a bare DOI, "#" is part of it
    fetch_work("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0")
    assert [request.url.raw_path for request in network.requests] == [
        b"/works/10.1155/2018/3804742%23x",
        b"/works/10.1002/(sici)1097-4571(199806)49:8%3C693::aid-asi4%3E3.0.co;2-0",
    ]


def test_fetch_unknown_doi(network):
    network.route(WORKS, "Resource not found.", status=404)
    with pytest.raises(LookupError) as caught:
        fetch_work("10.48550/arXiv.1512.03385")
    assert str(caught.value) == "Crossref has no work with DOI 10.48550/arxiv.1512.03385"


def test_fetch_other_errors(network):
    network.route(WORKS, status=400)
    with pytest.raises(safehttp.FetchError) as caught:
        fetch_work("10.1109/CVPR.2016.90")
    assert str(caught.value) == (
        "Crossref answered HTTP 400 for DOI 10.1109/cvpr.2016.90 instead of the work."
    )
    assert (caught.value.status, caught.value.retryable) == (400, False)
    assert len(network.requests) == 1  # a refusal is not tried again
    network.route(WORKS, status=502)
    with pytest.raises(safehttp.FetchError) as caught:
        fetch_work("10.1109/CVPR.2016.90")
    assert len(network.requests) == 1 + 4
    assert "api.crossref.org answered 502 after 4 tries" in str(caught.value)


def test_fetch_an_answer_that_is_not_a_work(network):
    network.route(WORKS, b'{"status": "ok", "message-type": "member", "message": {}}', headers=JSON)
    with pytest.raises(safehttp.FetchError) as caught:
        fetch_work("10.1109/CVPR.2016.90")
    assert str(caught.value) == (
        "Crossref's answer for DOI 10.1109/cvpr.2016.90 could not be read: "
        "This is not a Crossref work but a Crossref “member” answer."
    )
    assert caught.value.retryable is False


def test_fetch_a_malformed_doi_asks_nothing(network):
    with pytest.raises(InvalidIdentifier):
        fetch_work("11.1109/x")
    assert network.requests == []
