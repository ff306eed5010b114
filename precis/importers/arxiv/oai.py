"""Parse arXiv's OAI-PMH responses (export.arxiv.org/oai2) into ``PaperRecord``s.

One page in, one ``OaiPage`` out: the records (GetRecord or ListRecords), the
resumption token that asks for the next page, and any OAI-PMH error. The three
metadata formats arXiv serves are told apart by the namespace of the element
inside ``<metadata>``: ``arXiv`` (structured authors), ``arXivRaw`` (authors as
one string, every version with its date) and ``oai_dc`` (Dublin Core).

Liberal in what it accepts: elements are found by their local names, whatever
namespace they are in (or none), so a response written without the OAI
namespace reads, and a metadata element that inherits the OAI namespace is
recognised by its name (``<arXiv>``) or by the request's ``metadataPrefix``.

Pages are at most a few MB, so the whole page is parsed at once and records are
read by walking their children (no per-record XPath): 1000 records take ~0.1 s.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime

from lxml import etree

from precis.importers.arxiv.parse import (
    XML_PARSER,
    author,
    clean_text,
    element_text,
    first_doi,
    iso_date,
    unique,
    venue_of,
)
from precis.importers.base import AuthorName, ImportProblem, PaperRecord, VersionRecord
from precis.lib.identifiers import InvalidIdentifier, normalize_arxiv, normalize_doi

ARXIV_NS = "http://arxiv.org/OAI/arXiv/"
ARXIV_RAW_NS = "http://arxiv.org/OAI/arXivRaw/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
SOURCE = "arxiv-oai"

#: ``error_code`` of a page that is not an OAI-PMH response at all (not an OAI code).
MALFORMED_RESPONSE = "malformedResponse"
#: The OAI-PMH error that only says a selective harvest found nothing.
NO_RECORDS_MATCH = "noRecordsMatch"

OAI_IDENTIFIER_PREFIX = re.compile(r"^oai:arxiv\.org:", re.IGNORECASE)
# Text whose line breaks were written as a literal backslash-n (seen in a test
# file of a harvester): such text has no real line break and has a "\n" before
# whitespace or at its end, which LaTeX ("\nu", "\nabla") never has.
ESCAPED_LINE_BREAK = re.compile(r"\\n(?=\s|$)")
ARXIV_LINK = re.compile(r"^(?:arxiv:|(?:https?://)?(?:www\.|export\.)?arxiv\.org/)", re.IGNORECASE)
WEB_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
COMMENT_PREFIX = re.compile(r"^comment\s*:\s*", re.IGNORECASE)
# arXivRaw author lists: "A, B, and C", "A and B", "A; B", "A & B".
AUTHOR_SEPARATOR = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
NAME_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)


@dataclass
class OaiPage:
    """One OAI-PMH response.

    ``resumption_token`` is ``None`` on the last page (no token, or an empty
    ``<resumptionToken/>``). ``error_code`` is an OAI-PMH error code such as
    ``noRecordsMatch`` (an empty harvest, not a failure), ``badResumptionToken``
    or ``idDoesNotExist``; ``MALFORMED_RESPONSE`` when the body is not OAI-PMH.
    """

    records: list[PaperRecord | ImportProblem] = field(default_factory=list)
    resumption_token: str | None = None
    complete_list_size: int | None = None
    cursor: int | None = None
    error_code: str | None = None
    error_message: str = ""

    @property
    def failed(self) -> bool:
        """True for an error other than ``noRecordsMatch``."""
        return self.error_code is not None and self.error_code != NO_RECORDS_MATCH


def parse_oai_page(data: bytes) -> OaiPage:
    """Read one OAI-PMH response (GetRecord or ListRecords, any arXiv metadata format).

    Never raises: a body that is not OAI-PMH comes back with ``error_code``
    ``MALFORMED_RESPONSE`` and a message saying what is wrong; a record that
    cannot be used is an ``ImportProblem`` among the records.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        return OaiPage(
            error_code=MALFORMED_RESPONSE,
            error_message=f"The OAI-PMH response is not well-formed XML: {exc}.",
        )
    if not isinstance(root.tag, str) or _local(root) != "OAI-PMH":
        return OaiPage(
            error_code=MALFORMED_RESPONSE,
            error_message=(
                f"The response is not OAI-PMH: its root element is <{_local(root)}>, not <OAI-PMH>."
            ),
        )
    page = OaiPage()
    errors = list(_children(root, "error"))
    if errors:
        page.error_code = errors[0].get("code") or "unknown"
        page.error_message = "; ".join(element_text(error) for error in errors)
    request = _child(root, "request")
    prefix = request.get("metadataPrefix", "") if request is not None else ""
    for verb in _children(root, "ListRecords", "GetRecord"):
        page.records.extend(_record(record, prefix) for record in _children(verb, "record"))
        token = _child(verb, "resumptionToken")
        if token is not None:
            page.resumption_token = (token.text or "").strip() or None
            page.complete_list_size = _integer(token.get("completeListSize"))
            page.cursor = _integer(token.get("cursor"))
    return page


def _integer(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


def _children(element, *names: str):
    """The child elements with one of these local names, in any namespace or none."""
    for child in element.iterchildren(etree.Element):
        if _local(child) in names:
            yield child


def _child(element, name: str):
    """The first child element with this local name, or ``None``."""
    return next(_children(element, name), None)


def _record(record, prefix: str = "") -> PaperRecord | ImportProblem:
    header = metadata = None
    for child in record.iterchildren(etree.Element):
        name = _local(child)
        if name == "header" and header is None:
            header = child
        elif name == "metadata" and metadata is None:
            metadata = child
    oai_identifier = element_text(_child(header, "identifier")) if header is not None else ""
    source_ref = oai_identifier or "a record without identifier"
    if header is not None and header.get("status") == "deleted":
        header_id = _arxiv_id(OAI_IDENTIFIER_PREFIX.sub("", oai_identifier))
        if not header_id:
            return ImportProblem(source_ref, "Skipped: a deleted record without an arXiv id.")
        return PaperRecord(
            title="",
            identifiers={"arxiv": header_id},
            source=SOURCE,
            source_ref=source_ref,
            deleted=True,
        )
    content = next(metadata.iterchildren(etree.Element), None) if metadata is not None else None
    if content is None:
        return ImportProblem(source_ref, "Skipped: the record has no metadata.")
    reader = _reader_for(content, prefix)
    if reader is None:
        namespace = etree.QName(content).namespace or "no namespace"
        return ImportProblem(
            source_ref,
            f"Skipped: metadata in an unknown format (<{_local(content)}> in {namespace}); "
            "expected arXiv, arXivRaw or oai_dc.",
        )
    paper = reader(content)
    paper.source, paper.source_ref = SOURCE, source_ref
    if not paper.identifiers.get("arxiv"):
        header_id = _arxiv_id(OAI_IDENTIFIER_PREFIX.sub("", oai_identifier))
        paper.identifiers = _identifiers(header_id, paper.identifiers.get("doi", ""))
    return _checked(paper)


def _checked(paper: PaperRecord) -> PaperRecord | ImportProblem:
    """The finished record, or the problem that makes it unusable."""
    arxiv_id = paper.identifiers.get("arxiv")
    if not arxiv_id:
        return ImportProblem(paper.source_ref, "Skipped: the record has no valid arXiv id.")
    if not paper.title:
        return ImportProblem(paper.source_ref, "Skipped: the record has no title.")
    # The id is canonical already; arxiv_url() would parse it again, 1000 times a page.
    paper.url = paper.url or f"https://arxiv.org/abs/{arxiv_id}"
    paper.pdf_url = paper.pdf_url or f"https://arxiv.org/pdf/{arxiv_id}"
    paper.year = paper.published_on.year if paper.published_on else None
    paper.venue_name = paper.journal_ref
    paper.venue_key = venue_of(paper.journal_ref)
    paper.doc_type = "preprint"
    paper.identifiers_normalized = True  # every reader made them with normalize_*
    return paper


def _arxiv_id(raw: str) -> str:
    try:
        return normalize_arxiv(raw) if raw else ""
    except InvalidIdentifier:
        return ""


def _identifiers(arxiv_id: str, doi: str) -> dict[str, str]:
    return {scheme: value for scheme, value in (("arxiv", arxiv_id), ("doi", doi)) if value}


def _text(raw: str | None) -> str:
    """Element text, cleaned, with escaped line breaks undone (see ``ESCAPED_LINE_BREAK``)."""
    if not raw:
        return ""
    # "\n" first: it is in most long texts, near their start, and rules the rest out
    if "\n" not in raw and "\\n" in raw and ESCAPED_LINE_BREAK.search(raw):
        raw = raw.replace("\\n", " ")
    return clean_text(raw)


def _texts(content, names: frozenset[str], people: list | None = None) -> dict[str, str]:
    """The cleaned text of the first child element of each of the local ``names``.

    With ``people``, the ``<author>`` elements of every ``<authors>`` child are
    appended to it in order, in the same pass over the children.
    """
    texts: dict[str, str] = {}
    local_names = _LOCAL_NAMES
    for child in content.iterchildren(etree.Element):
        name = local_names.get(child.tag) or _local(child)
        if name in names:
            if name not in texts:
                texts[name] = _text(child.text if not len(child) else _all_text(child))
        elif name == "authors" and people is not None:
            people.extend(
                person
                for person in child.iterchildren(etree.Element)
                if (local_names.get(person.tag) or _local(person)) == "author"
            )
    return texts


def _all_text(element) -> str:
    """All the text inside ``element``; most hold only text, which ``.text`` gives faster."""
    if len(element):
        return "".join(element.itertext())
    return element.text or ""


#: Local names by tag; a page has a few dozen distinct tags, a hostile one may have more.
_LOCAL_NAMES: dict = {}
_LOCAL_NAMES_MAX = 1000


def _local(element) -> str:
    """The tag without namespace (a lookup: ``etree.QName`` and slicing are slower)."""
    tag = element.tag
    try:
        return _LOCAL_NAMES[tag]
    except KeyError:
        local = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_MAX:
            _LOCAL_NAMES[tag] = local
        return local


# --------------------------------------------------------------------------
# metadataPrefix=arXiv
# --------------------------------------------------------------------------


ARXIV_FIELDS = frozenset(
    {"id", "created", "title", "categories", "comments", "journal-ref", "doi", "abstract"}
)
ARXIV_RAW_FIELDS = frozenset(
    {"id", "title", "authors", "categories", "comments", "journal-ref", "doi", "abstract"}
)


def _read_arxiv(content) -> PaperRecord:
    people: list = []
    fields = _texts(content, ARXIV_FIELDS, people)
    published_on = iso_date(fields.get("created", ""))
    return PaperRecord(
        title=fields.get("title", ""),
        authors=[_structured_author(person) for person in people],
        abstract=fields.get("abstract", ""),
        published_on=published_on,
        categories=unique(fields.get("categories", "").split()),
        identifiers=_identifiers(_arxiv_id(fields.get("id", "")), first_doi(fields.get("doi", ""))),
        journal_ref=fields.get("journal-ref", ""),
        comments=fields.get("comments", ""),
    )


def _structured_author(person) -> AuthorName:
    """``<keyname>``, ``<forenames>``, ``<suffix>`` → "Forenames Keyname Suffix".

    Affiliations are dropped. A part given twice (two ``<keyname>``s, one of
    them perhaps empty) keeps both, in order: nothing the source says is lost.
    Parts are stripped of stray commas ("Martinez,") so that ``normalize_name``
    does not read a "Family, Given" form into them.
    """
    forenames: list[str] = []
    keyname: list[str] = []
    suffix: list[str] = []
    parts = {"forenames": forenames, "keyname": keyname, "suffix": suffix}
    local_names = _LOCAL_NAMES
    for child in person.iterchildren(etree.Element):
        words = parts.get(local_names.get(child.tag) or _local(child))
        if words is None:
            continue  # an <affiliation>
        text = child.text if not len(child) else _all_text(child)
        if not text:
            continue
        # clean_text, inlined for the common case: ASCII text is NFC already
        text = " ".join(text.split()) if text.isascii() else clean_text(text)
        if "," in text:
            text = text.strip(" ,").replace(",", " ")
        if text:
            words.append(text)
    return author(" ".join(forenames + keyname + suffix))


# --------------------------------------------------------------------------
# metadataPrefix=arXivRaw
# --------------------------------------------------------------------------


def _read_arxiv_raw(content) -> PaperRecord:
    fields = _texts(content, ARXIV_RAW_FIELDS)
    versions, published_on = _versions(_children(content, "version"))
    return PaperRecord(
        title=fields.get("title", ""),
        authors=[author(name) for name in split_authors(fields.get("authors", ""))],
        abstract=fields.get("abstract", ""),
        published_on=published_on,
        categories=unique(fields.get("categories", "").split()),
        identifiers=_identifiers(_arxiv_id(fields.get("id", "")), first_doi(fields.get("doi", ""))),
        journal_ref=fields.get("journal-ref", ""),
        comments=fields.get("comments", ""),
        versions=versions,
    )


def _versions(versions) -> tuple[list[VersionRecord], date | None]:
    """Every dated ``<version version="vN">`` (RFC 2822 ``<date>``), oldest first, and
    the submission date of the first (v1's: the paper's ``published_on``).

    A version without a usable date or number is left out of the list.
    """
    dated: dict[int, date] = {}
    for version in versions:
        number = _integer((version.get("version") or "").lstrip("vV")) or 0
        raw = next((_text(child.text) for child in version if _local(child) == "date"), "")
        try:
            dated.setdefault(number, parsedate_to_datetime(raw).date())
        except (TypeError, ValueError, IndexError):
            continue
    ordered = sorted(dated.items())
    first = ordered[0][1] if ordered else None
    return [VersionRecord(number, day) for number, day in ordered if number > 0], first


def split_authors(raw: str) -> list[str]:
    """arXivRaw's one-string author list, split into names in paper order.

    Separators are commas, semicolons, ``&`` and the word "and". Parenthesised
    text (affiliations, "(1) MIT, (2) Harvard") is dropped before splitting, so
    its commas split nothing. A lone "Jr." or "III" joins the name before it.
    """
    names: list[str] = []
    for piece in AUTHOR_SEPARATOR.split(_without_parentheses(raw)):
        piece = clean_text(piece)
        if not piece:
            continue
        if NAME_SUFFIX.match(piece) and names:
            names[-1] = f"{names[-1]} {piece}"
        else:
            names.append(piece)
    return names


def _without_parentheses(text: str) -> str:
    """``text`` without anything inside (possibly nested) parentheses."""
    kept, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


# --------------------------------------------------------------------------
# metadataPrefix=oai_dc
# --------------------------------------------------------------------------


def _read_oai_dc(content) -> PaperRecord:
    values: dict[str, list[str]] = {}
    for child in content.iterchildren(etree.Element):
        text = _text(_all_text(child))
        if text:
            values.setdefault(_local(child), []).append(text)
    descriptions = values.get("description", [])
    comments = [COMMENT_PREFIX.sub("", text) for text in descriptions if COMMENT_PREFIX.match(text)]
    abstracts = [text for text in descriptions if not COMMENT_PREFIX.match(text)]
    arxiv_id, doi, journal_ref = _dc_identifiers(values.get("identifier", []))
    dates = values.get("date", [])
    return PaperRecord(
        title=(values.get("title") or [""])[0],
        authors=[author(name) for name in values.get("creator", [])],
        abstract=abstracts[0] if abstracts else "",
        published_on=iso_date(dates[0]) if dates else None,
        # dc:subject names categories in words ("Computer Science - Information
        # Theory"), not as codes, so they are keywords and categories stay empty.
        keywords=unique(values.get("subject", [])),
        identifiers=_identifiers(arxiv_id, doi),
        journal_ref=journal_ref,
        comments=comments[0] if comments else "",
    )


def _dc_identifiers(identifiers: list[str]) -> tuple[str, str, str]:
    """(arXiv id, DOI, journal-ref) from dc:identifier values.

    arXiv lists the abstract URL, ``doi:…`` and, as plain text, the journal-ref.
    """
    arxiv_id = doi = journal_ref = ""
    for value in identifiers:
        if ARXIV_LINK.match(value):
            arxiv_id = arxiv_id or _arxiv_id(value)
        elif found_doi := _doi(value):
            doi = doi or found_doi
        elif not WEB_ADDRESS.match(value):
            journal_ref = journal_ref or value
    return arxiv_id, doi, journal_ref


def _doi(value: str) -> str:
    """The DOI that ``value`` is (``doi:10.…``, ``10.…``, a doi.org URL), or ``""``."""
    try:
        return normalize_doi(value)
    except InvalidIdentifier:
        return ""


READERS: dict[str, Callable[[etree._Element], PaperRecord]] = {
    ARXIV_NS: _read_arxiv,
    ARXIV_RAW_NS: _read_arxiv_raw,
    OAI_DC_NS: _read_oai_dc,
}
# The same readers by the metadata element's local name and by metadataPrefix,
# for responses whose metadata lacks (or inherits the wrong) namespace.
READERS_BY_NAME = {"arXiv": _read_arxiv, "arXivRaw": _read_arxiv_raw, "dc": _read_oai_dc}
READERS_BY_PREFIX = {"arXiv": _read_arxiv, "arXivRaw": _read_arxiv_raw, "oai_dc": _read_oai_dc}


#: Readers by the metadata element's tag (None: neither its namespace nor its name says).
_READERS_BY_TAG: dict = {}


def _reader_for(content, prefix: str) -> Callable[[etree._Element], PaperRecord] | None:
    """The reader for a metadata element: by its namespace, else its name, else the request's prefix."""
    tag = content.tag
    try:
        reader = _READERS_BY_TAG[tag]
    except KeyError:
        reader = READERS.get(etree.QName(content).namespace or "") or READERS_BY_NAME.get(
            _local(content)
        )
        if len(_READERS_BY_TAG) < _LOCAL_NAMES_MAX:
            _READERS_BY_TAG[tag] = reader
    return reader or READERS_BY_PREFIX.get(prefix)
