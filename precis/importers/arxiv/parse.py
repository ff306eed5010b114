"""Parse export.arxiv.org/api/query Atom feeds into ``PaperRecord``s.

Both generations of the feed are read: the legacy one (``xmlns:arxiv`` declared on
each element, ``http://arxiv.org/abs/…`` links) and the current one (namespaces
declared once on ``<feed>``, ``https://`` links). Element order never matters.

The helpers shared with the OAI-PMH parser (text cleaning, identifier picking,
the venue of a journal-ref) live here too.
"""

import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from lxml import etree

from precis.importers.base import AuthorName, ImportProblem, PaperRecord, VersionRecord
from precis.importers.names import normalize_name
from precis.importers.venues import venue_key_for
from precis.lib.identifiers import InvalidIdentifier, normalize_doi, split_arxiv_version

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
SOURCE = "arxiv"
API_REF = "arXiv API"
#: How the problem made of an error feed starts (what follows is arXiv's own words).
REFUSED = "The arXiv API refused the query: "

# The API reports a refused query as a feed whose one entry has an id like
# https://arxiv.org/api/errors#incorrect_id_format_for_abc (http:// in 2016).
ERROR_ENTRY_ID = re.compile(r"^https?://(?:export\.)?arxiv\.org/api/errors\b", re.IGNORECASE)
# TeX accent macros in names: \'e, \'{e}, \"{\i}, \v{r}, \c c, \vr (braces lost upstream)
TEX_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
TEX_LETTERS = {
    "ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "i": "ı", "j": "ȷ",
}  # fmt: skip
TEX_LETTER_MACROS = r"ss|aa|AA|ae|AE|oe|OE|[lLoOij]"
TEX_ACCENT = re.compile(
    r"\\(?P<accent>['`^\"~=.]|[uvHckr])\s*\{?\s*"
    rf"(?P<base>\\(?:{TEX_LETTER_MACROS})|[A-Za-z])(?:\s*\}})?"
)
TEX_LETTER = re.compile(rf"\\({TEX_LETTER_MACROS})(?:\{{\}}|\s+)?")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# lxml's defaults would fetch external DTDs and expand entities; a feed needs neither.
XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
)


def _cp1252_specials() -> dict[str, int]:
    """The characters cp1252 puts where Latin-1 has C1 controls (``€`` for 0x80, …)."""
    specials = {}
    for byte in range(0x80, 0xA0):
        try:
            specials[bytes([byte]).decode("cp1252")] = byte
        except UnicodeDecodeError:
            continue  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned in cp1252
    return specials


CP1252_BYTE = _cp1252_specials()


# --------------------------------------------------------------------------
# Helpers shared with the OAI-PMH parser
# --------------------------------------------------------------------------


def clean_text(text: str | None) -> str:
    """Whitespace runs (newlines included) collapsed to one space, ends stripped, NFC."""
    if not text:
        return ""
    if text.isascii():  # most text: NFC already
        return " ".join(text.split())
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())  # str.split() is several times faster than a regex here


def element_text(element) -> str:
    """All the text inside ``element`` (``""`` for ``None``), cleaned."""
    if element is None:
        return ""
    return clean_text("".join(element.itertext()))


def name_from_tex(name: str) -> str:
    """Turn the TeX accents arXiv leaves in some names into Unicode: ``S\\lawianowski`` → ``Sławianowski``.

    arXiv's metadata keeps a few names half-converted and without braces
    (``Lefran\\ccois``, ``Pila\\vr``, ``Y\\ilmaz``), so a macro is read as a
    single letter even when a letter follows it. ``\\i`` is TeX's dotless i.
    """
    if "\\" not in name:
        return name
    name = TEX_ACCENT.sub(_accented, name)
    name = TEX_LETTER.sub(lambda match: TEX_LETTERS[match[1]], name)
    return unicodedata.normalize("NFC", name.replace("{", "").replace("}", ""))


def _accented(match: re.Match) -> str:
    base = match["base"]
    if base.startswith("\\"):
        base = TEX_LETTERS[base[1:]]
    base = {"ı": "i", "ȷ": "j"}.get(base, base)  # \'\i is í: the accent replaces the dot
    return base + TEX_ACCENTS[match["accent"]]


def author(raw: str) -> AuthorName:
    """An author as arXiv writes the name ("Given Family", "Family, Given", TeX accents)."""
    return AuthorName(normalize_name(name_from_tex(raw)))


def first_doi(raw: str) -> str:
    """The first valid DOI among the whitespace-separated values in ``raw``, or ``""``.

    arXiv keeps one DOI field; papers with an erratum list two DOIs in it.
    """
    for candidate in (raw or "").split():
        try:
            return normalize_doi(candidate)
        except InvalidIdentifier:
            continue
    return ""


def iso_date(raw: str) -> date | None:
    """The date of ``2015-07-10`` or ``2011-11-08T18:48:36Z``; ``None`` when there is none."""
    match = ISO_DATE.match((raw or "").strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def venue_of(journal_ref: str) -> str:
    """The Venue key for a journal-ref; a preprint that names no known venue is ``arxiv``."""
    return venue_key_for(name=journal_ref) or "arxiv"


def unique(values) -> list[str]:
    """``values`` without empty strings and repeats, first occurrence kept."""
    return list(dict.fromkeys(value for value in values if value))


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1 or cp1252 (``WÃ¼bben`` → ``Wübben``).

    Only text that is recognisably such mojibake changes: every character must map
    back to one byte and those bytes must be valid UTF-8 holding non-ASCII text.
    Correct text (``Balázs``) stays as it is, since ``á`` alone is not valid UTF-8.
    """
    if text.isascii():
        return text
    raw = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x100:
            raw.append(code)
        elif char in CP1252_BYTE:
            raw.append(CP1252_BYTE[char])
        else:
            return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def unwrap_capture(data: bytes) -> bytes:
    """The Atom body of a recorded response ``{"url": …, "status_code": …, "body": "…"}``.

    The recorder of the ``arxiv`` Python package stored bodies as mojibake (UTF-8
    read as Latin-1); that is repaired, and the body comes back as UTF-8 bytes.
    Raises ``ValueError`` when ``data`` is not such a capture.
    """
    try:
        capture = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a JSON capture of an arXiv API response: {exc}") from exc
    if not isinstance(capture, dict) or not isinstance(capture.get("body"), str):
        raise ValueError('not a JSON capture of an arXiv API response: no "body" text')
    return repair_mojibake(capture["body"]).encode("utf-8")


# --------------------------------------------------------------------------
# Atom feeds
# --------------------------------------------------------------------------


def parse_atom(data: bytes | str) -> Iterator[PaperRecord | ImportProblem]:
    """Yield one ``PaperRecord`` per ``<entry>`` of an arXiv API Atom feed.

    An error feed (the API's answer to a bad query) yields one ``ImportProblem``
    carrying arXiv's explanation; an empty feed yields nothing; an entry without
    a usable arXiv id or title yields an ``ImportProblem`` naming it. A body that
    is not an Atom feed at all yields one ``ImportProblem``. A JSON-wrapped
    capture (see ``unwrap_capture``) is unwrapped first.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data.lstrip()[:1] == b"{":
        try:
            data = unwrap_capture(data)
        except ValueError as exc:
            yield ImportProblem(API_REF, f"The arXiv API response could not be read: {exc}.")
            return
    try:
        feed = etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        yield ImportProblem(API_REF, f"The arXiv API response is not well-formed XML: {exc}.")
        return
    if feed.tag != f"{ATOM}feed":
        yield ImportProblem(
            API_REF, f"The arXiv API response is not an Atom feed (its root is <{feed.tag}>)."
        )
        return
    for number, entry in enumerate(feed.iterchildren(f"{ATOM}entry"), start=1):
        yield _entry(entry, number)


def _entry(entry, number: int) -> PaperRecord | ImportProblem:
    raw_id = element_text(entry.find(f"{ATOM}id"))
    if ERROR_ENTRY_ID.match(raw_id):
        reason = element_text(entry.find(f"{ATOM}summary")) or raw_id.partition("#")[2]
        return ImportProblem(API_REF, f"{REFUSED}{reason}.")
    try:
        arxiv_id, version = split_arxiv_version(raw_id)
    except InvalidIdentifier as exc:
        return ImportProblem(
            f"entry {number}", f"Skipped: the entry has no usable arXiv id ({exc})."
        )
    source_ref = f"arXiv:{arxiv_id}" + (f"v{version}" if version else "")
    title = element_text(entry.find(f"{ATOM}title"))
    if not title:
        return ImportProblem(source_ref, "Skipped: the entry has no title.")
    published_on = iso_date(element_text(entry.find(f"{ATOM}published")))
    journal_ref = element_text(entry.find(f"{ARXIV}journal_ref"))
    doi = first_doi(element_text(entry.find(f"{ARXIV}doi")))
    url, pdf_url = _links(entry)
    return PaperRecord(
        title=title,
        authors=_authors(entry),
        abstract=element_text(entry.find(f"{ATOM}summary")),
        year=published_on.year if published_on else None,
        published_on=published_on,
        venue_key=venue_of(journal_ref),
        venue_name=journal_ref,
        url=url,
        pdf_url=pdf_url,
        categories=_categories(entry),
        identifiers={"arxiv": arxiv_id, "doi": doi} if doi else {"arxiv": arxiv_id},
        source=SOURCE,
        source_ref=source_ref,
        doc_type="preprint",
        journal_ref=journal_ref,
        comments=element_text(entry.find(f"{ARXIV}comment")),
        versions=_versions(
            version, published_on, iso_date(element_text(entry.find(f"{ATOM}updated")))
        ),
    )


def _versions(number: int | None, published_on, updated_on) -> list[VersionRecord]:
    """What an entry says of versions: its own ``vN`` (dated ``<updated>``, the date of
    that version) and, for a later one, v1 (dated ``<published>``)."""
    if not number:
        return []
    if number == 1:
        return [VersionRecord(1, published_on or updated_on)]
    return [VersionRecord(1, published_on), VersionRecord(number, updated_on)]


def _authors(entry) -> list[AuthorName]:
    """Authors in feed order; their ``<arxiv:affiliation>`` is not kept."""
    names = (element_text(person.find(f"{ATOM}name")) for person in entry.iter(f"{ATOM}author"))
    return [author(name) for name in names if name]


def _categories(entry) -> list[str]:
    primary = entry.find(f"{ARXIV}primary_category")
    terms = [primary.get("term", "") if primary is not None else ""]
    terms += [category.get("term", "") for category in entry.iterchildren(f"{ATOM}category")]
    return unique(term.strip() for term in terms)


def _links(entry) -> tuple[str, str]:
    """The abstract page (``rel="alternate"``) and the PDF (``title="pdf"``) of an entry."""
    url = pdf_url = ""
    for link in entry.iterchildren(f"{ATOM}link"):
        href = (link.get("href") or "").strip()
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf_url = pdf_url or href
        elif link.get("rel", "alternate") == "alternate":
            url = url or href
    return url, pdf_url
