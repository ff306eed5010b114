"""Ask dblp.org for one record by key, or search it; every request goes through safehttp."""

from urllib.parse import quote

from precis.importers.base import PaperRecord
from precis.importers.dblp.parse import NotAPaper, parse_record_xml, parse_search_json
from precis.lib import safehttp
from precis.lib.identifiers import normalize_dblp

RECORD_URL = "https://dblp.org/rec/{key}.xml"
SEARCH_URL = "https://dblp.org/search/publ/api"
MAX_HITS = 1000  # the most DBLP's search API sends in one answer
GONE = {404, 410}  # DBLP answers 410 for records it withdrew


def fetch_record(key: str) -> PaperRecord:
    """The paper DBLP knows under ``key`` (any form ``normalize_dblp`` accepts).

    Raises ``InvalidIdentifier`` for a malformed key, ``LookupError`` when DBLP
    has no such record or it is not a paper (a proceedings volume), and
    ``safehttp.FetchError`` when DBLP cannot be reached, answers an error or
    sends something unreadable.
    """
    key = normalize_dblp(key)
    url = RECORD_URL.format(key=quote(key, safe="/:+'"))
    response = safehttp.get(url, accept="application/xml")
    if response.status in GONE:
        raise LookupError(f"DBLP has no record with key {key}")
    _raise_for_status(response, f"the record {key}")
    try:
        return parse_record_xml(response.content)
    except NotAPaper as exc:
        raise LookupError(str(exc)) from exc
    except ValueError as exc:
        raise _unreadable(response, exc) from exc


def search(query: str, limit: int = 10) -> list[PaperRecord]:
    """Up to ``limit`` papers DBLP finds for ``query`` (words of a title, author names…).

    Volumes and data sets among the hits are left out. An empty query finds
    nothing without asking. Raises ``safehttp.FetchError`` when DBLP cannot be
    reached, answers an error or sends something that is not a search result.
    """
    query = " ".join(query.split())
    if not query:
        return []
    params = {"q": query, "format": "json", "h": max(1, min(limit, MAX_HITS))}
    response = safehttp.get(SEARCH_URL, params=params, accept="application/json")
    _raise_for_status(response, f"the search “{query}”")
    try:
        return list(parse_search_json(response.content))[:limit]
    except ValueError as exc:
        raise _unreadable(response, exc) from exc


def _raise_for_status(response: safehttp.Response, what: str) -> None:
    if response.status != 200:
        raise safehttp.FetchError(
            f"DBLP answered HTTP {response.status} for {what} instead of the data.",
            url=response.url,
            status=response.status,
            retryable=False,
        )


def _unreadable(response: safehttp.Response, exc: ValueError) -> safehttp.FetchError:
    return safehttp.FetchError(
        f"DBLP's answer could not be read: {exc}", url=response.url, retryable=False
    )
