"""Bringing papers in: by identifier on demand, and from whatever a person pastes."""

from dataclasses import dataclass, field

from precis.lib import identifiers, ratelimit, safehttp
from precis.papers.models import Paper
from precis.papers.services import ImportReport, upsert_paper, upsert_papers

from .base import ImportProblem, PaperRecord

ARXIV_DOI_PREFIX = "10.48550/arxiv."

# Bulk adds from the web (pasted or uploaded BibTeX on the Add a paper page and a
# collection's "start from a list"). A person adds a reading list, not a library:
# bigger imports are for staff, and the largest are `manage.py import_papers`'s.
#: Per paste, for everyone but staff. Author names are counted too: @string macros
#: can make a 4 KB paste name 90,000 authors, which took 7 s to write.
MAX_PASTE_ENTRIES = 50
MAX_PASTE_BYTES = 200 * 1024
MAX_PASTE_AUTHORS = 5_000
#: Papers a person may create this way per day (UTC), all pastes together.
DAILY_PASTED_PAPERS = 200
DAY_SECONDS = 24 * 60 * 60
#: Per paste, for staff: what a web worker imports in a few seconds, far within its
#: timeout (2,000 entries with authors took 6 s on a 2-core test machine).
STAFF_MAX_PASTE_ENTRIES = 2_000
STAFF_MAX_PASTE_BYTES = 2 * 1024 * 1024
STAFF_MAX_PASTE_AUTHORS = 50_000
IMPORT_COMMAND_HINT = "ask staff to import it with manage.py import_papers"


class ImportFailed(Exception):
    """The paper could not be brought in; the message is for the person who asked."""

    status = 400  # the HTTP status a page answers with, unless retryable (503)

    def __init__(self, message: str, *, retryable: bool = False, not_found: bool = False):
        super().__init__(message)
        self.retryable = retryable
        self.not_found = not_found


class PasteTooLarge(ImportFailed):
    """A paste over the per-paste limits; the person can split it."""

    status = 413


class DailyLimitReached(ImportFailed):
    """A paste that would pass the person's daily number of added papers."""

    status = 429


@dataclass(frozen=True)
class PasteLimits:
    max_entries: int
    max_bytes: int
    max_authors: int
    daily_papers: int | None  # None: no daily cap

    def describe_bytes(self) -> str:
        return f"{self.max_bytes // 1024:,} KB"


def paste_limits(user) -> PasteLimits:
    """What one bulk add by ``user`` may hold; staff may import more, without a daily cap."""
    if getattr(user, "is_staff", False):
        return PasteLimits(
            STAFF_MAX_PASTE_ENTRIES, STAFF_MAX_PASTE_BYTES, STAFF_MAX_PASTE_AUTHORS, None
        )
    return PasteLimits(MAX_PASTE_ENTRIES, MAX_PASTE_BYTES, MAX_PASTE_AUTHORS, DAILY_PASTED_PAPERS)


def check_paste_size(size_bytes: int, *, user) -> None:
    """Raise PasteTooLarge when ``size_bytes`` is over ``user``'s per-paste limit."""
    limits = paste_limits(user)
    if size_bytes > limits.max_bytes:
        raise PasteTooLarge(
            f"Your paste has {_kilobytes(size_bytes)}; the limit is {limits.describe_bytes()} "
            f"per paste. Split it, or {IMPORT_COMMAND_HINT}."
        )


def _kilobytes(size_bytes: int) -> str:
    return f"{max(1, round(size_bytes / 1024)):,} KB"


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


def import_newer_arxiv_version(paper: Paper, value: str, *, allowed=lambda: True) -> bool:
    """Fetch ``paper`` from arXiv again when ``value`` (an arXiv id with ``vN``) names a
    version newer than any we know (someone followed a link to it) and ``allowed()``
    (a rate limit, asked only then). Whether it was imported; a failed fetch is not an
    error here (the paper page still opens).
    """
    try:
        arxiv_id, version = identifiers.split_arxiv_version(value)
    except identifiers.InvalidIdentifier:
        return False
    if not version or paper.latest_version_id is None:
        return False  # no version asked for, or none known: the harvest will bring them
    known = paper.versions.order_by("-number").values_list("number", flat=True).first() or 0
    if version <= known or not allowed():
        return False
    try:
        upsert_paper(fetch_record("arxiv", arxiv_id))
    except (ImportFailed, ValueError):
        return False
    return True


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
    trimmed: list[str] = field(default_factory=list)  # imported without an over-long part
    report: ImportReport | None = None
    encoding_note: str = ""  # "decoded as Windows-1252; check accented names"


def find_or_import(text: str, *, user, upload: bytes | None = None) -> Found:
    """Turn whatever ``user`` pasted into papers: an id or URL, BibTeX, or a title.

    ``upload`` is a BibTeX file's bytes (any encoding we can detect). BibTeX is
    held to ``paste_limits(user)``. Raises InvalidIdentifier/ImportFailed for an
    id that cannot be resolved, PasteTooLarge/DailyLimitReached over the limits.
    """
    if upload:
        return import_bibtex(upload, user=user)
    text = text.strip()
    if not text:
        raise ImportFailed(
            "Paste an arXiv id or URL, a DOI, a DBLP key, a title or a BibTeX entry."
        )
    detected = identifiers.detect(text)
    if detected:
        return Found(kind="identifier", papers=[import_by_identifier(*detected)])
    if "@" in text and "{" in text:
        return import_bibtex(text.encode("utf-8"), user=user)
    return _from_title(text)


def import_bibtex(data: bytes, *, user) -> Found:
    """Import a pasted or uploaded BibTeX file for ``user``, within ``paste_limits(user)``.

    The per-paste limits are checked before anything is written; the daily
    number of papers is reserved for every entry up front (so two pastes at
    once cannot both pass it) and given back for those that created nothing.
    """
    from .bibtex.parse import EncodingNotice, decode_bibtex, parse_bibtex

    limits = paste_limits(user)
    check_paste_size(len(data), user=user)
    decoded = decode_bibtex(data)
    items = list(parse_bibtex(decoded))
    entries = [item for item in items if not isinstance(item, EncodingNotice)]
    if len(entries) > limits.max_entries:
        raise PasteTooLarge(
            f"Your paste has {len(entries):,} entries; the limit is {limits.max_entries:,} "
            f"per paste. Split it, or {IMPORT_COMMAND_HINT}."
        )
    authors = sum(len(item.authors) for item in entries if isinstance(item, PaperRecord))
    if authors > limits.max_authors:
        raise PasteTooLarge(
            f"Your paste names {authors:,} authors; the limit is {limits.max_authors:,} "
            f"per paste. Split it, or {IMPORT_COMMAND_HINT}."
        )
    receipt = None
    if limits.daily_papers is not None and entries:
        actor = f"user:{user.pk}"
        receipt = ratelimit.take(
            "pasted_papers",
            actor,
            amount=len(entries),
            limit=limits.daily_papers,
            window_seconds=DAY_SECONDS,
        )
        if receipt is None:
            used = ratelimit.used("pasted_papers", actor, window_seconds=DAY_SECONDS)
            left = max(0, limits.daily_papers - used)
            raise DailyLimitReached(
                f"Your paste has {len(entries):,} entries, and you can add "
                f"{left:,} more papers today (at most {limits.daily_papers:,} a day this way). "
                f"Paste fewer, try again tomorrow, or {IMPORT_COMMAND_HINT}."
            )
    try:
        report = upsert_papers(entries, collect_ids=True)
    except BaseException:
        ratelimit.give_back(receipt, len(entries))
        raise
    ratelimit.give_back(receipt, len(entries) - report.created)
    ids = [pk for pk in report.paper_ids if pk]
    papers = Paper.objects.with_authors().in_bulk(ids)
    return Found(
        kind="bibtex",
        papers=[papers[pk] for pk in dict.fromkeys(ids)],
        problems=[f"{ref}: {reason}" for ref, reason in report.skipped],
        trimmed=[f"{ref}: {what}" for ref, what in report.trimmed],
        report=report,
        encoding_note=decoded.notice,
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
