"""Fetch papers from arXiv: the Atom API by id, OAI-PMH pages for bulk harvests.

All traffic goes through ``precis.lib.safehttp`` (timeouts, politeness delay of
3 s per request to export.arxiv.org, retries on 503 + Retry-After). Network
failures propagate as ``safehttp.FetchError``; answers arXiv gives about the
request itself (a malformed id, an unknown id) come back as ``ImportProblem``.
"""

from datetime import date

from precis.importers.arxiv.oai import MALFORMED_RESPONSE, OaiPage, parse_oai_page
from precis.importers.arxiv.parse import API_REF, REFUSED, parse_atom
from precis.importers.base import ImportProblem, PaperRecord
from precis.lib import safehttp
from precis.lib.identifiers import InvalidIdentifier, split_arxiv_version

API_URL = "https://export.arxiv.org/api/query"
OAI_URL = "https://export.arxiv.org/oai2"
API_HOST = "export.arxiv.org"
#: ids per API request: arXiv answers 100 quickly; longer lists risk timeouts.
IDS_PER_REQUEST = 100
ATOM_ACCEPT = "application/atom+xml"
XML_ACCEPT = "text/xml, application/xml"


def fetch_by_ids(ids: list[str]) -> list[PaperRecord | ImportProblem]:
    """The API's records for ``ids`` (any accepted arXiv form, versions kept), in chunks of 100.

    An id that is not a valid arXiv id is reported as an ``ImportProblem`` and not
    sent (arXiv would refuse the whole request over it); so is a valid id arXiv
    has no paper for. Repeats are asked for once.
    """
    results: list[PaperRecord | ImportProblem] = []
    wanted: list[str] = []
    for raw in ids:
        try:
            arxiv_id, version = split_arxiv_version(raw)
        except InvalidIdentifier as exc:
            results.append(ImportProblem(str(raw).strip(), str(exc)))
            continue
        wanted.append(arxiv_id + (f"v{version}" if version else ""))
    wanted = list(dict.fromkeys(wanted))
    for start in range(0, len(wanted), IDS_PER_REQUEST):
        results.extend(_fetch_chunk(wanted[start : start + IDS_PER_REQUEST]))
    return results


def _fetch_chunk(chunk: list[str]) -> list[PaperRecord | ImportProblem]:
    response = safehttp.get(
        API_URL,
        params={"id_list": ",".join(chunk), "max_results": len(chunk)},
        accept=ATOM_ACCEPT,
    )
    if response.status not in (200, 400):
        raise safehttp.FetchError(
            f"{API_HOST} answered {response.status} to a request for {len(chunk)} arXiv ids.",
            url=response.url,
            status=response.status,
            retryable=False,
        )
    results = list(parse_atom(response.content))
    if response.status == 400:
        return [_refusal(results, chunk)]
    if not any(isinstance(r, ImportProblem) and r.source_ref == API_REF for r in results):
        results.extend(_missing(chunk, results))
    return results


def _refusal(results, chunk: list[str]) -> ImportProblem:
    """arXiv's reason for a 400 when its error feed gives one, else a plain statement."""
    for result in results:
        if isinstance(result, ImportProblem) and result.message.startswith(REFUSED):
            return result
    asked = ", ".join(chunk) if len(chunk) <= 3 else f"{len(chunk)} ids from {chunk[0]} on"
    return ImportProblem(API_REF, f"The arXiv API refused the request for {asked} (HTTP 400).")


def _missing(chunk: list[str], results) -> list[ImportProblem]:
    """A problem for each requested id the feed has no entry for."""
    found = {r.identifiers.get("arxiv") for r in results if isinstance(r, PaperRecord)}
    return [
        ImportProblem(f"arXiv:{wanted}", "arXiv has no paper with this id.")
        for wanted in chunk
        if split_arxiv_version(wanted)[0] not in found
    ]


def list_records(
    *,
    metadata_prefix: str = "arXiv",
    set_spec: str | None = None,
    from_date: date | str | None = None,
    until_date: date | str | None = None,
    resumption_token: str | None = None,
) -> OaiPage:
    """One ListRecords page from arXiv's OAI-PMH endpoint.

    Without ``resumption_token`` this starts a harvest (``metadataPrefix`` and the
    optional ``set``, ``from``, ``until``); with one it continues it, and then only
    ``verb`` and ``resumptionToken`` are sent, as OAI-PMH requires. Follow
    ``page.resumption_token`` until it is ``None``. OAI-PMH errors come back in
    ``page.error_code`` (``noRecordsMatch`` for an empty harvest); a body that is
    not OAI-PMH at all raises ``safehttp.FetchError``.
    """
    params: dict[str, str] = {"verb": "ListRecords"}
    if resumption_token:
        params["resumptionToken"] = resumption_token
    else:
        params["metadataPrefix"] = metadata_prefix
        optional = {"set": set_spec, "from": from_date, "until": until_date}
        params.update({key: _oai_value(value) for key, value in optional.items() if value})
    response = safehttp.get(OAI_URL, params=params, accept=XML_ACCEPT)
    page = parse_oai_page(response.content)
    if page.error_code == MALFORMED_RESPONSE:
        raise safehttp.FetchError(
            f"{API_HOST} answered {response.status} without an OAI-PMH response: "
            f"{page.error_message}",
            url=response.url,
            status=response.status,
            retryable=response.status >= 500,
        )
    return page


def _oai_value(value: date | str) -> str:
    """OAI-PMH dates are ``YYYY-MM-DD`` (arXiv's granularity is a day)."""
    return value.strftime("%Y-%m-%d") if isinstance(value, date) else str(value)
