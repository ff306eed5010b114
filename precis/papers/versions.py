"""Versions of papers: recording those importers report, and what changed between two.

arXiv numbers versions (v1, v2, …) and dates each; the API gives an entry's own
vN and v1's date, OAI-PMH arXivRaw lists every version with its date. Crossref
dates its record but does not number it: a DOI-only paper gets a version when its
record's text changes, numbered after those known and labelled with its date.

A version's ``title``, ``abstract`` and ``comments`` are a snapshot taken when a
record of that version was imported, so that two versions can be diffed; a
version known only from a list of dates has none (``has_snapshot`` is False).

``record_versions`` is called by the bulk upsert once per batch, with a constant
number of queries per batch (none for a batch whose records list no versions).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from precis.importers.base import PaperRecord, VersionRecord

from .bulk import RowBuilder, insert_rows, reserve_ids
from .models import Paper, PaperVersion

# Bounds on what one record may add (no source lists more; a hostile one might).
MAX_VERSIONS_PER_RECORD = 200
MAX_VERSION_NUMBER = 100_000
MAX_COMMENTS_CHARS = PaperVersion._meta.get_field("title").max_length * 4  # 2,000
MAX_LABEL_CHARS = PaperVersion._meta.get_field("label").max_length
MAX_TITLE_CHARS = PaperVersion._meta.get_field("title").max_length

VERSION_ROWS = RowBuilder(PaperVersion)


#: A paper page lists at most this many versions (arXiv papers rarely pass v20).
VERSIONS_ON_PAPER_PAGE = 100


def label_for(number: int) -> str:
    return f"v{number}"


def versions_of(paper: Paper) -> list[PaperVersion]:
    """The paper's versions for its page, newest first, without their text; no query
    for a paper with none (``latest_version`` is set whenever one is recorded)."""
    if paper.latest_version_id is None:
        return []
    return list(
        paper.versions.order_by("-number").only("id", "paper_id", "number", "label", "released_on")[
            :VERSIONS_ON_PAPER_PAGE
        ]
    )


@dataclass
class _Wanted:
    number: int
    label: str
    released_on: object = None
    snapshot: tuple[str, str, str] | None = None  # title, abstract, comments


def _snapshot(record: PaperRecord) -> tuple[str, str, str]:
    return (
        record.title[:MAX_TITLE_CHARS],
        record.abstract,
        (record.comments or "")[:MAX_COMMENTS_CHARS],
    )


def _numbered(record: PaperRecord) -> list[_Wanted]:
    """The record's numbered versions, bounded; the last one carries the record's text."""
    versions = [
        version
        for version in record.versions[-MAX_VERSIONS_PER_RECORD:]
        if isinstance(version, VersionRecord)
        and isinstance(version.number, int)
        and 0 < version.number <= MAX_VERSION_NUMBER
    ]
    if not versions:
        return []
    wanted = [
        _Wanted(
            number=version.number,
            label=(version.label or label_for(version.number))[:MAX_LABEL_CHARS],
            released_on=version.released_on,
        )
        for version in versions
    ]
    if record.versions[-1] is versions[-1]:
        wanted[-1].snapshot = _snapshot(record)
    return wanted


def record_versions(written: Iterable[tuple[object, PaperRecord]]) -> None:
    """Store the versions each (paper, record) pair names and move papers to their newest.

    ``paper`` is a stored ``Paper`` or a row the batch inserted (with ``pk``). New
    versions are inserted; a version stored without text gets the record's; a
    paper whose newest version changed points at it, and takes the new version's
    title and abstract where its own were the previous version's (text a publisher
    gave instead is kept). Idempotent: the same records again change nothing.
    """
    by_paper: dict[int, list[_Wanted]] = {}
    undated: dict[int, tuple[VersionRecord, tuple[str, str, str]]] = {}
    papers: dict[int, object] = {}
    for paper, record in written:
        if not record.versions:
            continue
        papers[paper.pk] = paper
        last = record.versions[-1]
        if isinstance(last, VersionRecord) and last.number is None:
            undated[paper.pk] = (last, _snapshot(record))
            continue
        merged = by_paper.setdefault(paper.pk, [])
        for wanted in _numbered(record):
            same = next((w for w in merged if w.number == wanted.number), None)
            if same is None:
                merged.append(wanted)
            elif wanted.snapshot and not same.snapshot:
                same.snapshot = wanted.snapshot
    if not papers:
        return
    stored: dict[int, dict[int, tuple]] = {}
    for row in (
        PaperVersion.objects.filter(paper_id__in=list(papers))
        .order_by()
        .values_list(
            "paper_id", "number", "id", "has_snapshot", "label", "title", "abstract", "comments"
        )
    ):
        stored.setdefault(row[0], {})[row[1]] = row[2:]
    for pk, (version, snapshot) in undated.items():
        wanted = _undated(version, snapshot, stored.get(pk, {}))
        if wanted:
            by_paper.setdefault(pk, []).append(wanted)
    new_rows, filled = [], []
    now = timezone.now()
    for pk, wanted_list in by_paper.items():
        known = stored.get(pk, {})
        for wanted in wanted_list:
            if wanted.number not in known:
                row = VERSION_ROWS.new_instance()
                row.paper_id, row.number, row.label = pk, wanted.number, wanted.label
                row.released_on, row.recorded_at = wanted.released_on, now
                if wanted.snapshot:
                    row.title, row.abstract, row.comments = wanted.snapshot
                    row.has_snapshot = True
                new_rows.append(row)
            elif wanted.snapshot and not known[wanted.number][1]:
                version = PaperVersion(id=known[wanted.number][0], has_snapshot=True)
                version.title, version.abstract, version.comments = wanted.snapshot
                filled.append(version)
    for row, version_id in zip(new_rows, reserve_ids(PaperVersion, len(new_rows)), strict=True):
        row.id = version_id
    # ignore_conflicts: an import running beside this one may add the same version.
    insert_rows(
        PaperVersion,
        VERSION_ROWS.columns,
        [VERSION_ROWS.row(row) for row in new_rows],
        ignore_conflicts=True,
    )
    if filled:
        PaperVersion.objects.bulk_update(filled, ["title", "abstract", "comments", "has_snapshot"])
    _move_to_newest(papers, stored)


def _undated(version: VersionRecord, snapshot, known: dict[int, tuple]) -> _Wanted | None:
    """A Crossref-style record (dated, not numbered): a new version when its text differs
    from the newest known version's, numbered after it; None when nothing changed."""
    label = (version.label or (version.released_on.isoformat() if version.released_on else ""))[
        :MAX_LABEL_CHARS
    ]
    if any(row[2].startswith("v") for row in known.values()):
        return None  # arXiv numbers this paper's versions; a DOI record's date is not one
    if known:
        newest = known[max(known)]
        if newest[3:6] == snapshot or (not newest[1] and newest[2] == label):
            return None
        number = max(known) + 1
    else:
        number = 1
    return _Wanted(
        number=number, label=label or label_for(number), released_on=version.released_on,
        snapshot=snapshot,
    )  # fmt: skip


def _move_to_newest(papers: dict[int, object], stored: dict[int, dict[int, tuple]]) -> None:
    """Point each paper at its newest version, and update its text when it was the old one's."""
    newest: dict[int, tuple[int, int]] = {}  # paper id -> (number, version id)
    for paper_id, number, version_id in (
        PaperVersion.objects.filter(paper_id__in=list(papers))
        .order_by()
        .values_list("paper_id", "number", "id")
    ):
        if paper_id not in newest or number > newest[paper_id][0]:
            newest[paper_id] = (number, version_id)
    moved = [
        pk for pk, (_, version_id) in newest.items() if papers[pk].latest_version_id != version_id
    ]
    if not moved:
        return
    # Only a stored paper whose text was its old version's may take the new one's text.
    previous = {
        pk: snapshot
        for pk in moved
        if isinstance(papers[pk], Paper)
        and (snapshot := _previous_snapshot(stored.get(pk, {}), papers[pk].latest_version_id))
    }
    texts = {}
    if previous:
        texts = {
            version.pk: version
            for version in PaperVersion.objects.filter(
                id__in=[newest[pk][1] for pk in previous], has_snapshot=True
            ).only("id", "title", "abstract")
        }
    retitled = []
    for pk in moved:
        paper, (_, version_id) = papers[pk], newest[pk]
        paper.latest_version_id = version_id
        new_text = texts.get(version_id)
        if new_text is None:
            continue
        old_title, old_abstract = previous[pk]
        title, abstract = paper.title, paper.abstract
        if old_title == paper.title and new_text.title:
            title = new_text.title
        if old_abstract == paper.abstract and new_text.abstract:
            abstract = new_text.abstract
        if (title, abstract) != (paper.title, paper.abstract):
            paper.title, paper.abstract = title, abstract
            paper.derive_fields()
            paper.updated_at = timezone.now()
            retitled.append(paper)
    # One UPDATE with a correlated subquery (an index lookup on paper, number per row),
    # not bulk_update's CASE over every paper of the batch.
    Paper.objects.filter(pk__in=moved).update(
        latest_version=Subquery(
            PaperVersion.objects.filter(paper=OuterRef("pk")).order_by("-number").values("id")[:1]
        )
    )
    if retitled:
        Paper.objects.bulk_update(
            retitled, ["title", "abstract", "slug", "title_key", "field", "updated_at"]
        )


def _previous_snapshot(known: dict[int, tuple], latest_id) -> tuple[str, str] | None:
    """(title, abstract) of the version a paper pointed at before, when it had a snapshot."""
    for version_id, has_snapshot, _label, title, abstract, _comments in known.values():
        if version_id == latest_id and has_snapshot:
            return title, abstract
    return None


def absorb_versions(*, source_paper: Paper, target_paper: Paper) -> None:
    """Move ``source_paper``'s versions onto ``target_paper`` before a merge deletes it.

    A version the target already has (the same number) is kept once: everything that
    pointed at the duplicate's copy (summaries, comments, …: every foreign key to
    PaperVersion) points at the target's, so nothing loses the version it was
    written against.
    """
    target_numbers = dict(target_paper.versions.values_list("number", "id"))
    for version in list(source_paper.versions.all()):
        if version.number not in target_numbers:
            PaperVersion.objects.filter(pk=version.pk).update(paper=target_paper)
            continue
        kept = target_numbers[version.number]
        for relation in PaperVersion._meta.related_objects:
            if relation.many_to_one or relation.one_to_one:
                name = relation.field.name
                relation.related_model._base_manager.filter(**{name: version.pk}).update(
                    **{name: kept}
                )
    newest = (
        PaperVersion.objects.filter(paper=target_paper).order_by("-number").values("id").first()
    )
    target_paper.latest_version_id = newest["id"] if newest else None
