"""Bringing papers in: by identifier on demand, and from whatever a person pastes."""

from dataclasses import dataclass, field

from precis.lib import identifiers, safehttp
from precis.papers.models import Paper
from precis.papers.services import ImportReport, upsert_paper, upsert_papers

from .base import ImportProblem, PaperRecord

ARXIV_DOI_PREFIX = "10.48550/arxiv."
MAX_PASTE_BYTES = 2 * 1024 * 1024


class ImportFailed(Exception):
    """The paper could not be brought in; the message is for the person who asked."""

    def __init__(self, message: str, *, retryable: bool = False, not_found: bool = False):
        super().__init__(message)
        self.retryable = retryable
        self.not_found = not_found


def import_by_identifier(scheme: str, value: str) -> Paper:
    """The paper with this id, fetched from its source and stored when not known yet.

    Raises InvalidIdentifier for a malformed id and ImportFailed when the source
    does not know the paper or cannot be reached.
    """
    normalized = identifiers.normalize(scheme, value)
    existing = Paper.objects.by_identifier(scheme, normalized).first()
    if existing:
        return existing
    record = fetch_record(scheme, normalized)
    paper, _ = upsert_paper(record)
    return paper


def fetch_record(scheme: str, normalized: str) -> PaperRecord:
    """One record from the source that owns this kind of id."""
    try:
        if scheme == "arxiv":
            return _from_arxiv(normalized)
        if scheme == "doi":
            if normalized.startswith(ARXIV_DOI_PREFIX):
                return _from_arxiv(identifiers.normalize_arxiv(normalized[len(ARXIV_DOI_PREFIX) :]))
            from .crossref.client import fetch_work

            return fetch_work(normalized)
        if scheme == "dblp":
            from .dblp.client import fetch_record as fetch_dblp

            return fetch_dblp(normalized)
        if scheme == "bibtex":
            return _from_legacy_key(normalized)
    except LookupError as exc:
        raise ImportFailed(str(exc), not_found=True) from exc
    except safehttp.FetchError as exc:
        raise ImportFailed(str(exc), retryable=exc.retryable) from exc
    raise ImportFailed(f"Papers cannot be imported by {scheme} identifiers.")


def _from_arxiv(arxiv_id: str) -> PaperRecord:
    from .arxiv.client import fetch_by_ids

    results = fetch_by_ids([arxiv_id])
    records = [item for item in results if isinstance(item, PaperRecord)]
    if records:
        return records[0]
    problems = [str(item) for item in results if isinstance(item, ImportProblem)]
    detail = f" ({problems[0]})" if problems else ""
    raise LookupError(f"arXiv has no paper with the id {arxiv_id}{detail}.")


def _from_legacy_key(key: str) -> PaperRecord:
    """Original-site keys were DBLP keys or arXiv ids; anything else we cannot look up."""
    for scheme in ("dblp", "arxiv"):
        try:
            normalized = identifiers.normalize(scheme, key)
        except identifiers.InvalidIdentifier:
            continue
        return fetch_record(scheme, normalized)
    raise LookupError(
        f"“{key}” is neither a DBLP key nor an arXiv id, so we cannot look it up. "
        "Try the paper's arXiv id, DOI or title on the “Add a paper” page."
    )


@dataclass
class Found:
    """What a pasted text turned into, for the "add a paper" page."""

    kind: str  # "identifier", "bibtex", "title"
    papers: list[Paper] = field(default_factory=list)
    candidates: list[PaperRecord] = field(default_factory=list)  # search hits not stored yet
    problems: list[str] = field(default_factory=list)
    report: ImportReport | None = None
    encoding_note: str = ""


def find_or_import(text: str, *, upload: bytes | None = None) -> Found:
    """Turn whatever a person pasted into papers: an id or URL, BibTeX, or a title.

    ``upload`` is a BibTeX file's bytes (any encoding we can detect). Raises
    InvalidIdentifier/ImportFailed for an id that cannot be resolved.
    """
    if upload:
        return _from_bibtex(upload)
    text = text.strip()
    if not text:
        raise ImportFailed(
            "Paste an arXiv id or URL, a DOI, a DBLP key, a title or a BibTeX entry."
        )
    detected = identifiers.detect(text)
    if detected:
        return Found(kind="identifier", papers=[import_by_identifier(*detected)])
    if "@" in text and "{" in text:
        return _from_bibtex(text.encode("utf-8"))
    return _from_title(text)


def _from_bibtex(data: bytes) -> Found:
    from .bibtex.parse import decode_bibtex, parse_bibtex

    if len(data) > MAX_PASTE_BYTES:
        raise ImportFailed(
            f"That is more BibTeX than we take at once ({MAX_PASTE_BYTES // 1024 // 1024} MB); "
            "an operator can import large files with manage.py import_papers."
        )
    _, encoding = decode_bibtex(data)
    items = list(parse_bibtex(data))
    report = upsert_papers(items, collect_ids=True)
    ids = [pk for pk in report.paper_ids if pk]
    papers = Paper.objects.with_authors().in_bulk(ids)
    return Found(
        kind="bibtex",
        papers=[papers[pk] for pk in dict.fromkeys(ids)],
        problems=[f"{ref}: {reason}" for ref, reason in report.skipped],
        report=report,
        encoding_note="" if encoding.lower().startswith("utf") else encoding,
    )


def _from_title(text: str) -> Found:
    if len(text) > 500:
        raise ImportFailed("That does not look like an identifier, a title or a BibTeX entry.")
    from precis.importers.names import title_key

    local = list(Paper.objects.with_authors().filter(title_key=title_key(text))[:10])
    if not local:
        local = list(Paper.objects.with_authors().filter(title__icontains=text)[:10])
    candidates: list[PaperRecord] = []
    problems: list[str] = []
    try:
        from .dblp.client import search

        known = {p.identifier("dblp") for p in local}
        candidates = [r for r in search(text, limit=10) if r.identifiers.get("dblp") not in known]
    except safehttp.FetchError as exc:
        problems.append(f"DBLP search is unavailable right now: {exc}")
    return Found(kind="title", papers=local, candidates=candidates, problems=problems)
