"""Write paths for papers and venues."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from precis.lib import identifiers, richtext

from .models import Author, Identifier, Paper, PaperAuthor, Venue


@dataclass
class PaperRecord:
    """One paper as any source describes it; ``upsert_paper`` writes it."""

    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    year: int | None = None
    published_on: date | None = None
    venue_key: str = ""
    url: str = ""
    pdf_url: str = ""
    keywords: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    source: str = ""


def find_paper(scheme: str, value: str) -> Paper | None:
    """The paper with this identifier (value in any accepted form), or None.

    Raises identifiers.InvalidIdentifier when ``value`` is malformed.
    """
    normalized = identifiers.normalize(scheme, value)
    return Paper.objects.by_identifier(scheme, normalized).first()


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


@transaction.atomic
def upsert_paper(record: PaperRecord) -> tuple[Paper, bool]:
    """Create the paper, or update the one that shares any identifier with it.

    Returns (paper, created). Identifiers are normalised; a field the record
    leaves empty never blanks a stored one.
    """
    normalized = {
        scheme: identifiers.normalize(scheme, value)
        for scheme, value in record.identifiers.items()
        if value
    }
    existing = Identifier.objects.select_related("paper").filter(
        scheme__in=normalized.keys(), value__in=normalized.values()
    )
    match = next((i.paper for i in existing if normalized.get(i.scheme) == i.value), None)
    paper = match or Paper()
    created = match is None
    for name in ("title", "abstract", "year", "published_on", "url", "pdf_url", "source"):
        value = getattr(record, name)
        if value or created:
            setattr(paper, name, value)
    for name in ("keywords", "categories"):
        if getattr(record, name):
            setattr(paper, name, list(getattr(record, name)))
    if record.venue_key:
        paper.venue = Venue.objects.filter(key=record.venue_key).first() or paper.venue
    paper.save()
    if record.authors and (created or not paper.paper_authors.exists()):
        set_authors(paper, record.authors)
    for scheme, value in normalized.items():
        Identifier.objects.get_or_create(scheme=scheme, value=value, defaults={"paper": paper})
    return paper, created


def set_authors(paper: Paper, names: list[str]) -> None:
    paper.paper_authors.all().delete()
    for position, name in enumerate(names):
        author = Author.objects.filter(name=name).first() or Author.objects.create(name=name)
        PaperAuthor.objects.create(paper=paper, author=author, position=position)


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
