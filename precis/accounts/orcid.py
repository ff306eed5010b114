"""Read a person's works from the ORCID public API (v3.0) into ``PaperRecord``s.

Two inputs: the ``/v3.0/{orcid}/works`` summary list (``{"group": [{"work-summary":
[...]}]}``, one group per work, one summary per source that reported it) and a
single full ``work`` (``/v3.0/{orcid}/work/{put-code}``). Any part of a date and
most fields may be ``null``. Summaries carry no contributors; full works may.

Only external ids whose relationship is ``self`` name the work itself: ``part-of``
is the container (a book's DOI for a chapter, a journal's ISSN) and ``version-of``
another version, so taking those would merge different papers.
"""

import json
from datetime import date

from precis.importers.base import AuthorName, PaperRecord
from precis.importers.names import normalize_name, normalize_orcid
from precis.lib import safehttp
from precis.lib.identifiers import InvalidIdentifier, normalize_arxiv, normalize_doi

__all__ = ["fetch_works", "parse_works", "works_url"]

SOURCE = "orcid"
API_ROOT = "https://pub.orcid.org/v3.0"
# ORCID's external-id types that are Precis identifier schemes, with their normaliser.
ID_TYPES = {"doi": ("doi", normalize_doi), "arxiv": ("arxiv", normalize_arxiv)}
# ORCID work types in the words PaperRecord.doc_type uses; others kept as they are.
DOC_TYPES = {
    "journal-article": "article",
    "conference-paper": "inproceedings",
    "preprint": "preprint",
    "book": "book",
    "book-chapter": "incollection",
    "dissertation": "phdthesis",
    "dissertation-thesis": "phdthesis",
    "report": "techreport",
}
# Contributor roles that do not make someone an author of the work.
NOT_AUTHORS = {"editor", "chair-or-translator"}


def works_url(orcid: str) -> str:
    return f"{API_ROOT}/{orcid}/works"


def fetch_works(orcid: str) -> list[PaperRecord]:
    """The person's public works; raises ``safehttp.FetchError`` when ORCID cannot be read."""
    response = safehttp.get(works_url(orcid), accept="application/json")
    if response.status == 404:
        raise safehttp.FetchError(
            f"ORCID has no record {orcid}.", url=response.url, status=404, retryable=False
        )
    if response.status != 200:
        raise safehttp.FetchError(
            f"ORCID answered {response.status} for {orcid}.",
            url=response.url,
            status=response.status,
        )
    try:
        return parse_works(response.content)
    except ValueError as exc:
        raise safehttp.FetchError(
            f"ORCID sent something unreadable: {exc}", url=response.url
        ) from exc


def parse_works(data: bytes | str | dict) -> list[PaperRecord]:
    """Records from a works summary list or from one full work; works without a title are left out.

    Raises ValueError when ``data`` is not JSON or is neither shape.
    """
    if isinstance(data, bytes | str):
        data = json.loads(data)  # json.JSONDecodeError is a ValueError
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    if "group" in data:
        works = [_from_group(group) for group in data.get("group") or []]
    elif "title" in data:
        works = [_from_work(data, extra_ids={})]
    else:
        raise ValueError("neither an ORCID works list nor a work")
    return [work for work in works if work is not None and work.title]


def _from_group(group: dict) -> PaperRecord | None:
    summaries = [s for s in group.get("work-summary") or [] if isinstance(s, dict)]
    if not summaries:
        return None
    # ORCID lists the summary the person marked preferred (highest display-index) first.
    # The other sources' summaries are the same work, so their ids all belong to it.
    extra_ids: dict[str, str] = {}
    for summary in [group, *summaries[1:]]:
        for scheme, value in _identifiers(summary).items():
            extra_ids.setdefault(scheme, value)
    return _from_work(summaries[0], extra_ids=extra_ids)


def _from_work(work: dict, *, extra_ids: dict[str, str]) -> PaperRecord:
    identifiers = {**extra_ids, **_identifiers(work)}
    year, published_on = _date(work.get("publication-date"))
    put_code = work.get("put-code")
    return PaperRecord(
        title=_text(_value((work.get("title") or {}).get("title"))),
        authors=_contributors(work.get("contributors")),
        year=year,
        published_on=published_on,
        venue_name=_text(_value(work.get("journal-title"))),
        url=_text(_value(work.get("url"))),
        identifiers=identifiers,
        source=SOURCE,
        source_ref=work.get("path") or (f"put-code {put_code}" if put_code else ""),
        doc_type=DOC_TYPES.get(work.get("type") or "", work.get("type") or ""),
    )


def _value(node) -> str:
    """ORCID wraps most strings as ``{"value": "…"}``; the wrapper itself may be null."""
    if isinstance(node, dict):
        node = node.get("value")
    return node if isinstance(node, str) else ""


def _text(value: str) -> str:
    return " ".join(value.split())


def _identifiers(work: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in (work.get("external-ids") or {}).get("external-id") or []:
        kind = (item.get("external-id-type") or "").lower()
        relationship = (item.get("external-id-relationship") or "self").lower()
        if kind not in ID_TYPES or relationship != "self" or kind in found:
            continue
        scheme, normalise = ID_TYPES[kind]
        try:
            found[scheme] = normalise(_text(item.get("external-id-value") or ""))
        except InvalidIdentifier:
            continue  # ORCID accepts free text here ("work:doi" in its own sample)
    return found


def _date(node) -> tuple[int | None, date | None]:
    node = node or {}
    parts = []
    for key in ("year", "month", "day"):
        try:
            parts.append(int(_value(node.get(key))))
        except ValueError:
            parts.append(None)
    year, month, day = parts
    if year is None:
        return None, None
    published_on = None
    if month and day:
        try:
            published_on = date(year, month, day)
        except ValueError:
            published_on = None
    return year, published_on


def _contributors(node) -> list[AuthorName]:
    authors = []
    for item in (node or {}).get("contributor") or []:
        role = (item.get("contributor-attributes") or {}).get("contributor-role") or "author"
        name = normalize_name(_value(item.get("credit-name")))
        if not name or role.lower() in NOT_AUTHORS:
            continue
        orcid = normalize_orcid((item.get("contributor-orcid") or {}).get("path") or "")
        authors.append(AuthorName(name, orcid))
    return authors
