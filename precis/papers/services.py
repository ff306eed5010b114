"""Write paths for papers and venues: the one upsert path every importer uses, and merging."""

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Lookup
from django.utils import timezone

from precis.core import generations
from precis.importers import names
from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.importers.venues import BY_KEY as KNOWN_VENUES
from precis.importers.venues import unknown_venue, venue_key_for
from precis.lib import identifiers
from precis.lib.text import clean_text

from .bulk import RowBuilder, equals_any, insert_rows, prepare_for_bulk_writes, reserve_ids
from .models import Author, Identifier, Paper, PaperAuthor, PaperRedirect, Venue
from .topics import write_topics
from .versions import absorb_versions, record_versions

__all__ = [
    "BoundedRecord", "ImportReport", "PaperRecord", "bounded_items", "is_same_paper",
    "upsert_paper", "upsert_papers",
]  # fmt: skip

# Sources whose venue and year describe a preprint; a published venue wins over them.
PREPRINT_SOURCES = {"arxiv", "arxiv-oai"}
UPDATABLE_FIELDS = [
    "title", "abstract", "year", "published_on", "venue", "url", "pdf_url", "keywords",
    "categories", "field", "slug", "title_key", "first_author_key", "source",
]  # fmt: skip


PAPER_ROWS = RowBuilder(Paper)
# Compared by attribute name, so reading the venue does not load the Venue row.
COMPARED_ATTRIBUTES = [Paper._meta.get_field(name).attname for name in UPDATABLE_FIELDS]
# What _BatchWriter._apply may change: a record changed a paper when one of these did.
APPLIED_ATTRIBUTES = [
    "title", "abstract", "year", "published_on", "venue_id", "url", "pdf_url", "keywords",
    "categories", "source", "first_author_key",
]  # fmt: skip

# -- what one paper may hold --------------------------------------------------------
# Applied to every record on the way in, whoever sent it (import_papers, the Add a
# paper page, ORCID claims, exports' re-import). A title longer than its column is
# refused, not cut: a cut title is a wrong title, and would match nothing on the
# next import. Everything else is trimmed with a note in the report: the paper is
# still worth having without the 30,000th character of its abstract.
MAX_TITLE_CHARS = Paper._meta.get_field("title").max_length  # 500
MAX_ABSTRACT_CHARS = 20_000
MAX_AUTHOR_NAME_CHARS = Author._meta.get_field("name").max_length  # 200; longer ones dropped
MAX_AUTHORS = 5_000  # the largest collaborations sign about 5,000; positions are smallints
MAX_KEYWORDS = 50
MAX_KEYWORD_CHARS = 100  # longer ones dropped
MAX_CATEGORIES = 20
MAX_CATEGORY_CHARS = 40  # longer ones dropped
MAX_URL_CHARS = Paper._meta.get_field("url").max_length  # 500; longer or non-http URLs dropped
MAX_IDENTIFIER_CHARS = Identifier._meta.get_field("value").max_length  # 255; longer ones dropped
MIN_YEAR, MAX_YEAR = 1, 9999  # what a date can hold; anything else is no year

# Line breaks and tabs in one-line fields (titles, names, keywords…) become spaces.
LINE_BREAKS = re.compile(r"[\t\n]")
SPACES = re.compile(r" {2,}")
VENUE_KEY = re.compile(r"[-a-z0-9_]{1,40}")  # what Venue.key and /venues/<key>/ take

# -- matching -----------------------------------------------------------------------
#: Title keys shorter than this ("preface", "editorial") say too little to match on.
MIN_TITLE_KEY_CHARS = 12
#: Years a record and a paper may differ by and still be one work (preprint, then print).
YEAR_TOLERANCE = 1


def is_same_paper(*, title_key: str, first_author_key: str, year: int | None, paper) -> bool:
    """Whether a record that shares no identifier with ``paper`` describes it anyway.

    The one rule for matching on titles, used against stored papers and papers
    new in the same batch alike: the same title key (at least
    ``MIN_TITLE_KEY_CHARS`` long), the same first author's family name (or one
    side has none), and years at most ``YEAR_TOLERANCE`` apart (or one side has
    none). Two editions of a reference work six years apart are two papers.
    ``paper`` needs ``title_key``, ``first_author_key`` and ``year``.
    """
    if len(title_key) < MIN_TITLE_KEY_CHARS or title_key != paper.title_key:
        return False
    same_author = (
        not first_author_key
        or not paper.first_author_key
        or first_author_key == paper.first_author_key
    )
    close_year = not year or not paper.year or abs(year - paper.year) <= YEAR_TOLERANCE
    return same_author and close_year


@dataclass
class ImportReport:
    """What an import did. ``skipped`` holds (item, reason) pairs a person can act on;
    ``trimmed`` (item, what) pairs for records imported without some over-long part."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # records that matched an existing paper by another id or by title
    skipped: list[tuple[str, str]] = field(default_factory=list)
    trimmed: list[tuple[str, str]] = field(default_factory=list)
    paper_ids: list[int | None] = field(default_factory=list)  # per record, when asked for

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.skipped)

    def add(self, other: "ImportReport") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.merged += other.merged
        self.skipped += other.skipped
        self.trimmed += other.trimmed
        self.paper_ids += other.paper_ids

    def summary(self) -> str:
        trimmed = f", {len(self.trimmed)} trimmed" if self.trimmed else ""
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.merged} merged with papers known by another id, {len(self.skipped)} skipped"
            f"{trimmed}"
        )


def find_paper_by_citation_key(key: str) -> Paper | None:
    """The paper a ``\\cite{key}`` or original-site ``bibtexKey`` means, or None.

    Original-site keys were mostly DBLP keys or arXiv ids, so those schemes are
    tried after the stored BibTeX keys.
    """
    for scheme in ("bibtex", "dblp", "arxiv"):
        try:
            normalized = identifiers.normalize(scheme, key)
        except identifiers.InvalidIdentifier:
            continue
        paper = Paper.objects.by_identifier(scheme, normalized).first()
        if paper:
            return paper
    return None


def citation_title(key: str) -> str | None:
    """The title to show for ``\\cite{key}``, when the paper is known."""
    paper = find_paper_by_citation_key(key)
    return paper.title if paper else None


def upsert_paper(record: PaperRecord) -> tuple[Paper, bool]:
    """Write one record; returns (paper, created). Raises ValueError for an unusable record."""
    report = upsert_papers([record], collect_ids=True)
    if report.skipped:
        raise ValueError(report.skipped[0][1])
    paper = Paper.objects.get(pk=report.paper_ids[0])
    return paper, report.created == 1


def upsert_papers(
    items: Iterable["PaperRecord | ImportProblem | BoundedRecord"],
    *,
    batch_size: int = 1000,
    collect_ids: bool = False,
    on_batch: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Write records in batches; idempotent (the same records twice change nothing).

    A record matches an existing paper when they share any identifier, or else
    by ``is_same_paper`` (title, first author's family name and year ±1); it then
    fills what the paper lacks and adds its identifiers. Records are matched in
    order against stored papers and those earlier records created, by the same
    rules, so the result does not depend on ``batch_size``. Each record is first
    held to the limits above (``MAX_TITLE_CHARS``…): over-long titles are
    skipped, other over-long parts trimmed and listed in ``report.trimmed``.
    A ``BoundedRecord`` (from ``bounded_items``) was held to them already
    and is taken as it is. Problems from the parser are reported as skipped.
    ``on_batch`` gets each batch's report after its commit.
    """
    total = ImportReport()
    batch: list[PaperRecord | ImportProblem] = []
    writer = _BatchWriter()
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            total.add(_write(writer, batch, collect_ids, on_batch))
            batch = []
    if batch:
        total.add(_write(writer, batch, collect_ids, on_batch))
    return total


def _write(writer, batch, collect_ids, on_batch) -> ImportReport:
    from precis.search.services import index_papers_soon

    prepare_for_bulk_writes()
    with transaction.atomic():
        report = writer.write(batch)
        index_papers_soon([pk for pk in report.paper_ids if pk])
        # Bulk rows send no model signals, and an import may run inside a GET
        # (/arxiv/<id>) or a command: cached pages must still see the new papers.
        transaction.on_commit(generations.advance)
    if not collect_ids:
        report.paper_ids = []
    if on_batch:
        on_batch(report)
    return report


# -- holding records to the limits ---------------------------------------------------


class BoundedRecord(NamedTuple):
    """A record ``bounded_record`` has already cleaned and held to the limits, and its
    notes: ``upsert_papers`` writes it without bounding it again.

    Made by ``bounded_items``, so bounding can run in the parser process
    (``importers.pipeline``) while this one writes; any other record is
    bounded by the writer. A tuple, so it crosses processes cheaply.
    """

    record: PaperRecord
    notes: tuple[str, ...] = ()


def bounded_items(
    items: Iterable[PaperRecord | ImportProblem],
) -> Iterator[PaperRecord | ImportProblem | BoundedRecord]:
    """``items`` with every record bounded (``bounded_record``), as ``upsert_papers`` would:
    a ``BoundedRecord``, or an ``ImportProblem`` saying why it cannot be used. Problems
    and deleted records pass as they are."""
    for item in items:
        if isinstance(item, PaperRecord) and not item.deleted:
            bounded = bounded_record(item)
            if isinstance(bounded, str):
                yield ImportProblem(_reference(item), bounded)
            else:
                yield BoundedRecord(bounded[0], tuple(bounded[1]))
        else:
            yield item


def _reference(record: PaperRecord) -> str:
    """How the report names a record: where it was in the input, else its title."""
    return record.source_ref or _one_line(record.title)[:60]


def bounded_record(record: PaperRecord) -> tuple[PaperRecord, list[str]] | str:
    """``record`` cleaned and held to the limits, with what was trimmed; or why it cannot be used.

    Every text goes through ``lib.text.clean_text`` (control characters, bidi
    overrides… dropped), one-line fields lose their line breaks, and over-long
    parts are trimmed or dropped (each said in a note). A record that needed
    none of it comes back as it is, anything else as a copy. The reason to
    skip it instead: no title, or a title over ``MAX_TITLE_CHARS``.
    """
    notes: list[str] = []
    title = _one_line(record.title)
    if not title:
        return "the record has no title"
    if len(title) > MAX_TITLE_CHARS:
        return f"the title has {len(title):,} characters; at most {MAX_TITLE_CHARS:,} are accepted"
    abstract = _text_block(record.abstract)
    if len(abstract) > MAX_ABSTRACT_CHARS:
        notes.append(f"abstract cut to {MAX_ABSTRACT_CHARS:,} of its {len(abstract):,} characters")
        abstract = _shorten(abstract, MAX_ABSTRACT_CHARS)
    authors = _bounded_authors(record.authors, notes)
    keywords = _bounded_list(record.keywords, "keyword", MAX_KEYWORDS, MAX_KEYWORD_CHARS, notes)
    categories = _bounded_list(
        record.categories, "category", MAX_CATEGORIES, MAX_CATEGORY_CHARS, notes
    )
    ids = {}
    for scheme, value in record.identifiers.items():
        value = _one_line(value if isinstance(value, str) else str(value or ""))
        if len(value) > MAX_IDENTIFIER_CHARS:
            notes.append(f"{scheme} identifier over {MAX_IDENTIFIER_CHARS} characters dropped")
        elif value:
            ids[scheme] = value
    year = record.year
    if not (isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR):
        year = None
    bounded = {
        "title": title,
        "abstract": abstract,
        "authors": authors,
        "year": year,
        "venue_key": _one_line(record.venue_key),
        "venue_name": _one_line(record.venue_name),
        "url": _bounded_url(record.url, "URL", notes),
        "pdf_url": _bounded_url(record.pdf_url, "PDF URL", notes),
        "keywords": keywords,
        "categories": categories,
        "identifiers": ids,
    }
    changes = {name: value for name, value in bounded.items() if value != getattr(record, name)}
    return (replace(record, **changes) if changes else record), notes


def _one_line(text: str) -> str:
    if not text:
        return ""
    # Nearly always true, and far cheaper than clean_text: printable text has no
    # control, bidi-override or other invisible characters (isprintable() is False
    # for a few harmless ones too, such as a no-break space: they take the slow way).
    if text.isprintable() and "  " not in text:
        return text.strip()
    return SPACES.sub(" ", LINE_BREAKS.sub(" ", clean_text(text))).strip()


def _text_block(text: str) -> str:
    if not text:
        return ""
    # As in _one_line, a cheap test first: ASCII text that is printable once its
    # newlines are set aside holds nothing clean_text would change.
    if text.isascii() and text.replace("\n", "").isprintable():
        return text.strip()
    return clean_text(text).strip()


def _bounded_authors(authors: list[AuthorName], notes: list[str]) -> list[AuthorName]:
    kept, too_long = [], 0
    for author in authors:
        name = author.name
        # _one_line's quick test, inlined: a record has a few names, an import millions
        if not (name and name.isprintable() and "  " not in name):
            name = _one_line(name)
        name = name.strip()
        if len(name) > MAX_AUTHOR_NAME_CHARS:
            too_long += 1
        elif name:
            orcid = _one_line(author.orcid)[:19] if author.orcid else ""
            same = name == author.name and orcid == author.orcid
            kept.append(author if same else AuthorName(name, orcid))
    if too_long:
        notes.append(f"{too_long} author name(s) over {MAX_AUTHOR_NAME_CHARS} characters dropped")
    if len(kept) > MAX_AUTHORS:
        notes.append(f"kept the first {MAX_AUTHORS:,} of {len(kept):,} authors")
        kept = kept[:MAX_AUTHORS]
    return kept


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a space when one is near, with "…"."""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _bounded_list(values, what: str, most: int, longest: int, notes: list[str]) -> list[str]:
    if not values:
        return []
    kept = [value for raw in values if (value := _one_line(str(raw)))]
    too_long = [value for value in kept if len(value) > longest]
    if too_long:
        notes.append(f"{len(too_long)} {what} value(s) over {longest} characters dropped")
        kept = [value for value in kept if len(value) <= longest]
    if len(kept) > most:
        notes.append(f"kept the first {most} of {len(kept)} {what} values")
        kept = kept[:most]
    return kept


def _bounded_url(url: str, what: str, notes: list[str]) -> str:
    url = _one_line(url)
    if not url:
        return ""
    if len(url) > MAX_URL_CHARS:
        notes.append(f"{what} over {MAX_URL_CHARS} characters dropped")
        return ""
    if not url[:8].lower().startswith(("http://", "https://")) or " " in url:
        notes.append(f"{what} dropped: not an http(s) address")
        return ""
    return url


# -- writing a batch -----------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    record: PaperRecord
    ids: dict[str, str]
    title_key: str
    first_author_key: str
    venue_key: str  # the Venue the record names ("" for none), see _BatchWriter._venue_of
    venue_name: str
    paper: object = None  # a stored Paper, or a row for a paper new in this batch
    created: bool = False  # this record made the paper
    changed: bool = False  # this record changed a paper that existed before it
    matched_by_other: bool = False


class _BatchWriter:
    """Writes one batch with a constant number of queries per batch, not per record."""

    def __init__(self):
        self.venues: dict[str, Venue] = {}
        self.named_venues: dict[str, tuple[str, str]] = {}  # venue name -> (key, name)

    def write(self, batch) -> ImportReport:
        report = ImportReport()
        slots = [self._prepare(item, report) for item in batch]
        pending = [entry for entry in slots if entry is not None]
        self._load_venues(pending)
        before, new_papers = self._match_and_apply(pending)
        self._insert_new(new_papers)
        self._update_existing(before)
        self._write_links(pending, new_papers)
        record_versions((entry.paper, entry.record) for entry in pending)  # papers.versions
        report.created = sum(1 for entry in pending if entry.created)
        report.updated = sum(1 for entry in pending if entry.changed)
        report.unchanged = len(pending) - report.created - report.updated
        report.merged = sum(1 for entry in pending if entry.matched_by_other)
        report.paper_ids = [entry.paper.pk if entry else None for entry in slots]
        return report

    # -- preparing ---------------------------------------------------------------

    def _prepare(self, item, report) -> _Pending | None:
        if isinstance(item, ImportProblem):
            report.skipped.append((item.source_ref, item.message))
            return None
        if isinstance(item, BoundedRecord):
            record, notes = item
        else:
            if item.deleted:
                report.skipped.append((_reference(item), "deleted at the source"))
                return None
            bounded = bounded_record(item)
            if isinstance(bounded, str):
                report.skipped.append((_reference(item), bounded))
                return None
            record, notes = bounded
        if notes:
            ref = _reference(record)
            report.trimmed.extend((ref, note) for note in notes)
        venue_key, venue_name = self._venue_of(record)
        if record.identifiers_normalized:
            ids = {
                scheme: value
                for scheme, value in record.identifiers.items()
                if scheme in identifiers.SCHEMES
            }
        else:
            ids = {}
            for scheme, value in record.identifiers.items():
                if scheme not in identifiers.SCHEMES:
                    continue
                try:
                    ids[scheme] = identifiers.normalize(scheme, value)
                except identifiers.InvalidIdentifier:
                    continue  # a bad secondary id must not cost us the paper
        first = names.family_name(record.authors[0].name) if record.authors else ""
        return _Pending(
            record=record,
            ids=ids,
            title_key=names.title_key(record.title),
            first_author_key=first,
            venue_key=venue_key,
            venue_name=venue_name,
        )

    def _venue_of(self, record: PaperRecord) -> tuple[str, str]:
        """(Venue key, its name) for a record: the known venue its key or venue name
        means, arXiv for a preprint that names none, else the key and name of
        whatever journal or conference it names (``venues.unknown_venue``)."""
        if VENUE_KEY.fullmatch(record.venue_key):
            known = KNOWN_VENUES.get(record.venue_key)
            return record.venue_key, known.name if known else record.venue_key.upper()
        if record.source in PREPRINT_SOURCES:
            # a preprint's venue name is its journal-ref ("Phys. Rev. B 33, 3547"),
            # a citation rather than a venue: only known venues are read from it
            return "arxiv", KNOWN_VENUES["arxiv"].name
        if not record.venue_name:
            return "", ""
        if record.venue_name not in self.named_venues:
            known = KNOWN_VENUES.get(venue_key_for(name=record.venue_name))
            unknown = None if known else unknown_venue(record.venue_name)
            self.named_venues[record.venue_name] = (
                (known.key, known.name)
                if known
                else (unknown.key, unknown.name)
                if unknown
                else ("", "")
            )
        return self.named_venues[record.venue_name]

    def _load_venues(self, pending: list[_Pending]) -> None:
        """Every venue the batch names (and arXiv's), created when missing, in a few queries."""
        wanted = {"arxiv": KNOWN_VENUES["arxiv"].name}
        for entry in pending:
            if entry.venue_key:
                wanted.setdefault(entry.venue_key, entry.venue_name)
        missing = {key: name for key, name in wanted.items() if key not in self.venues}
        if not missing:
            return
        found = {venue.key: venue for venue in Venue.objects.filter(key__in=missing)}
        if len(found) < len(missing):
            # ignore_conflicts: an import running beside this one may create them first
            Venue.objects.bulk_create(
                [Venue(key=key, name=name) for key, name in missing.items() if key not in found],
                ignore_conflicts=True,
            )
            found = {venue.key: venue for venue in Venue.objects.filter(key__in=missing)}
        self.venues.update(found)

    # -- matching ----------------------------------------------------------------

    def _match_and_apply(self, pending: list[_Pending]) -> tuple[dict, list]:
        """Find each record's paper, in order, and apply the record to it at once.

        A record is matched against stored papers and the papers earlier records
        of this batch created or changed, exactly as it would be if every record
        were a batch of its own: by a shared identifier first, else by
        ``is_same_paper`` against the papers with its title key, oldest first.
        Returns the stored papers' attributes before the batch (by pk) and the
        rows of papers new in this batch.
        """
        by_id, by_title = self._stored_candidates(pending)
        before: dict[int, tuple[Paper, dict]] = {}
        new_papers: list = []
        for entry in pending:
            record = entry.record
            keys = list(entry.ids.items())
            paper = None
            for key in keys:
                if key in by_id:
                    paper = by_id[key]
                    break
            if paper is not None:
                entry.matched_by_other = (
                    any(key not in by_id for key in keys) and paper.source != record.source
                )
            else:
                paper = next(
                    (
                        candidate
                        for candidate in by_title.get(entry.title_key, ())
                        if is_same_paper(
                            title_key=entry.title_key,
                            first_author_key=entry.first_author_key,
                            year=record.year,
                            paper=candidate,
                        )
                    ),
                    None,
                )
                entry.matched_by_other = paper is not None
            if paper is None:
                paper = PAPER_ROWS.new_instance()
                self._fill(paper, entry)
                paper.title_key = entry.title_key
                new_papers.append(paper)
                by_title.setdefault(paper.title_key, []).append(paper)
                entry.created = True
            else:
                if paper.pk is not None and paper.pk not in before:
                    before[paper.pk] = (
                        paper,
                        {name: getattr(paper, name) for name in COMPARED_ATTRIBUTES},
                    )
                state = [getattr(paper, name) for name in APPLIED_ATTRIBUTES]
                self._apply(paper, entry)
                entry.changed = state != [getattr(paper, name) for name in APPLIED_ATTRIBUTES]
            entry.paper = paper
            for key in keys:
                by_id.setdefault(key, paper)
        return before, new_papers

    @staticmethod
    def _stored_candidates(pending: list[_Pending]) -> tuple[dict, dict]:
        """Stored papers by (scheme, value) of the batch's identifiers, and by title key
        for the records none of whose identifiers is known; one instance per paper."""
        values = {value for entry in pending for value in entry.ids.values()}
        id_rows = []
        if values:
            id_rows = list(
                Identifier.objects.filter(_one_of("value", values)).values_list(
                    "scheme", "value", "paper_id"
                )
            )
        known = {(scheme, value) for scheme, value, _ in id_rows}
        title_keys = {
            entry.title_key
            for entry in pending
            if len(entry.title_key) >= MIN_TITLE_KEY_CHARS
            and not any(key in known for key in entry.ids.items())
        }
        papers: dict[int, Paper] = {}
        by_title: dict[str, list] = {}
        if title_keys:
            for paper in Paper.objects.filter(_one_of("title_key", title_keys)).order_by("pk"):
                papers[paper.pk] = paper
                by_title.setdefault(paper.title_key, []).append(paper)
        missing = {paper_id for _, _, paper_id in id_rows} - papers.keys()
        if missing:
            papers.update(
                (paper.pk, paper) for paper in Paper.objects.filter(_one_of("id", missing))
            )
        by_id = {(scheme, value): papers[paper_id] for scheme, value, paper_id in id_rows}
        return by_id, by_title

    # -- writing -----------------------------------------------------------------

    @staticmethod
    def _insert_new(new_papers: list) -> None:
        """Insert a row per new paper, with what every record of it in the batch said."""
        now = timezone.now()
        for paper, pk in zip(new_papers, reserve_ids(Paper, len(new_papers)), strict=True):
            paper.id, paper.created_at, paper.updated_at = pk, now, now
            Paper.derive_fields(paper)
        insert_rows(Paper, PAPER_ROWS.columns, [PAPER_ROWS.row(paper) for paper in new_papers])
        write_topics(new_papers, replace=False)

    @staticmethod
    def _update_existing(before: dict[int, tuple[Paper, dict]]) -> None:
        """Write each stored paper the batch changed, once."""
        changed, retopiced = [], []
        for paper, attributes in before.values():
            paper.derive_fields()
            if any(getattr(paper, name) != value for name, value in attributes.items()):
                paper.updated_at = timezone.now()
                changed.append(paper)
            if (paper.categories, paper.keywords, paper.year) != (
                attributes["categories"],
                attributes["keywords"],
                attributes["year"],
            ):
                retopiced.append(paper)
        if changed:
            Paper.objects.bulk_update(changed, [*UPDATABLE_FIELDS, "updated_at"])
        if retopiced:
            write_topics(retopiced)

    def _apply(self, paper, entry: _Pending) -> None:
        """Fill ``paper`` from ``entry``'s record.

        Blanks are filled and nothing else changes, except that a published venue
        (with its year) replaces a preprint one. Every rule only moves a field
        one way, so applying records again, in any order, changes nothing.
        """
        record = entry.record
        venue = self.venues.get(entry.venue_key) if entry.venue_key else None
        arxiv_id = self.venues["arxiv"].pk
        upgrades_venue = venue is not None and (
            paper.venue_id is None or (paper.venue_id == arxiv_id and venue.pk != arxiv_id)
        )
        if upgrades_venue:
            paper.venue_id = venue.pk
            paper.year = record.year or paper.year
        elif not paper.year:
            paper.year = record.year
        for name in ("title", "abstract", "url", "pdf_url", "published_on"):
            value = getattr(record, name)
            if value and not getattr(paper, name):
                setattr(paper, name, value)
        if record.categories and not paper.categories:
            paper.categories = list(record.categories)
        if record.keywords and not paper.keywords:
            paper.keywords = list(record.keywords)
        if not paper.source:
            paper.source = record.source
        if not paper.first_author_key:
            paper.first_author_key = entry.first_author_key

    def _fill(self, paper, entry: _Pending) -> None:
        """``_apply`` for the row of a new paper: every field is blank, so each rule comes
        down to taking the record's value (most records of a bulk import come this way)."""
        record = entry.record
        venue = self.venues.get(entry.venue_key) if entry.venue_key else None
        paper.venue_id = venue.pk if venue else None
        paper.year = record.year or None
        paper.title = record.title or ""
        paper.abstract = record.abstract or ""
        paper.url = record.url or ""
        paper.pdf_url = record.pdf_url or ""
        paper.published_on = record.published_on or None
        if record.categories:
            paper.categories = list(record.categories)
        if record.keywords:
            paper.keywords = list(record.keywords)
        paper.source = record.source
        paper.first_author_key = entry.first_author_key

    @staticmethod
    def _write_links(pending: list[_Pending], new_papers: list) -> None:
        """Identifiers for every record; authors for papers that have none yet."""
        insert_rows(
            Identifier,
            ["paper_id", "scheme", "value"],
            [
                (entry.paper.pk, scheme, value)
                for entry in pending
                for scheme, value in entry.ids.items()
            ],
            ignore_conflicts=True,
        )
        needing_authors: dict[int, _Pending] = {}
        for entry in pending:
            if entry.record.authors and entry.paper.pk not in needing_authors:
                needing_authors[entry.paper.pk] = entry
        new_ids = {paper.pk for paper in new_papers}
        stored = [pk for pk in needing_authors if pk not in new_ids]
        if stored:
            have_authors = set(
                PaperAuthor.objects.filter(_one_of("paper_id", stored))
                .values_list("paper_id", flat=True)
                .distinct()
            )
            needing_authors = {pk: e for pk, e in needing_authors.items() if pk not in have_authors}
        if not needing_authors:
            return
        todo = list(needing_authors.values())
        authors = _author_ids([name for entry in todo for name in entry.record.authors])

        def author_rows(entries):
            return [
                (entry.paper.pk, authors[name.name], position)
                for entry in entries
                for position, name in enumerate(_unique_names(entry.record.authors))
            ]

        columns = ["paper_id", "author_id", "position"]
        # A paper made by this batch has an id no one else has seen: its rows cannot
        # conflict, and skip the staging that conflicting rows need on PostgreSQL.
        insert_rows(PaperAuthor, columns, author_rows(e for e in todo if e.paper.pk in new_ids))
        insert_rows(
            PaperAuthor,
            columns,
            author_rows(e for e in todo if e.paper.pk not in new_ids),
            ignore_conflicts=True,
        )


def _unique_names(authors: list[AuthorName]) -> list[AuthorName]:
    distinct = {author.name for author in authors}
    if len(distinct) == len(authors) and "" not in distinct:
        return authors  # nearly always: no name twice, none empty
    seen, unique = set(), []
    for author in authors:
        if author.name and author.name not in seen:
            seen.add(author.name)
            unique.append(author)
    return unique


def _author_ids(wanted: list[AuthorName]) -> dict[str, int]:
    """Author ids by name (matched by ORCID first when given), creating the missing authors."""
    names_wanted = {a.name for a in wanted if a.name}
    found: dict[str, int] = {}
    orcids = {a.orcid: a.name for a in wanted if a.orcid}
    if orcids:
        for orcid, pk in Author.objects.filter(_one_of("orcid", orcids)).values_list("orcid", "pk"):
            found.setdefault(orcids[orcid], pk)
    if unmatched := names_wanted - found.keys():
        for name, pk in (
            Author.objects.filter(_one_of("name", unmatched))
            .order_by("pk")
            .values_list("name", "pk")
        ):
            found.setdefault(name, pk)
    orcid_of = {a.name: a.orcid for a in wanted if a.orcid}
    missing = sorted(names_wanted - found.keys())
    ids = reserve_ids(Author, len(missing))
    insert_rows(
        Author,
        ["id", "name", "orcid"],
        [(pk, n, orcid_of.get(n, "")) for pk, n in zip(ids, missing, strict=True)],
    )
    found.update(zip(missing, ids, strict=True))
    return found


class _OneOf(Lookup):
    """``field`` is one of ``values``, sent as one parameter however many values there are.

    ``field__in`` binds (and Django prepares) one parameter per value, which for the
    thousands of values of a batch costs more than the query: PostgreSQL takes
    ``= ANY(array)``, SQLite ``IN`` the elements of a JSON array (``json_each``,
    which also sidesteps its limit on parameters). The values must already be what
    the column holds (strings or integers). Use as ``filter(_one_of(field, values))``.
    """

    lookup_name = "one_of"
    prepare_rhs = False

    def __init__(self, field, values):
        super().__init__(field, list(values))

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)  # a column: no user text in it
        if connection.vendor == "postgresql":
            any_of, array = equals_any(self.rhs)
            return f"{lhs} {any_of}", (*params, array)
        if connection.vendor == "sqlite":
            sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (lhs: a column)
            return sql, (*params, json.dumps(self.rhs))
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*params, *self.rhs)


def _one_of(field: str, values) -> _OneOf:
    return _OneOf(F(field), values)


def save_venue(*, key: str, name: str, url: str = "", description: str = "") -> Venue:
    venue = Venue.objects.filter(key=key).first() or Venue(key=key)
    venue.name, venue.url, venue.description = name, url, description
    venue.render()
    venue.save()
    return venue


@transaction.atomic
def merge_papers(*, duplicate: Paper, into: Paper) -> Paper:
    """Fold ``duplicate`` into ``into``: summaries, identifiers and old URLs all move.

    Where one writer summarised both, the duplicate's revisions are appended to
    the kept summary's history (nothing is lost) and its votes move across.
    """
    from precis.discussions.services import absorb_discussions
    from precis.search.services import index_papers_soon, remove_papers
    from precis.summaries.services import absorb_summaries

    from . import demand

    if duplicate.pk == into.pk:
        raise ValueError("A paper cannot be merged into itself.")
    # Questions and comments first: absorbing summaries deletes emptied duplicates.
    absorb_discussions(source_paper=duplicate, target_paper=into)
    absorb_summaries(source_paper=duplicate, target_paper=into)
    Identifier.objects.filter(paper=duplicate).exclude(
        value__in=Identifier.objects.filter(paper=into).values("value")
    ).update(paper=into)
    if not into.paper_authors.exists():
        duplicate.paper_authors.update(paper=into)
    for name in ("abstract", "published_on", "url", "pdf_url"):
        if not getattr(into, name) and getattr(duplicate, name):
            setattr(into, name, getattr(duplicate, name))
    if into.venue_id is None:
        into.venue_id, into.year = duplicate.venue_id, duplicate.year
    absorb_versions(source_paper=duplicate, target_paper=into)
    into.save()
    demand.absorb_demand(source_paper=duplicate, target_paper=into)
    PaperRedirect.objects.filter(paper=duplicate).update(paper=into)
    PaperRedirect.objects.create(old_id=duplicate.pk, paper=into)
    remove_papers([duplicate.pk])
    index_papers_soon([into.pk])
    duplicate.delete()
    return into
