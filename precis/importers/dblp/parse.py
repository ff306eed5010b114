"""Parse DBLP: the dblp.xml dump (streamed), one record of dblp.org/rec/<key>.xml, search JSON.

The dump is several gigabytes of ISO-8859-1 XML whose accented letters are named
entities (``&Ouml;``) declared in ``dblp.dtd``. It is read with ``iterparse`` and
every record is dropped from the tree once read, so memory stays flat however big
the file. Slices cut out of the dump (no XML declaration, DOCTYPE or ``<dblp>``
root) and ``.gz`` files are read the same way.

Entities come from the ``<!ENTITY>`` declarations of ``dblp.dtd`` (beside the dump
or ``dtd_path=``) completed by the HTML 4 set, which holds all of DBLP's. Nothing
else outside the file is ever read: a DOCTYPE naming another file or an external
entity gets an empty document, and the network is never used.
"""

import codecs
import contextlib
import gzip
import html.entities
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.importers.names import normalize_name, normalize_orcid
from precis.importers.venues import venue_key_for
from precis.lib.identifiers import (
    InvalidIdentifier,
    normalize_arxiv,
    normalize_dblp,
    normalize_doi,
)

__all__ = [
    "DumpStats",
    "NotAPaper",
    "iter_dump",
    "parse_record_xml",
    "parse_search_json",
    "record_from_element",
]

SOURCE = "dblp"
RECORD_TAGS = (
    "article", "inproceedings", "proceedings", "book", "incollection",
    "phdthesis", "mastersthesis", "www", "data",
)  # fmt: skip
# Volumes, author home pages and research data are not papers.
SKIPPED_TAGS = frozenset({"proceedings", "www", "data"})
RECORD_URL = "https://dblp.org/rec/"
READ_SIZE = 256 * 1024
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8
# lxml keeps only the first hundred or so errors of a parse: past this many, the
# ones to come could no longer be seen, so reading stops.
MAX_RECORD_ERRORS = 50
DOCTYPE = b'<!DOCTYPE dblp SYSTEM "dblp.dtd">'
# Predefined by XML itself; declaring them again is an error.
XML_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})

# What may precede the first element: BOM, declaration, whitespace, comments, PIs.
PROLOG = re.compile(
    rb"(?P<bom>\xef\xbb\xbf)?(?P<decl><\?xml\b.*?\?>)?"
    rb"(?P<misc>(?:\s+|<!--.*?-->|<\?.*?\?>)*)(?P<doctype><!DOCTYPE\b)?",
    re.DOTALL,
)
FIRST_TAG = re.compile(rb"<(?P<name>[A-Za-z_][\w.:-]*)")
# A general entity whose value is only character references or plain text.
ENTITY_DECLARATION = re.compile(
    r"<!ENTITY\s+(?P<name>[A-Za-z_][\w.-]*)\s+"
    r"(?P<quote>[\"'])(?P<value>(?:&#\d+;|&#x[0-9A-Fa-f]+;|[^<>&%\"'])*)(?P=quote)\s*>"
)
FOUR_DIGITS = re.compile(r"\d{4}")
CORR_VOLUME = re.compile(r"abs/(?P<id>\S+)")

# The "type" of a hit in DBLP's search API, as doc_type; None: not a paper.
SEARCH_TYPES = {
    "Journal Articles": "article",
    "Conference and Workshop Papers": "inproceedings",
    "Informal and Other Publications": "informal",
    "Informal Publications": "informal",
    "Books and Theses": "book",
    "Parts in Books or Collections": "incollection",
    "Reference Works": "reference",
    "Editorship": None,
    "Data and Artifacts": None,
}


class NotAPaper(ValueError):
    """The DBLP record asked for exists but is a volume, a home page or a data set."""


@dataclass
class DumpStats:
    """What ``iter_dump`` saw; pass one in to read the counts as it goes."""

    records: int = 0  # PaperRecords yielded
    problems: int = 0  # ImportProblems yielded
    skipped: Counter = field(default_factory=Counter)  # element name -> records left out

    def __str__(self) -> str:
        skipped = ", ".join(f"{count} {tag}" for tag, count in sorted(self.skipped.items()))
        return f"{self.records} records, {self.problems} problems, skipped: {skipped or 'none'}"


# --------------------------------------------------------------------------
# The dump
# --------------------------------------------------------------------------


def iter_dump(
    source: BinaryIO | str | Path,
    *,
    dtd_path: str | Path | None = None,
    stats: DumpStats | None = None,
) -> Iterator[PaperRecord | ImportProblem]:
    """Yield a ``PaperRecord`` per paper of a dblp.xml dump, slice or ``.gz``; memory stays flat.

    ``source`` is a path or a binary file (gzip is recognised by its content).
    ``dtd_path`` defaults to ``dblp.dtd`` beside the file when there is one.
    Proceedings volumes, home pages (``www``) and ``data`` records are skipped
    quietly and counted in ``stats.skipped``. A record without key or title, or
    one using an entity no DTD declares, yields an ``ImportProblem`` naming it.
    Broken XML ends the reading with one ``ImportProblem`` giving the line and
    column; the records before it have been yielded. Raises ``FileNotFoundError``
    when ``source`` or an explicit ``dtd_path`` does not exist.
    """
    stats = stats if stats is not None else DumpStats()
    if dtd_path is not None and not Path(dtd_path).is_file():
        raise FileNotFoundError(f"There is no DTD at {dtd_path}.")
    if isinstance(source, str | Path):
        path = Path(source)
        dtd_path = dtd_path or _dtd_beside(path)
        with path.open("rb") as file:
            yield from _read_dump(file, dtd_path, stats)
    else:
        name = getattr(source, "name", None)
        if dtd_path is None and isinstance(name, str | Path):
            dtd_path = _dtd_beside(Path(name))
        yield from _read_dump(source, dtd_path, stats)


def _dtd_beside(path: Path) -> Path | None:
    candidate = path.with_name("dblp.dtd")
    return candidate if candidate.is_file() else None


def _read_dump(file: BinaryIO, dtd_path, stats: DumpStats) -> Iterator:
    head = file.read(READ_SIZE)
    if head.startswith(GZIP_MAGIC):
        file = gzip.GzipFile(fileobj=_Chained([head], file, []), mode="rb")
        head = file.read(READ_SIZE)
    head, suffix = complete_prolog(head)
    reader = _DumpReader(_Chained([head], file, [suffix]), dtd_path, stats)
    yield from reader


def complete_prolog(head: bytes) -> tuple[bytes, bytes]:
    """Add what a slice of dblp.xml lacks; returns (new head, bytes to append at the end).

    A file with a DOCTYPE is left alone. Otherwise a DOCTYPE naming dblp.dtd is
    added (after the declaration, or after a synthetic one), and a ``<dblp>``
    root when the first element is a record. Nothing added holds a line break,
    so line numbers in messages stay those of the file.
    """
    prolog = PROLOG.match(head)
    if prolog["doctype"]:
        return head, b""
    declaration = prolog["decl"] or _declaration_for(head)
    rest = head[prolog.end() :]
    first = FIRST_TAG.match(rest)
    needs_root = not (first and first["name"] == b"dblp")
    new_head = b"".join(
        [
            prolog["bom"] or b"",
            declaration,
            prolog["misc"],
            DOCTYPE,
            b"<dblp>" if needs_root else b"",
            rest,
        ]
    )
    return new_head, b"</dblp>" if needs_root else b""


def _declaration_for(head: bytes) -> bytes:
    """An XML declaration for a slice without one: DBLP's ISO-8859-1, unless the bytes are UTF-8."""
    encoding = b"ISO-8859-1"
    if head.startswith(UTF8_BOM) or not head.isascii():
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = b"UTF-8"
        except UnicodeDecodeError:
            pass
    return b'<?xml version="1.0" encoding="' + encoding + b'"?>'


class _Chained:
    """A read-only binary file made of some bytes, then a stream, then some more bytes."""

    def __init__(self, before: Iterable[bytes], stream: BinaryIO, after: Iterable[bytes]):
        self._pieces = self._all(before, stream, after)
        self._pending = b""

    @staticmethod
    def _all(before, stream, after) -> Iterator[bytes]:
        yield from before
        while chunk := stream.read(READ_SIZE):
            yield chunk
        yield from after

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            data = self._pending + b"".join(self._pieces)
            self._pending = b""
            return data
        while not self._pending:
            piece = next(self._pieces, None)
            if piece is None:
                return b""
            self._pending = piece
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


class _EntityResolver(etree.Resolver):
    """Answers every DTD with the entity declarations DBLP needs, anything else with nothing."""

    def __init__(self, dtd_path: Path | None):
        super().__init__()
        self._dtd = entity_declarations(str(dtd_path) if dtd_path else "")

    def resolve(self, system_url, public_id, context):
        if (system_url or "").lower().endswith(".dtd"):
            return self.resolve_string(self._dtd, context)
        return self.resolve_string(b"", context)  # external entities: never read a file


@lru_cache(maxsize=8)
def entity_declarations(dtd_path: str = "") -> bytes:
    """``<!ENTITY>`` declarations: those of the DTD at ``dtd_path``, then the rest of HTML 4's.

    Only general entities whose values are character references or plain text
    are taken from the file, so a DTD with other content (or junk) still serves.
    """
    declared: dict[str, str] = {}
    if dtd_path:
        text = Path(dtd_path).read_bytes().decode("utf-8", errors="replace")
        for match in ENTITY_DECLARATION.finditer(text):
            declared.setdefault(match["name"], match["value"])
    for name, codepoint in html.entities.name2codepoint.items():
        declared.setdefault(name, f"&#{codepoint};")
    lines = (
        f'<!ENTITY {name} "{value}">'
        for name, value in declared.items()
        if name not in XML_PREDEFINED
    )
    return "\n".join(lines).encode("ascii", errors="xmlcharrefreplace")


class _DumpReader:
    """The streaming loop: one item per record element, problems attributed to their record.

    An undeclared entity is not fatal to libxml2: the parser goes on with the
    letter missing. So each item is held until the next record starts, and the
    errors logged on its lines turn it into an ImportProblem.
    """

    def __init__(self, file, dtd_path, stats: DumpStats):
        self.stats = stats
        self.events = etree.iterparse(
            file,
            events=("end",),
            tag=RECORD_TAGS,
            load_dtd=True,
            resolve_entities=True,
            no_network=True,
            huge_tree=True,  # the dump is >3 GB: libxml2's default limits stop early
            remove_comments=True,
            remove_pis=True,
        )
        self.events.resolvers.add(_EntityResolver(dtd_path))
        self.log_position = 0
        self.attributed: set[tuple[int, int]] = set()
        self.record_errors = 0
        self.last_key = ""

    def __iter__(self) -> Iterator[PaperRecord | ImportProblem]:
        pending, pending_line = None, 0
        try:
            for _event, element in self.events:
                line = element.sourceline or 0
                if pending_line and (settled := self._settle(pending, line)) is not None:
                    yield settled
                if self.record_errors >= MAX_RECORD_ERRORS:
                    yield self._too_many_errors()
                    return
                pending, pending_line = record_from_element(element), line
                self._count_skip(element.tag, pending)
                _forget(element)
        except etree.XMLSyntaxError as exc:
            if pending_line and (settled := self._settle(pending, exc.lineno or 0)) is not None:
                yield settled
            if problem := self._broken_xml(exc):
                self.stats.problems += 1
                yield problem
            return
        if pending_line and (settled := self._settle(pending, float("inf"))) is not None:
            yield settled
        elif not pending_line:
            self.stats.problems += 1
            yield ImportProblem(
                "", "No DBLP records found: the file has no <article>, <inproceedings>, … elements."
            )

    def _too_many_errors(self) -> ImportProblem:
        self.stats.problems += 1
        return ImportProblem(
            f"after record {self.last_key}" if self.last_key else "",
            f"Reading stopped: {self.record_errors} records used entities that no DTD declares. "
            "This dump needs the dblp.dtd published with it (dtd_path=…).",
        )

    def _count_skip(self, tag: str, item) -> None:
        if item is None:
            self.stats.skipped[tag] += 1

    def _settle(self, item, before_line) -> PaperRecord | ImportProblem | None:
        """The held item, counted; a problem if libxml2 logged an error on its lines."""
        errors = self._errors_before(before_line)
        if item is None:
            return None
        if errors and isinstance(item, PaperRecord):
            self.record_errors += 1
            first = errors[0]
            item = ImportProblem(
                item.source_ref,
                f"Skipped: line {first.line}: {first.message}, so the record's text would be "
                "wrong. Give the dblp.dtd that came with this dump (dtd_path=…).",
            )
        if isinstance(item, PaperRecord):
            self.stats.records += 1
            self.last_key = item.source_ref
        else:
            self.stats.problems += 1
        return item

    def _errors_before(self, line) -> list:
        log = self.events.error_log
        errors = []
        while self.log_position < len(log) and log[self.log_position].line < line:
            entry = log[self.log_position]
            self.log_position += 1
            self.attributed.add((entry.line, entry.type))
            if entry.level >= etree.ErrorLevels.ERROR:
                errors.append(entry)
        return errors

    def _broken_xml(self, exc: etree.XMLSyntaxError) -> ImportProblem | None:
        """The problem for the error that stopped the parser, or None if it was a record's."""
        fatal = [
            entry
            for entry in self.events.error_log
            if entry.level == etree.ErrorLevels.FATAL
            and (entry.line, entry.type) not in self.attributed
        ]
        if fatal:
            line, column, message = fatal[0].line, fatal[0].column, fatal[0].message
        elif (exc.lineno, exc.code) in self.attributed:
            return None  # the record that used an undeclared entity was reported already
        else:
            line, column = exc.position
            message = exc.msg.split(", line ")[0]
        after = f" after record {self.last_key}" if self.last_key else ""
        return ImportProblem(
            f"line {line}",
            f"The XML is broken at line {line}, column {column}{after}: {message.strip()}. "
            "Reading stopped there; the records before it were read.",
        )


def _forget(element) -> None:
    """Drop a record and everything before it from the tree, so memory stays flat."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


# --------------------------------------------------------------------------
# One record
# --------------------------------------------------------------------------


def record_from_element(element) -> PaperRecord | ImportProblem | None:
    """Map one DBLP record element; ``None`` for a volume, home page or data record."""
    tag = element.tag
    if tag in SKIPPED_TAGS:
        return None
    key = (element.get("key") or "").strip()
    if not key:
        return ImportProblem(
            f"line {element.sourceline}",
            f"Skipped: a <{tag}> record without a key; DBLP records always have one, "
            "so the file may be damaged.",
        )
    authors, ees = [], []
    title = year = venue = volume = ""
    for child in element:  # one pass in Python: the dump has millions of records
        name = child.tag
        if name == "author":
            authors.append(_author(_text(child), child.get("orcid") or ""))
        elif name == "title":
            title = _text(child)
        elif name == "year":
            year = _text(child)
        elif name == "ee":
            ees.append(_text(child))
        elif name == "journal" or (name == "booktitle" and not venue):
            venue = _text(child)
        elif name == "volume":
            volume = _text(child)
    title = clean_title(title)
    if not title:
        return ImportProblem(key, f"Skipped: the <{tag}> record {key} has no title.")
    return PaperRecord(
        title=title,
        authors=authors,
        year=int(year) if FOUR_DIGITS.fullmatch(year) else None,
        venue_key=_venue_key(key, venue),
        venue_name=venue,
        url=ees[0] if ees else RECORD_URL + key,
        pdf_url=_pdf_link(ees),
        identifiers=_identifiers(key, ees, volume),
        source=SOURCE,
        source_ref=key,
        doc_type=_doc_type(tag, key, element.get("publtype") or ""),
    )


def _text(element) -> str:
    """The element's text with inline markup (``<i>``, ``<sub>``) dropped, whitespace collapsed."""
    text = (element.text or "") if len(element) == 0 else "".join(element.itertext())
    return " ".join(text.split())


@lru_cache(maxsize=1 << 15)
def _author(raw: str, orcid: str) -> AuthorName:
    """Authors recur throughout the dump, and AuthorName is immutable: so it is cached."""
    return AuthorName(normalize_name(raw), normalize_orcid(orcid) if orcid else "")


_VENUE_KEYS: dict[tuple[str, str], str] = {}


def _venue_key(key: str, venue: str) -> str:
    """``venue_key_for``, remembered per key stream and venue name (few, and often repeated)."""
    stream = key.rsplit("/", 1)[0]
    cached = _VENUE_KEYS.get((stream, venue))
    if cached is None:
        if len(_VENUE_KEYS) > 100_000:
            _VENUE_KEYS.clear()
        cached = _VENUE_KEYS[stream, venue] = venue_key_for(dblp_key=key, name=venue)
    return cached


def _pdf_link(ees: list[str]) -> str:
    for ee in ees:
        if ee[-4:].lower() == ".pdf":
            return ee
    return ""


def clean_title(title: str) -> str:
    """DBLP ends titles with a full stop it added itself: ``"Spectre Attacks: … Execution."``."""
    title = unicodedata.normalize("NFC", " ".join(title.split()))
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title


def _doc_type(tag: str, key: str, publtype: str) -> str:
    """The element name, but ``preprint`` for CoRR and ``informal`` for other informal ones."""
    if "informal" in publtype.split():
        return "preprint" if key.startswith("journals/corr/") else "informal"
    return tag


def _identifiers(key: str, ees: list[str], volume: str) -> dict[str, str]:
    """dblp key, the first DOI and arXiv id among the links, and CoRR's ``abs/<id>`` volume."""
    found: dict[str, str] = {}
    _put(found, "dblp", normalize_dblp, key)
    for ee in ees:
        if "doi.org/" in ee and "doi" not in found:
            _put(found, "doi", normalize_doi, ee)
        elif "arxiv.org/abs/" in ee and "arxiv" not in found:
            _put(found, "arxiv", normalize_arxiv, ee)
    corr_volume = CORR_VOLUME.fullmatch(volume) if key.startswith("journals/corr/") else None
    if corr_volume and "arxiv" not in found:
        _put(found, "arxiv", normalize_arxiv, corr_volume["id"])
    return found


def _put(found: dict[str, str], scheme: str, normalize, value: str) -> None:
    """Store a normalised identifier; a malformed one is dropped and the record kept."""
    with contextlib.suppress(InvalidIdentifier):
        found[scheme] = normalize(value)


# --------------------------------------------------------------------------
# dblp.org/rec/<key>.xml
# --------------------------------------------------------------------------


def parse_record_xml(data: bytes) -> PaperRecord:
    """The paper in ``https://dblp.org/rec/<key>.xml`` (a ``<dblp>`` root with one record).

    Raises ``NotAPaper`` when the record is a proceedings volume, home page or
    data set, and ``ValueError`` with a message for people when the XML is
    broken, holds no record, or its record lacks a key or title.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    head, suffix = complete_prolog(data)
    parser = etree.XMLParser(
        load_dtd=True, resolve_entities=True, no_network=True, remove_comments=True
    )
    parser.resolvers.add(_EntityResolver(None))
    try:
        root = etree.fromstring(head + suffix, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"This is not readable DBLP record XML: {exc}.") from exc
    element = next((child for child in root if child.tag in RECORD_TAGS), None)
    if element is None:
        raise ValueError(f"This DBLP XML holds no record (its root is <{root.tag}>).")
    item = record_from_element(element)
    key = element.get("key", "")
    if item is None:
        kind = {"proceedings": "a proceedings volume", "www": "an author's home page"}
        raise NotAPaper(
            f"The DBLP record {key} is {kind.get(element.tag, 'a data record')}, not a paper."
        )
    if isinstance(item, ImportProblem):
        raise ValueError(str(item))
    return item


# --------------------------------------------------------------------------
# dblp.org/search/publ/api?format=json
# --------------------------------------------------------------------------


def parse_search_json(data: bytes | str | dict) -> Iterator[PaperRecord]:
    """Yield the papers among the hits of DBLP's publication search (``format=json``).

    Hits that are volumes (``Editorship``) or data, or that lack a key or title,
    are left out. Raises ``ValueError`` when ``data`` is not a search result.
    """
    result = _search_result(data)
    hits = (result.get("hits") or {}).get("hit") or []
    for hit in hits if isinstance(hits, list) else [hits]:
        info = hit.get("info") if isinstance(hit, dict) else None
        if isinstance(info, dict) and (record := _record_from_hit(info)):
            yield record


def _search_result(data) -> dict:
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"This DBLP search answer is not JSON: {exc}.") from exc
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, dict):
        raise ValueError('This is not a DBLP search answer: it has no "result".')
    return result


def _record_from_hit(info: dict) -> PaperRecord | None:
    key = _string(info.get("key"))
    title = clean_title(_string(info.get("title")))
    hit_type = _string(info.get("type"))
    doc_type = SEARCH_TYPES.get(hit_type, hit_type.lower())
    if not key or not title or doc_type is None:
        return None
    if doc_type == "informal" and key.startswith("journals/corr/"):
        doc_type = "preprint"
    venue = _string(info.get("venue"))
    ees = _strings(info.get("ee"))
    identifiers = _identifiers(key, ees, _string(info.get("volume")))
    if "doi" not in identifiers and (doi := _string(info.get("doi"))):
        _put(identifiers, "doi", normalize_doi, doi)
    year = _string(info.get("year"))
    return PaperRecord(
        title=title,
        authors=_hit_authors(info.get("authors")),
        year=int(year) if FOUR_DIGITS.fullmatch(year) else None,
        venue_key=venue_key_for(dblp_key=key, name=venue),
        venue_name=venue,
        url=ees[0] if ees else _string(info.get("url")) or RECORD_URL + key,
        identifiers=identifiers,
        source=SOURCE,
        source_ref=key,
        doc_type=doc_type,
    )


def _hit_authors(authors) -> list[AuthorName]:
    """``{"author": {...}}`` for one author, ``{"author": [...]}`` for several."""
    entries = authors.get("author") if isinstance(authors, dict) else None
    if isinstance(entries, dict | str):
        entries = [entries]
    names = (
        _string(entry.get("text")) if isinstance(entry, dict) else _string(entry)
        for entry in entries or []
    )
    return [AuthorName(normalize_name(name)) for name in names if name]


def _string(value) -> str:
    """A JSON value as text; the first of a list (DBLP lists a venue sometimes)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value).split()) if value is not None else ""


def _strings(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [text for text in (_string(item) for item in values) if text]
