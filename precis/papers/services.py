"""Write paths for papers and venues: the one upsert path every importer uses, and merging."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from precis.importers import names
from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.importers.venues import BY_KEY as KNOWN_VENUES
from precis.lib import identifiers, richtext

from .bulk import RowBuilder, insert_rows, reserve_ids
from .models import Author, Identifier, Paper, PaperAuthor, PaperRedirect, Venue

__all__ = ["ImportReport", "PaperRecord", "upsert_paper", "upsert_papers"]

# Sources whose venue and year describe a preprint; a published venue wins over them.
PREPRINT_SOURCES = {"arxiv", "arxiv-oai"}
UPDATABLE_FIELDS = [
    "title", "abstract", "year", "published_on", "venue", "url", "pdf_url", "keywords",
    "categories", "field", "slug", "title_key", "first_author_key", "source",
]  # fmt: skip


PAPER_ROWS = RowBuilder(Paper)
# Compared by attribute name, so reading the venue does not load the Venue row.
COMPARED_ATTRIBUTES = [Paper._meta.get_field(name).attname for name in UPDATABLE_FIELDS]


@dataclass
class ImportReport:
    """What an import did. ``skipped`` holds (item, reason) pairs a person can act on."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # records that matched an existing paper by another id or by title
    skipped: list[tuple[str, str]] = field(default_factory=list)
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
        self.paper_ids += other.paper_ids

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.merged} merged with papers known by another id, {len(self.skipped)} skipped"
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
    items: Iterable[PaperRecord | ImportProblem],
    *,
    batch_size: int = 1000,
    collect_ids: bool = False,
    on_batch: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Write records in batches; idempotent (the same records twice change nothing).

    A record matches an existing paper when they share any identifier, or else
    when title, first author's family name and year (±1) agree; it then fills
    what the paper lacks and adds its identifiers. Problems from the parser are
    reported as skipped. ``on_batch`` gets each batch's report after its commit.
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

    with transaction.atomic():
        report = writer.write(batch)
        index_papers_soon([pk for pk in report.paper_ids if pk])
    if not collect_ids:
        report.paper_ids = []
    if on_batch:
        on_batch(report)
    return report


@dataclass
class _Pending:
    record: PaperRecord
    ids: dict[str, str]
    title_key: str
    first_author_key: str
    paper: Paper | None = None
    created: bool = False
    joined_new: bool = False  # matched a paper another record of this batch created
    matched_by_other: bool = False


class _BatchWriter:
    """Writes one batch with a constant number of queries per batch, not per record."""

    def __init__(self):
        self.venues: dict[str, Venue] = {}

    def write(self, batch) -> ImportReport:
        report = ImportReport()
        pending: list[_Pending] = []
        slots: list[_Pending | None] = []
        for item in batch:
            entry = self._prepare(item, report)
            slots.append(entry)
            if entry is not None:
                pending.append(entry)
        self._match_existing(pending)
        self._match_within_batch(pending)
        self._create_new(pending)
        self._update_existing(pending, report)
        self._write_links(pending)
        report.created = sum(1 for entry in pending if entry.created)
        report.merged = sum(1 for entry in pending if entry.matched_by_other)
        report.paper_ids = [entry.paper.pk if entry else None for entry in slots]
        return report

    # -- preparing ---------------------------------------------------------------

    def _prepare(self, item, report) -> _Pending | None:
        if isinstance(item, ImportProblem):
            report.skipped.append((item.source_ref, item.message))
            return None
        ref = item.source_ref or item.title[:60]
        if item.deleted:
            report.skipped.append((ref, "deleted at the source"))
            return None
        if not item.title.strip():
            report.skipped.append((ref, "the record has no title"))
            return None
        ids = {}
        for scheme, value in item.identifiers.items():
            if not value or scheme not in identifiers.SCHEMES:
                continue
            try:
                ids[scheme] = identifiers.normalize(scheme, value)
            except identifiers.InvalidIdentifier:
                continue  # a bad secondary id must not cost us the paper
        first = names.family_name(item.authors[0].name) if item.authors else ""
        return _Pending(
            record=item, ids=ids, title_key=names.title_key(item.title), first_author_key=first
        )

    # -- matching ----------------------------------------------------------------

    def _match_existing(self, pending: list[_Pending]) -> None:
        values = {value for entry in pending for value in entry.ids.values()}
        known: dict[tuple[str, str], int] = {}
        if values:
            for scheme, value, paper_id in Identifier.objects.filter(value__in=values).values_list(
                "scheme", "value", "paper_id"
            ):
                known[(scheme, value)] = paper_id
        by_title: dict[str, list[Paper]] = {}
        unmatched_keys = {
            entry.title_key
            for entry in pending
            if not any((s, v) in known for s, v in entry.ids.items())
        } - {""}
        if unmatched_keys:
            for paper in Paper.objects.filter(title_key__in=unmatched_keys):
                by_title.setdefault(paper.title_key, []).append(paper)
        paper_ids = set(known.values())
        papers = Paper.objects.in_bulk(paper_ids) if paper_ids else {}
        for entry in pending:
            matches = [known[(s, v)] for s, v in entry.ids.items() if (s, v) in known]
            if matches:
                entry.paper = papers[matches[0]]
                entry.matched_by_other = (
                    any((s, v) not in known for s, v in entry.ids.items())
                    and entry.paper.source != entry.record.source
                )
                continue
            candidate = self._title_match(entry, by_title)
            if candidate:
                entry.paper = candidate
                entry.matched_by_other = True

    @staticmethod
    def _title_match(entry: _Pending, by_title: dict[str, list[Paper]]) -> Paper | None:
        record, first = entry.record, entry.first_author_key
        if len(entry.title_key) < 12:  # short titles ("Introduction") say too little
            return None
        for paper in by_title.get(entry.title_key, []):
            same_author = not first or not paper.first_author_key or first == paper.first_author_key
            close_year = not record.year or not paper.year or abs(record.year - paper.year) <= 1
            if same_author and close_year:
                return paper
        return None

    def _match_within_batch(self, pending: list[_Pending]) -> None:
        """Records in one batch that describe the same new paper share one Paper."""
        seen: dict[tuple[str, str], _Pending] = {}
        for entry in pending:
            if entry.paper is not None:
                continue
            keys = [(s, v) for s, v in entry.ids.items()]
            keys.append(("title", f"{entry.title_key}|{entry.first_author_key}"))
            leader = next((seen[k] for k in keys if k in seen), None)
            if leader is not None:
                entry.paper = leader  # resolved to the leader's Paper after creation
                entry.matched_by_other = True
            for key in keys:
                seen.setdefault(key, leader or entry)

    # -- writing -----------------------------------------------------------------

    def _create_new(self, pending: list[_Pending]) -> None:
        """Insert a row per new paper, with what every record of it in the batch says."""
        leaders = [entry for entry in pending if entry.paper is None]
        now = timezone.now()
        ids = reserve_ids(Paper, len(leaders))
        for entry, pk in zip(leaders, ids, strict=True):
            paper = PAPER_ROWS.new_instance()
            paper.id, paper.created_at, paper.updated_at = pk, now, now
            self._apply(paper, entry.record, created=True)
            entry.paper, entry.created = paper, True
        for entry in pending:
            if isinstance(entry.paper, _Pending):  # a later record of a paper new in this batch
                entry.paper, entry.joined_new = entry.paper.paper, True
                self._apply(entry.paper, entry.record, created=False)
        for entry in leaders:
            Paper.derive_fields(entry.paper)
        insert_rows(Paper, PAPER_ROWS.columns, [PAPER_ROWS.row(entry.paper) for entry in leaders])

    def _update_existing(self, pending: list[_Pending], report: ImportReport) -> None:
        """Apply each record to its stored paper; a paper is written once, if it changed."""
        existing = [entry for entry in pending if not (entry.created or entry.joined_new)]
        report.updated += sum(1 for entry in pending if entry.joined_new)
        before: dict[int, dict] = {}
        for entry in existing:
            paper = entry.paper
            before.setdefault(
                paper.pk, {name: getattr(paper, name) for name in COMPARED_ATTRIBUTES}
            )
            self._apply(paper, entry.record, created=False)
            paper.derive_fields()
        changed = []
        papers = {entry.paper.pk: entry.paper for entry in existing}
        for pk, paper in papers.items():
            if any(getattr(paper, name) != value for name, value in before[pk].items()):
                paper.updated_at = timezone.now()
                changed.append(paper)
        changed_ids = {paper.pk for paper in changed}
        for entry in existing:
            if entry.paper.pk in changed_ids:
                report.updated += 1
            else:
                report.unchanged += 1
        if changed:
            Paper.objects.bulk_update(changed, [*UPDATABLE_FIELDS, "updated_at"])

    def _apply(self, paper: Paper, record: PaperRecord, *, created: bool) -> None:
        """Fill ``paper`` from ``record``.

        Blanks are filled and nothing else changes, except that a published venue
        (with its year) replaces a preprint one. Every rule only moves a field
        one way, so applying records again, in any order, changes nothing.
        """
        preprint = record.source in PREPRINT_SOURCES
        venue = self._venue(record.venue_key or ("arxiv" if preprint else ""))
        arxiv_id = self._venue_id("arxiv")
        upgrades_venue = venue is not None and (
            paper.venue_id is None or (paper.venue_id == arxiv_id and venue.pk != arxiv_id)
        )
        if created or upgrades_venue:
            paper.venue_id = venue.pk if venue else None
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
        if record.authors and not paper.first_author_key:
            paper.first_author_key = names.family_name(record.authors[0].name)

    def _write_links(self, pending: list[_Pending]) -> None:
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
        needing_authors = {}
        for entry in pending:
            if entry.record.authors and entry.paper.pk not in needing_authors:
                needing_authors[entry.paper.pk] = entry
        existing = [pk for pk, entry in needing_authors.items() if not entry.created]
        if existing:
            have_authors = set(
                PaperAuthor.objects.filter(paper_id__in=existing)
                .values_list("paper_id", flat=True)
                .distinct()
            )
            needing_authors = {pk: e for pk, e in needing_authors.items() if pk not in have_authors}
        if not needing_authors:
            return
        todo = list(needing_authors.values())
        authors = _author_ids([name for entry in todo for name in entry.record.authors])
        insert_rows(
            PaperAuthor,
            ["paper_id", "author_id", "position"],
            [
                (entry.paper.pk, authors[name.name], position)
                for entry in todo
                for position, name in enumerate(_unique_names(entry.record.authors))
            ],
            ignore_conflicts=True,
        )

    # -- venues ------------------------------------------------------------------

    def _venue(self, key: str) -> Venue | None:
        if not key:
            return None
        if key not in self.venues:
            known = KNOWN_VENUES.get(key)
            venue = Venue.objects.filter(key=key).first()
            if venue is None:
                venue = Venue.objects.create(key=key, name=known.name if known else key.upper())
            self.venues[key] = venue
        return self.venues[key]

    def _venue_id(self, key: str) -> int | None:
        venue = self._venue(key)
        return venue.pk if venue else None


def _unique_names(authors: list[AuthorName]) -> list[AuthorName]:
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
        for orcid, pk in Author.objects.filter(orcid__in=orcids).values_list("orcid", "pk"):
            found.setdefault(orcids[orcid], pk)
    for chunk in _chunks(sorted(names_wanted - found.keys()), 500):
        for name, pk in (
            Author.objects.filter(name__in=chunk).order_by("pk").values_list("name", "pk")
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


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def save_venue(*, key: str, name: str, url: str = "", description: str = "") -> Venue:
    venue, _ = Venue.objects.update_or_create(
        key=key,
        defaults={
            "name": name,
            "url": url,
            "description": description,
            "description_html": richtext.render(description, heading_offset=2)
            if description
            else "",
        },
    )
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
    into.save()
    PaperRedirect.objects.filter(paper=duplicate).update(paper=into)
    PaperRedirect.objects.create(old_id=duplicate.pk, paper=into)
    remove_papers([duplicate.pk])
    index_papers_soon([into.pk])
    duplicate.delete()
    return into
