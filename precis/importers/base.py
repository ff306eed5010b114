"""The one normalised record every importer yields, and the per-item problem report.

Parsers are pure: bytes in, an iterator of ``PaperRecord`` and ``ImportProblem``
out. ``precis.papers.services.upsert_papers`` is the only thing that writes them.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class AuthorName:
    """One author as a source gives it: display name ("Given Family") and ORCID iD if known."""

    name: str
    orcid: str = ""

    def __reduce__(self):
        # An import sends a few of these per record to the writer's process: as
        # arguments they pickle smaller and load faster than as attribute state.
        return type(self), (self.name, self.orcid) if self.orcid else (self.name,)


@dataclass(frozen=True)
class VersionRecord:
    """One version of a paper as a source lists it: arXiv's vN with its date.

    ``number`` is None for a source that dates its record but does not number it
    (Crossref): the writer numbers it after the versions it knows.
    """

    number: int | None
    released_on: date | None = None
    label: str = ""  # how readers see it; "v{number}" when empty


@dataclass
class PaperRecord:
    title: str
    authors: list[AuthorName] = field(default_factory=list)
    abstract: str = ""
    year: int | None = None
    published_on: date | None = None
    venue_key: str = ""  # a Venue key (icml, nips, …) when the parser could map it
    venue_name: str = ""  # the venue as the source names it: journal, booktitle, journal-ref
    url: str = ""
    pdf_url: str = ""
    keywords: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # arXiv category codes, primary first
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> value, any accepted form
    source: str = ""  # arxiv, arxiv-oai, crossref, dblp, bibtex, demo
    source_ref: str = ""  # where in the input: an OAI identifier, a BibTeX key, "entry 12"
    deleted: bool = False  # an OAI-PMH deleted record: identifiers only, nothing to write
    doc_type: str = ""  # article, inproceedings, preprint, book, …
    journal_ref: str = ""
    comments: str = ""
    # The versions the source lists, oldest first; the record's title, abstract and
    # comments are those of the last one (see precis.papers.versions).
    versions: list[VersionRecord] = field(default_factory=list)
    # Set by a parser whose identifiers are all in precis.lib.identifiers' canonical
    # form already: the writer then stores them without normalising them again.
    identifiers_normalized: bool = field(default=False, compare=False)

    def __post_init__(self):
        self.authors = [
            a if isinstance(a, AuthorName) else AuthorName(str(a)) for a in self.authors
        ]


@dataclass(frozen=True)
class ImportProblem:
    """One item that could not be imported, said so a person can act on it."""

    source_ref: str
    message: str

    def __str__(self) -> str:
        return f"{self.source_ref}: {self.message}" if self.source_ref else self.message
