"""Write paths for collections: create and edit, sections, items, ordering, start from a list."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from precis.importers.names import title_key
from precis.importers.services import ImportFailed, find_or_import, import_by_identifier
from precis.lib import identifiers, richtext, screening
from precis.lib.moderation import moderation_fields
from precis.lib.text import clean_text
from precis.papers.models import Paper
from precis.summaries.models import Summary, Visibility

from .models import Collection, CollectionItem, CollectionSection

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20_000
MAX_LIST_LINES = 200
# New papers one list may fetch from arXiv, Crossref or DBLP in one request: each can
# wait seconds on the source's polite delay, and a request must never hold a worker.
MAX_FETCHES_PER_LIST = 5
NOT_FETCHED_YET = (
    f"Not fetched yet: one list fetches at most {MAX_FETCHES_PER_LIST} new papers from "
    "their sources at a time. Send the list again for the rest."
)
UP, DOWN = "up", "down"
HEADING = re.compile(r"^#+\s*")


def _clean(*, title: str, description: str, visibility: str) -> tuple[str, str, str]:
    title = " ".join(clean_text(title).split())
    if not title:
        raise ValidationError("A collection needs a title.")
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(f"A title can be at most {MAX_TITLE_CHARS} characters.")
    description = clean_text(description).strip()
    if len(description) > MAX_TEXT_CHARS:
        raise ValidationError(f"A description can be at most {MAX_TEXT_CHARS:,} characters.")
    richtext.check(description)
    if visibility not in Visibility.values:
        raise ValidationError(f"Unknown visibility {visibility!r}.")
    return title, description, visibility


def create_collection(*, owner, title, description="", visibility=Visibility.PRIVATE):
    title, description, visibility = _clean(
        title=title, description=description, visibility=visibility
    )
    collection = Collection(
        owner=owner, title=title, description=description, visibility=visibility
    )
    return _save_screened(collection)


def update_collection(*, collection, title, description, visibility) -> Collection:
    collection.title, collection.description, collection.visibility = _clean(
        title=title, description=description, visibility=visibility
    )
    return _save_screened(collection)


def _save_screened(collection: Collection) -> Collection:
    """Save, after the moderation rules have seen what others will read of it."""
    screened = None
    if collection.visibility != Visibility.PRIVATE:
        text = f"{collection.title}\n\n{collection.description}"
        screened = screening.screened(
            collection, author=collection.owner, kind="collection", text=text
        )
    collection.save()
    if screened:
        screening.announce(collection, *screened)
    return collection


def set_moderation(*, collection: Collection, state: str, reason: str = "") -> Collection:
    """Hold, hide or show a collection (the moderation app's decision)."""
    collection.save_moderation(state, reason)
    return collection


def moderate_everything_by(*, owner, matching: Q, state: str, reason: str = "") -> list[int]:
    """Set the moderation state of every collection ``owner`` made that ``matching``
    selects; their ids."""
    ids = list(Collection.objects.filter(matching, owner=owner).values_list("pk", flat=True))
    Collection.objects.filter(pk__in=ids).update(**moderation_fields(state, reason))
    return ids


def _touch(collection) -> None:
    """Bump ``updated_at`` so the most recently edited collections list first."""
    collection.save(update_fields=["updated_at"])


# -- sections ------------------------------------------------------------------------


def add_section(*, collection, title) -> CollectionSection:
    title = " ".join(clean_text(title).split())[:MAX_TITLE_CHARS]
    if not title:
        raise ValidationError("A section needs a heading.")
    last = collection.sections.aggregate(last=Max("position"))["last"]
    section = CollectionSection.objects.create(
        collection=collection, title=title, position=0 if last is None else last + 1
    )
    _touch(collection)
    return section


def rename_section(*, section, title) -> CollectionSection:
    title = " ".join(clean_text(title).split())[:MAX_TITLE_CHARS]
    if not title:
        raise ValidationError("A section needs a heading.")
    section.title = title
    section.save(update_fields=["title"])
    return section


@transaction.atomic
def delete_section(*, section) -> None:
    """Delete a heading; its papers stay in the collection, after the unsectioned ones."""
    collection = section.collection
    for item in section.items.order_by("position", "pk"):
        item.section = None
        item.position = _next_position(collection, None)
        item.save(update_fields=["section", "position"])
    section.delete()
    _touch(collection)


@transaction.atomic
def move_section(*, section, direction) -> bool:
    """Swap a section with its neighbour; False (and nothing changes) at either end."""
    siblings = list(section.collection.sections.select_for_update().order_by("position", "pk"))
    return _swap(siblings, section, direction)


# -- items ---------------------------------------------------------------------------


def _next_position(collection, section) -> int:
    last = collection.items.filter(section=section).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _check_summary(summary, *, paper, owner):
    if summary is None:
        return None
    allowed = Summary.objects.listed_for(owner).filter(pk=summary.pk, paper=paper).exists()
    if not allowed:
        raise ValidationError("Choose a listed summary of this paper, or one of your own.")
    return summary


def _check_section(section, collection):
    if section is not None and section.collection_id != collection.pk:
        raise ValidationError("That section belongs to another collection.")
    return section


@transaction.atomic
def add_item(*, collection, paper, section=None, note="", summary=None) -> CollectionItem:
    """Append ``paper`` to ``section`` (or the unsectioned top); raises if it is already in."""
    _check_section(section, collection)
    if collection.items.filter(paper=paper).exists():
        raise ValidationError(f"“{paper.title}” is already in this collection.")
    item = CollectionItem.objects.create(
        collection=collection,
        section=section,
        paper=paper,
        note=clean_text(note).strip()[:MAX_TEXT_CHARS],
        summary=_check_summary(summary, paper=paper, owner=collection.owner),
        position=_next_position(collection, section),
    )
    _touch(collection)
    return item


@transaction.atomic
def update_item(*, item, note, summary=None, section=None) -> CollectionItem:
    collection = item.collection
    note = clean_text(note).strip()
    if len(note) > MAX_TEXT_CHARS:
        raise ValidationError(f"A note can be at most {MAX_TEXT_CHARS:,} characters.")
    richtext.check(note)
    item.note = note
    item.summary = _check_summary(summary, paper=item.paper, owner=collection.owner)
    if _check_section(section, collection) != item.section:
        item.section = section
        item.position = _next_position(collection, section)
    item.save()
    _touch(collection)
    return item


@transaction.atomic
def move_item_to_section(*, item, section) -> CollectionItem:
    if _check_section(section, item.collection) != item.section:
        item.section = section
        item.position = _next_position(item.collection, section)
        item.save(update_fields=["section", "position"])
    return item


@transaction.atomic
def move_item(*, item, direction) -> bool:
    """Swap an item with its neighbour in the same section; False at either end."""
    siblings = list(
        item.collection.items.select_for_update()
        .filter(section_id=item.section_id)
        .order_by("position", "pk")
    )
    return _swap(siblings, item, direction)


def delete_item(*, item) -> None:
    collection = item.collection
    item.delete()
    _touch(collection)


def _swap(siblings: list, target, direction: str) -> bool:
    if direction not in (UP, DOWN):
        raise ValidationError("Move up or down.")
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == target.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    _renumber(siblings)
    return True


def _renumber(rows: list) -> None:
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    if changed:
        type(rows[0]).objects.bulk_update(changed, ["position"])


@transaction.atomic
def reorder(*, collection, sections: list[int], items: dict) -> None:
    """Apply a whole new order (from drag and drop).

    ``sections`` lists every section id in order; ``items`` maps a section id
    (or None for the unsectioned top) to its item ids in order. Raises
    ValidationError unless both name exactly the collection's sections and items.
    """
    own_sections = {s.pk: s for s in collection.sections.select_for_update()}
    own_items = {i.pk: i for i in collection.items.select_for_update()}
    listed_items = [pk for ids in items.values() for pk in ids]
    if sorted(sections) != sorted(own_sections) or sorted(listed_items) != sorted(own_items):
        raise ValidationError("The new order must name every section and item exactly once.")
    if any(key is not None and key not in own_sections for key in items):
        raise ValidationError("Unknown section.")
    _renumber([own_sections[pk] for pk in sections])
    for section_id, ids in items.items():
        for position, pk in enumerate(ids):
            item = own_items[pk]
            item.section_id, item.position = section_id, position
        if ids:
            CollectionItem.objects.bulk_update(
                [own_items[pk] for pk in ids], ["section", "position"]
            )
    _touch(collection)


# -- start from a list ---------------------------------------------------------------


@dataclass
class ListOutcome:
    """What a pasted list or BibTeX file turned into."""

    added: list[CollectionItem] = field(default_factory=list)
    sections: list[CollectionSection] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # titles already in the collection
    problems: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)

    @property
    def unresolved_text(self) -> str:
        return "\n".join(line for line, _ in self.problems if line)


def resolve_line(line: str) -> Paper:
    """The paper one line names: an arXiv id, DOI or DBLP key (imported when new), or a title.

    Titles only match papers already here, exactly (ignoring case and punctuation):
    a list is no place to guess. Raises ImportFailed with a reason for the person.
    """
    detected = identifiers.detect(line)
    if detected:
        try:
            return import_by_identifier(*detected)
        except identifiers.InvalidIdentifier as exc:
            raise ImportFailed(str(exc)) from exc
    key = title_key(line)
    matches = list(Paper.objects.filter(title_key=key).order_by("pk")[:2]) if key else []
    if not matches:
        raise ImportFailed(
            "No paper with exactly this title is known here; "
            "paste its arXiv id, DOI or DBLP key instead.",
            not_found=True,
        )
    if len(matches) > 1:
        raise ImportFailed(
            "Several papers have this title; paste the arXiv id, DOI or DBLP key of the one you mean."
        )
    return matches[0]


def add_from_list(*, collection, text="", upload: bytes | None = None) -> ListOutcome:
    """Add the papers a pasted list (or a BibTeX file) names, in order.

    One arXiv id, DOI, DBLP key or exact title a line; lines starting with "#"
    become section headings, and the papers after them go there. Pasted text
    that starts with "@" is read as BibTeX. A line that cannot be resolved
    (unknown, malformed, the source unreachable) is reported with its reason and
    never stops the others. Each paper is committed as it is added, so a slow
    network cannot lose what was already found.
    """
    outcome = ListOutcome()
    text = (text or "").replace("\r\n", "\n")
    if upload or text.lstrip().startswith("@"):
        _add_bibtex(collection, upload or text.encode("utf-8"), outcome)
        return outcome
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_LIST_LINES:
        outcome.problems.append(
            ("", f"Only the first {MAX_LIST_LINES} lines were read; paste the rest separately.")
        )
        lines = lines[:MAX_LIST_LINES]
    section = None
    fetches = 0
    for line in lines:
        if line.startswith("#"):
            heading = HEADING.sub("", line)
            if heading:
                section = add_section(collection=collection, title=heading)
                outcome.sections.append(section)
            continue
        if _needs_fetch(line):
            if fetches >= MAX_FETCHES_PER_LIST:
                outcome.problems.append((line, NOT_FETCHED_YET))
                continue
            fetches += 1
        try:
            paper = resolve_line(line)
        except ImportFailed as exc:
            outcome.problems.append((line, str(exc)))
            continue
        _add(collection, paper, section, outcome)
    return outcome


def _needs_fetch(line: str) -> bool:
    """Whether the line is a well-formed id of a paper not stored here yet."""
    detected = identifiers.detect(line)
    if not detected:
        return False
    try:
        value = identifiers.normalize(*detected)
    except identifiers.InvalidIdentifier:
        return False
    return not Paper.objects.by_identifier(detected[0], value).exists()


def _add_bibtex(collection, data: bytes, outcome: ListOutcome) -> None:
    try:
        found = find_or_import("", upload=data, user=collection.owner)
    except ImportFailed as exc:
        outcome.problems.append(("", str(exc)))
        return
    for paper in found.papers:
        _add(collection, paper, None, outcome)
    outcome.problems.extend(("", problem) for problem in found.problems)


def _add(collection, paper, section, outcome: ListOutcome) -> None:
    try:
        outcome.added.append(add_item(collection=collection, paper=paper, section=section))
    except ValidationError:
        outcome.already.append(paper.title)


def delete_collection(*, collection: Collection) -> None:
    """Delete a collection, its sections and items (its owner's or a moderator's decision)."""
    collection.delete()
