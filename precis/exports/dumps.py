"""The public data dump: everything a signed-out visitor may read, as files anyone may download.

One folder per dump under ``PUBLIC_DUMP_DIR`` (``20261130T040000Z``), holding one
gzip-compressed JSON Lines file per kind of record (``papers.jsonl.gz``,
``summaries.jsonl.gz`` …, ``redirects.jsonl.gz``) and ``manifest.json`` with each
file's rows, bytes and SHA-256, the schema version, the date and the licence.

What goes in is what a signed-out visitor is shown, by the same rules the pages
use: ``Summary.objects.listed()`` and ``as_seen_by`` for summaries, ``shown()``
and ``Comment.author_shown_to`` for comments, questions and answers, and
``visible()`` for findings and their replies. On top of
them the dump is stricter than a page in three ways, because a whole table at
once is easier to join than pages one by one:

- Writers are named only while their profile is public (``User.is_public``);
  anonymous summaries, and their writers' comments under them, name nobody.
- Where the writer is not named, times are given to the day, and an anonymous
  summary's revisions are counted, not dated: exact times are what one would
  join with the same person's named activity (in this very dump) to guess who
  wrote it. Revision rows are never named by their own ids.
- Votes appear only as each summary's and answer's totals, as pages show them.

Anonymous summaries' text is included: every visitor reads it on the summary's
page, its writer chose to publish it, and leaving it out would leave a hole in
every paper's record; only who wrote it is withheld.

Paper abstracts are left out: they are the publishers' text, not the site's to
license; the identifiers find them at arXiv, Crossref and DBLP.

Writing is streamed (``.iterator(chunk_size=…)``, one chunk of rows in memory),
into a hidden temporary folder beside the dumps that is renamed into place only
when complete, so a reader never sees a half-written dump. A file lock on the
folder lets one writer at a time run (a second one returns at once), and the
oldest dumps past ``keep`` are removed after each new one.
"""

import fcntl
import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from precis.core import generations
from precis.core.siteurl import absolute
from precis.discussions.models import Answer, Comment, Question
from precis.findings.models import Finding, FindingReply
from precis.lib.moderation import shown
from precis.lib.urls import link
from precis.papers.models import (
    Identifier,
    Paper,
    PaperAuthor,
    PaperRedirect,
    PaperVersion,
    Venue,
)
from precis.summaries.models import Revision, Summary, listed_q
from precis.summaries.presenting import as_seen_by

from .services import _time

FORMAT = "precis-public-dump"
# Bumped when a field is removed or changes meaning; adding a field keeps it.
SCHEMA_VERSION = 1
# The licence the site's terms give (templates/core/about.html, #licence); the about
# page, the /data/ page and every manifest quote this one record.
LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
ATTRIBUTION = (
    "Summaries, comments, questions and answers are by their writers on Precis, "
    "named in each record (or anonymous), under CC BY 4.0: credit the writer and link "
    "the record's url. Paper metadata (titles, authors, identifiers) are facts from "
    "arXiv, Crossref and DBLP."
)
# Rows fetched per query: one chunk (and its prefetched relations) is all that is held.
CHUNK_ROWS = 2000
# Bytes of JSON Lines gathered before one write to the compressor.
WRITE_BUFFER_BYTES = 256 * 1024
MANIFEST = "manifest.json"
NAME = re.compile(r"^\d{8}T\d{6}Z(?:-\d{1,3})?$")
FILE_NAME = re.compile(r"^[a-z_]{1,40}\.jsonl\.gz$")
LOCK_FILE = ".lock"
TEMP_PREFIX = ".partial-"

# Pages' rules for "anyone": the signed-out visitor.
VISITOR = AnonymousUser()


@dataclass(frozen=True)
class Kind:
    """One file of the dump: its rows, and what each field means (for docs and /data/)."""

    name: str
    description: str
    fields: dict[str, str]
    rows: Callable[[], Iterable[dict]] = field(repr=False)

    @property
    def file_name(self) -> str:
        return f"{self.name}.jsonl.gz"


# --------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------


def _day(value: datetime | None) -> str | None:
    return value.astimezone(UTC).date().isoformat() if value else None


def _when(value: datetime | None, *, named: bool) -> str | None:
    """Exact when the writer is named; the day otherwise (see the module's docstring)."""
    return _time(value) if named else _day(value)


def _person(user) -> dict | None:
    """A writer as the dump names them, or None: anonymous, or no public profile."""
    if user is None or not user.is_public:
        return None
    return {
        "username": user.username,
        "name": user.public_name,
        "url": absolute(user.get_absolute_url()),
    }


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    """(paper_id, …) rows by paper id, in their order."""
    found: dict[int, list[tuple]] = {}
    for paper_id, *rest in rows:
        found.setdefault(paper_id, []).append(rest)
    return found


def paper_rows() -> Iterator[dict]:
    """The biggest file by far: read as plain values, and each chunk's authors,
    identifiers and versions with one query each (model instances cost several times
    as much CPU here, at a million papers)."""
    venues = {v.pk: v for v in Venue.objects.only("id", "key", "name")}
    papers = Paper.objects.order_by("pk").values_list(
        "id", "title", "slug", "year", "published_on", "venue_id", "field", "categories",
        "keywords", "url", "pdf_url",
    )  # fmt: skip
    for chunk in _chunks(papers.iterator(chunk_size=CHUNK_ROWS), CHUNK_ROWS):
        ids = [row[0] for row in chunk]
        authors = _grouped(
            PaperAuthor.objects.filter(paper_id__in=ids)
            .order_by("paper_id", "position")
            .values_list("paper_id", "author_id", "author__name", "author__orcid")
        )
        identifiers = _grouped(
            Identifier.objects.filter(paper_id__in=ids)
            .order_by("paper_id", "scheme")
            .values_list("paper_id", "scheme", "value")
        )
        # Numbers, labels and dates only: a version's title and abstract are the publisher's.
        versions = _grouped(
            PaperVersion.objects.filter(paper_id__in=ids)
            .order_by("paper_id", "number")
            .values_list("paper_id", "number", "label", "released_on")
        )
        for pk, title, slug, year, published_on, venue_id, field_, categories, keywords, url, pdf in chunk:  # fmt: skip
            venue = venues.get(venue_id)
            yield {
                "id": pk,
                "url": absolute(link("papers:detail", pk, slug or "paper")),
                "title": title,
                "year": year,
                "published_on": published_on.isoformat() if published_on else None,
                "venue": (
                    {
                        "key": venue.key,
                        "name": venue.name,
                        # As Paper.venue_url: the venue's year when there is one.
                        "url": absolute(
                            link("papers:venue_year", venue.key, year)
                            if year
                            else venue.get_absolute_url()
                        ),
                    }
                    if venue
                    else None
                ),
                "authors": [
                    {"id": author_id, "name": name, "orcid": orcid or None}
                    for author_id, name, orcid in authors.get(pk, ())
                ],
                "identifiers": dict(identifiers.get(pk, ())),
                "field": field_,
                "categories": categories,
                "keywords": keywords,
                "links": {"page": url or None, "pdf": pdf or None},
                "versions": [
                    {
                        "number": number,
                        "label": label,
                        "released_on": released.isoformat() if released else None,
                    }
                    for number, label, released in versions.get(pk, ())
                ],
            }


# Every kind but papers is read one model instance a row, through a table of its fields
# (``_kind``). A field is read by a function of the instance and of its writer as the
# dump names them (``_person``: None when not named).
Read = Callable[[Any, dict | None], Any]


def _url(row, writer) -> str:
    return absolute(row.get_absolute_url())


def _writer(row, writer) -> dict | None:
    return writer


def _exact_or_day(attribute: str) -> Read:
    """A time to the second when the writer is named, to the day when not (``_when``)."""
    return lambda row, writer: _when(getattr(row, attribute), named=writer is not None)


def _or_null(attribute: str) -> Read:
    """An optional text as null where it is empty."""
    return lambda row, writer: getattr(row, attribute) or None


def _attribute(name: str) -> Read:
    return lambda row, writer: getattr(row, name)


def _read_rows(
    rows: Callable, writer: Callable | None, reads: list[tuple[str, Read]]
) -> Iterator[dict]:
    for row in rows().iterator(chunk_size=CHUNK_ROWS):
        named = _person(writer(row)) if writer else None
        yield {key: read(row, named) for key, read in reads}


def _kind(
    name: str, description: str, *, rows: Callable, writer=attrgetter("author"), fields: dict
) -> Kind:
    """A kind with one row per instance of the queryset ``rows()`` gives, read by its table.

    ``fields`` maps each field, in the order the file gives them, to its description
    and how it is read: an attribute's name, or a function of the instance and its
    writer as named in the dump. ``writer(instance)`` is the user a signed-out visitor
    is shown as its writer (its ``author`` unless said otherwise), or None; a kind
    written by no one has ``writer=None``.
    """
    reads = [
        (key, _attribute(read) if isinstance(read, str) else read)
        for key, (_, read) in fields.items()
    ]
    described = {key: text for key, (text, _) in fields.items()}
    return Kind(name, description, described, partial(_read_rows, rows, writer, reads))


def _summaries():
    revisions = Prefetch(
        "revisions",
        queryset=Revision.objects.order_by("number").only(
            "id", "summary_id", "number", "created_at"
        ),
        to_attr="revision_list",  # a plain list: two fields read it
    )
    return (
        Summary.objects.listed()
        .select_related("author")
        .defer("html", "excerpt_html", "description")
        .annotate(version_label=F("paper_version__label"))
        .prefetch_related(revisions)
        .order_by("pk")
    )


def _revision_dates(summary, writer) -> list[dict] | None:
    if writer is None:
        return None
    return [{"number": r.number, "created_at": _time(r.created_at)} for r in summary.revision_list]


def _comments():
    return (
        Comment.objects.shown()
        .filter(listed_q("summary__"))
        # What author_shown_to reads, and nothing of the summary's text.
        .select_related("author", "summary__author")
        .defer(
            "html",
            "summary__source",
            "summary__html",
            "summary__excerpt_html",
            "summary__description",
        )
        .annotate(version_label=F("paper_version__label"))
        .order_by("pk")
    )


def _questions():
    return (
        Question.objects.shown()
        .select_related("author")
        .defer("html")
        .annotate(
            accepted_shown=F("accepted_answer__moderation"),
            accepted_deleted=F("accepted_answer__deleted_at"),
            version_label=F("paper_version__label"),
        )
        .order_by("pk")
    )


def _accepted_answer_id(question, writer) -> int | None:
    """The accepted answer, while it is shown (null when there is none)."""
    still_shown = question.accepted_deleted is None and question.accepted_shown == "ok"
    return question.accepted_answer_id if still_shown else None


def _answers():
    return (
        Answer.objects.shown()
        .filter(shown("question__"), question__deleted_at__isnull=True)
        .select_related("author")
        .defer("html")
        .annotate(
            accepted_id=F("question__accepted_answer_id"),
            version_label=F("paper_version__label"),
        )
        .order_by("pk")
    )


def _findings():
    return Finding.objects.visible().select_related("author").defer("html").order_by("pk")


def _finding_replies():
    return (
        FindingReply.objects.visible()
        .filter(shown("finding__"), finding__deleted_at__isnull=True)
        .select_related("author")
        .defer("html")
        .order_by("pk")
    )


def _redirects():
    return PaperRedirect.objects.order_by("old_id")


WRITER = (
    "{username, name, url} of the writer, or null when anonymous or without a public "
    "profile (times are then given to the day)"
)
VERSION = "the paper's version it was written against (v2, a date), or null"
KINDS: list[Kind] = [
    Kind(
        "papers",
        "Every paper the site knows, with its identifiers, venue and authors (no abstracts).",
        {
            "id": "the paper's id, as in its URL",
            "url": "its page",
            "title": "title",
            "year": "year of publication, or null",
            "published_on": "date first published (YYYY-MM-DD), or null",
            "venue": "{key, name, url} or null",
            "authors": "[{id, name, orcid}] in paper order",
            "identifiers": "{scheme: value}: arxiv, doi, dblp, bibtex (ShortScience key)",
            "field": "field of research (cs, math, physics …)",
            "categories": "arXiv categories",
            "keywords": "keywords",
            "links": "{page, pdf}: the paper elsewhere, or nulls",
            "versions": "[{number, label, released_on}]: arXiv's v1, v2 … or dated DOI records",
        },
        paper_rows,
    ),
    _kind(
        "summaries",
        "Public summaries, with vote totals and revision dates.",
        rows=_summaries,
        writer=lambda summary: as_seen_by(summary, VISITOR).author,
        fields={
            "id": ("the summary's id, as in its permalink", "pk"),
            "url": ("its permalink", _url),
            "paper_id": ("papers.id", "paper_id"),
            "author": (WRITER, _writer),
            "anonymous": ("published anonymously", "anonymous"),
            "source": ("the text: Markdown with $…$ LaTeX math", "source"),
            "paper_version": (VERSION, "version_label"),
            "published_at": ("first published (ISO 8601, UTC)", _exact_or_day("published_at")),
            "revision_count": (
                "how many times it was saved",
                lambda summary, writer: len(summary.revision_list),
            ),
            "revisions": (
                "[{number, created_at}], or null when the writer is not named",
                _revision_dates,
            ),
            "upvotes": ("votes up", "upvotes"),
            "downvotes": ("votes down", "downvotes"),
            "score": ("upvotes − downvotes", "score"),
        },
    ),
    _kind(
        "comments",
        "Comments on public summaries (threaded by parent_id).",
        rows=_comments,
        writer=lambda comment: comment.author_shown_to(VISITOR),
        fields={
            "id": ("the comment's id", "pk"),
            "url": ("its place on the summary's page", _url),
            "summary_id": ("summaries.id", "summary_id"),
            "parent_id": (
                "the comment replied to (perhaps deleted, so absent), or null",
                "parent_id",
            ),
            "author": (WRITER, _writer),
            "source": ("the text (Markdown)", "source"),
            "paper_version": (VERSION, "version_label"),
            "created_at": ("when written", _exact_or_day("created_at")),
            "edited_at": ("last edited, or null", _exact_or_day("edited_at")),
        },
    ),
    _kind(
        "questions",
        "Questions asked about papers.",
        rows=_questions,
        fields={
            "id": ("the question's id, as in its URL", "pk"),
            "url": ("its page", _url),
            "paper_id": ("papers.id", "paper_id"),
            "author": (WRITER, _writer),
            "title": ("the question", "title"),
            "source": ("more detail (Markdown), perhaps empty", "source"),
            "paper_version": (VERSION, "version_label"),
            "created_at": ("when asked", _exact_or_day("created_at")),
            "accepted_answer_id": (
                "answers.id of the accepted answer, or null",
                _accepted_answer_id,
            ),
        },
    ),
    _kind(
        "answers",
        "Answers to those questions, with vote totals.",
        rows=_answers,
        fields={
            "id": ("the answer's id", "pk"),
            "url": ("its place on the question's page", _url),
            "question_id": ("questions.id", "question_id"),
            "author": (WRITER, _writer),
            "source": ("the text (Markdown)", "source"),
            "paper_version": (VERSION, "version_label"),
            "created_at": ("when written", _exact_or_day("created_at")),
            "accepted": (
                "the asker accepted it",
                lambda answer, writer: answer.accepted_id == answer.pk,
            ),
            "upvotes": ("votes up", "upvotes"),
            "downvotes": ("votes down", "downvotes"),
            "score": ("upvotes − downvotes", "score"),
        },
    ),
    _kind(
        "findings",
        "Findings about papers: errata, reproductions, citations, code and data links.",
        rows=_findings,
        fields={
            "id": ("the finding's id, as in its URL", "pk"),
            "url": ("its page", _url),
            "paper_id": ("papers.id", "paper_id"),
            "author": (WRITER, _writer),
            "kind": (
                "erratum, failed_reproduction, reproduction, citation, code_data or other",
                "kind",
            ),
            "status": ("open, confirmed, disputed, resolved or withdrawn", "status"),
            "title": ("what was found, in a line", "title"),
            "paper_version": (
                "the version of the paper it concerns (v2, a date), or null",
                _or_null("paper_version"),
            ),
            "source": ("the evidence (Markdown with math)", "source"),
            "link_url": ("the code or data link, or null", _or_null("link_url")),
            "created_at": ("when reported", _exact_or_day("created_at")),
            "status_changed_at": (
                "when its status last changed, or null",
                _exact_or_day("status_changed_at"),
            ),
        },
    ),
    _kind(
        "finding_replies",
        "Replies under findings, marked when by a verified author of the paper.",
        rows=_finding_replies,
        fields={
            "id": ("the reply's id", "pk"),
            "url": ("its place on the finding's page", _url),
            "finding_id": ("findings.id", "finding_id"),
            "author": (WRITER, _writer),
            "by_paper_author": (
                "written by a verified author of the paper",
                "by_paper_author",
            ),
            "source": ("the text (Markdown)", "source"),
            "created_at": ("when written", _exact_or_day("created_at")),
        },
    ),
    _kind(
        "redirects",
        "Papers merged into others: old ids and URLs that now lead to paper_id.",
        rows=_redirects,
        writer=None,
        fields={
            "old_id": ("the merged paper's former id", "old_id"),
            "old_url": (
                "a former URL, which redirects",
                lambda redirect, writer: absolute(link("papers:detail", redirect.old_id, "paper")),
            ),
            "paper_id": ("papers.id it was merged into", "paper_id"),
        },
    ),
]


def kinds() -> list[Kind]:
    return KINDS


# --------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------

# Valid inside JSON strings, but line breaks to Python's str.splitlines() and to
# JavaScript before ES2019: escaped so that every reader sees one record per line.
_LINE_BREAKERS = re.compile("[\x85\u2028\u2029]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_line(row: dict) -> bytes:
    """One record as a line of UTF-8 JSON, whatever its strings hold.

    Control characters are escaped by ``json.dumps``; lone surrogates (which no
    UTF-8 can carry) become U+FFFD.
    """
    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    if _LINE_BREAKERS.search(text):
        text = _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    try:
        return text.encode() + b"\n"
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text).encode() + b"\n"


class _Tally:
    """A binary file wrapper counting and hashing the bytes written through it."""

    def __init__(self, raw):
        self.raw = raw
        self.bytes = 0
        self.sha256 = hashlib.sha256()

    def write(self, data) -> int:
        self.raw.write(data)
        self.sha256.update(data)
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()


def write_file(path: Path, rows: Iterable[dict]) -> dict:
    """``rows`` as gzip-compressed JSON Lines at ``path``; its rows, bytes and SHA-256."""
    count = 0
    with path.open("wb") as raw:
        tally = _Tally(raw)
        # mtime 0 and no file name in the header: the same rows give the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=tally, compresslevel=6, mtime=0) as out:
            buffer, size = [], 0
            for row in rows:
                line = json_line(row)
                buffer.append(line)
                size += len(line)
                count += 1
                if size >= WRITE_BUFFER_BYTES:
                    out.write(b"".join(buffer))
                    buffer, size = [], 0
            out.write(b"".join(buffer))
        raw.flush()
        os.fsync(raw.fileno())
    return {"rows": count, "bytes": tally.bytes, "sha256": tally.sha256.hexdigest()}


# --------------------------------------------------------------------------
# Dumps on disk
# --------------------------------------------------------------------------


class DumpBusy(RuntimeError):
    """Another process is writing a dump into the same folder right now."""


@contextmanager
def _exclusive(root: Path):
    """Hold the folder's lock, or raise DumpBusy. The kernel drops it if the process dies,
    so a killed run never leaves the folder locked."""
    with (root / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise DumpBusy(f"A dump is being written into {root} already.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _snapshot():
    """Every file read from one snapshot of the database where it can give one.

    PostgreSQL: one REPEATABLE READ transaction, so that a comment's summary is in
    the dump that has the comment. SQLite: autocommit (a transaction there is a write
    lock held for the whole dump); each row is still checked as it is read. And on
    SQLite, text that is not valid UTF-8 (a lone surrogate written by another tool)
    is read with U+FFFD in its place instead of stopping the dump.
    """
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:  # a caller's transaction (the tests') is the snapshot
            yield
            return
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.text_factory
    raw.text_factory = lambda data: data.decode("utf-8", "replace")
    try:
        yield
    finally:
        raw.text_factory = before


def _unique_name(root: Path, now: datetime) -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = stamp, 1
    while (root / name).exists():  # a second dump within the same second
        n += 1
        name = f"{stamp}-{n}"
    return name


def write_dump(root: Path, *, keep: int, progress: Callable[[str, dict], None] | None = None):
    """Write a complete dump into a new folder under ``root``; remove all but the newest
    ``keep``; return the new folder. Raises DumpBusy while another writer holds ``root``.

    Idempotent in effect: running it again writes the site's data as it is then.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with _exclusive(root):
        _remove_partial(root)
        started = timezone.now()
        partial = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
        try:
            files = []
            with _snapshot():
                for kind in kinds():
                    stats = write_file(partial / kind.file_name, kind.rows())
                    files.append(
                        {
                            "name": kind.file_name,
                            "kind": kind.name,
                            **stats,
                            "description": kind.description,
                            "fields": kind.fields,
                        }
                    )
                    if progress:
                        progress(kind.name, stats)
            manifest = {
                "format": FORMAT,
                "schema_version": SCHEMA_VERSION,
                "generated_at": _time(started),
                "site": absolute("/"),
                "licence": LICENCE,
                "attribution": ATTRIBUTION,
                "files": files,
            }
            with (partial / MANIFEST).open("w", encoding="utf-8") as out:
                json.dump(manifest, out, ensure_ascii=False, indent=2)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            # mkdtemp makes it private to this user; the files are for everyone.
            partial.chmod(0o755)
            final = root / _unique_name(root, started)
            # Atomic on one file system: readers see no folder, then a complete one.
            partial.rename(final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        prune(root, keep=keep)
    # Cached /data/ pages list the dump before; this makes them stale.
    generations.advance()
    return final


def _remove_partial(root: Path) -> None:
    """Folders left by a run that died (the lock is ours, so no live run owns them)."""
    for path in root.glob(f"{TEMP_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)


def complete_dumps(root: Path) -> list[Path]:
    """Finished dumps under ``root``, newest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if NAME.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: _sort_key(p.name), reverse=True)


def _sort_key(name: str) -> tuple[str, int]:
    stamp, _, n = name.partition("-")
    return stamp, int(n or 1)


def prune(root: Path, *, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` dumps (at least one is always kept).

    A reader halfway through downloading a removed file still gets all of it: an
    open file outlives its name.
    """
    removed = complete_dumps(root)[max(keep, 1) :]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


@dataclass(frozen=True)
class Dump:
    name: str
    path: Path
    manifest: dict

    @property
    def generated_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["generated_at"])

    @property
    def files(self) -> list[dict]:
        return self.manifest["files"]

    @property
    def total_bytes(self) -> int:
        return sum(f["bytes"] for f in self.files)

    def file_names(self) -> set[str]:
        return {f["name"] for f in self.files} | {MANIFEST}


def read_dump(path: Path) -> Dump | None:
    """The dump in ``path``, or None if its manifest is missing or unreadable."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
            return None
        return Dump(name=path.name, path=path, manifest=manifest)
    except (OSError, ValueError):
        return None


def latest(root: Path) -> Dump | None:
    """The newest complete dump under ``root``, or None when there is none yet."""
    for path in complete_dumps(root):
        dump = read_dump(path)
        if dump is not None:
            return dump
    return None


def find_file(root: Path, name: str, file_name: str) -> Path | None:
    """The path of ``file_name`` in dump ``name``, if both exist and the manifest lists it.

    Names come from URLs: only those that match the dump's own patterns are looked up,
    so no path outside ``root`` can be reached.
    """
    if not NAME.match(name) or not (file_name == MANIFEST or FILE_NAME.match(file_name)):
        return None
    dump = read_dump(Path(root) / name)
    if dump is None or file_name not in dump.file_names():
        return None
    return dump.path / file_name
