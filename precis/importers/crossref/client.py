"""Ask Crossref for one work by DOI; every request goes through safehttp."""

from urllib.parse import quote

from precis.importers.base import PaperRecord
from precis.importers.crossref.parse import parse_work
from precis.lib import safehttp
from precis.lib.identifiers import normalize_doi

WORK_URL = "https://api.crossref.org/works/{doi}"


def fetch_work(doi: str) -> PaperRecord:
    """The paper Crossref registers under ``doi`` (any form ``normalize_doi`` accepts).

    Raises ``InvalidIdentifier`` for a malformed DOI, ``LookupError`` when
    Crossref has no such work (DataCite DOIs such as arXiv's are not Crossref's),
    and ``safehttp.FetchError`` when Crossref cannot be reached, answers another
    error or sends something that is not a usable work.
    """
    doi = normalize_doi(doi)
    url = WORK_URL.format(doi=quote(doi, safe="/:;()"))
    response = safehttp.get(url, accept="application/json")
    if response.status == 404:
        raise LookupError(f"Crossref has no work with DOI {doi}")
    if response.status != 200:
        raise safehttp.FetchError(
            f"Crossref answered HTTP {response.status} for DOI {doi} instead of the work.",
            url=response.url,
            status=response.status,
            retryable=False,
        )
    try:
        return parse_work(response.content)
    except ValueError as exc:
        raise safehttp.FetchError(
            f"Crossref's answer for DOI {doi} could not be read: {exc}",
            url=response.url,
            retryable=False,
        ) from exc
