"""Parse Crossref REST API works (and DataCite JSON) into ``PaperRecord``s.

Three inputs: one work (``/works/{doi}``: the ``{"status", "message-type",
"message"}`` envelope or the bare message), a work list (``/works?…``:
``message.items``), and a vcrpy cassette that recorded such answers. A DataCite
record (``types``, ``creators``, ``titles``…) given where a work is expected is
read too, with source ``datacite``.

Crossref titles and abstracts carry markup (``<i>``, ``<sub>``, JATS ``<jats:p>``,
MathML): it is dropped, keeping the text, and entities are unescaped.
"""

import base64
import contextlib
import gzip
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from precis.importers.base import AuthorName, ImportProblem, PaperRecord, VersionRecord
from precis.importers.names import normalize_name, normalize_orcid
from precis.importers.venues import venue_key_for
from precis.lib.identifiers import InvalidIdentifier, normalize_arxiv, normalize_doi

__all__ = [
    "load_cassette",
    "parse_work",
    "parse_works_list",
    "records_from_cassette",
    "strip_markup",
]

SOURCE = "crossref"
DATACITE_SOURCE = "datacite"
# The dates of a work, most telling first. "issued" is Crossref's own answer to
# "when was this published": the earlier of the print and online dates, so a
# paper online in 2018 and in a 2019 print issue is from 2018 (as its preprint
# is). "published" is the same in newer records; "created" is when the DOI was
# registered: the last resort, since it can be years after publication.
# https://github.com/CrossRef/rest-api-doc/blob/master/api_format.md
DATE_FIELDS = ("issued", "published", "published-online", "published-print", "created")
PUBLICATION_DATE_FIELDS = DATE_FIELDS[:-1]
# Crossref's work types in the words PaperRecord.doc_type uses; others kept as they are.
DOC_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "posted-content": "preprint",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "reference-entry": "incollection",
    "report": "techreport",
    "dissertation": "phdthesis",
}

SPACES = re.compile(r"\s+")
MARKUP_TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>")
# Tags that end a block of text: dropping them must leave a space between words.
BLOCK_TAG = re.compile(
    r"</?(?:jats:)?(?:p|sec|title|list|list-item|break|br|label|caption)\b[^<>]*>", re.IGNORECASE
)
# MathML carries its formula twice: as MathML and as an annotation (TeX). Keep one.
MATHML_ANNOTATION = re.compile(
    r"<(?P<tag>(?:mml:)?annotation(?:-xml)?)\b[^>]*>.*?</(?P=tag)>", re.IGNORECASE | re.DOTALL
)
# "<jats:title>Abstract</jats:title>" opens many abstracts; the word is not the abstract.
ABSTRACT_HEADING = re.compile(
    r"^\s*<(?P<tag>(?:jats:)?title)\b[^>]*>\s*(?:abstract|summary)\s*[.:]?\s*</(?P=tag)>",
    re.IGNORECASE,
)
# Publishers sometimes escape their markup once more than JSON needs ("&amp;nbsp;",
# "&lt;sup&gt;2&lt;/sup&gt;"), so a title reads as HTML source. After the first
# round of unescaping, only these (HTML, JATS and MathML text tags) are dropped,
# so that "a &lt; b" and "x&lt;y&gt;z" stay text.
ESCAPED_MARKUP_TAG = re.compile(
    r"</?(?:(?:jats|mml):[\w.-]+|i|b|u|em|strong|sup|sub|sc|scp|span|italic|bold|p|br|"
    r"inline-formula|tex-math)\b[^<>]*>",
    re.IGNORECASE,
)
#: Rounds of unescaping: "&amp;amp;nbsp;" is three, and more is no real title.
MAX_UNESCAPE_ROUNDS = 3
ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>.+)", re.IGNORECASE)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
YEAR = re.compile(r"\d{4}")


# --------------------------------------------------------------------------
# Works
# --------------------------------------------------------------------------


def parse_work(data: bytes | str | dict) -> PaperRecord:
    """The paper in one Crossref work (envelope or bare message) or DataCite record.

    Raises ``ValueError`` saying what ``data`` is instead: not JSON, a Crossref
    error answer, a work list, something else, or a work without a title.
    """
    obj = _load_json(data)
    if _is_datacite(obj):
        return _record_from_datacite(obj)
    message = _message(obj)
    kind = obj.get("message-type") if message is not obj else "work"
    if kind == "work-list":
        raise ValueError("This is a Crossref list of works, not one work: read it as a list.")
    if kind != "work":
        raise ValueError(f"This is not a Crossref work but a Crossref “{kind}” answer.")
    if not _looks_like_work(message):
        raise ValueError('This is not a Crossref work: it has no "DOI" with a "title" or "type".')
    return _record_from_work(message)


def parse_works_list(data: bytes | str | dict) -> Iterator[PaperRecord | ImportProblem]:
    """Yield one item per work of a Crossref ``/works`` answer (``message.items``).

    A work that cannot be used yields an ``ImportProblem`` naming its DOI. One
    work (not a list) yields its record. Raises ``ValueError`` when ``data`` is
    neither.
    """
    obj = _load_json(data)
    message = _message(obj)
    if obj.get("message-type") == "work" or (message is obj and _looks_like_work(obj)):
        yield _item(message, "the work")
        return
    items = message.get("items")
    is_list = obj.get("message-type") == "work-list" or message is obj
    if not is_list or not isinstance(items, list):
        raise ValueError(
            f"This is not a Crossref list of works (message-type {obj.get('message-type')!r})."
        )
    for number, work in enumerate(items, start=1):
        yield _item(work, f"item {number}")


def _item(work, fallback_ref: str) -> PaperRecord | ImportProblem:
    if not isinstance(work, dict):
        return ImportProblem(fallback_ref, "Skipped: this list item is not a Crossref work.")
    try:
        return _record_from_work(work)
    except ValueError as exc:
        ref = f"doi:{work['DOI']}" if isinstance(work.get("DOI"), str) else fallback_ref
        return ImportProblem(ref, f"Skipped: {exc}")


def _load_json(data) -> dict:
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"This is not JSON, so not a Crossref answer: {exc}.") from exc
    if not isinstance(data, dict):
        raise ValueError(f"This is not a Crossref answer: a JSON {type(data).__name__}.")
    return data


def _message(obj: dict) -> dict:
    """The ``message`` of an API envelope (``obj`` itself when bare); errors become ValueError."""
    if "message" not in obj or "message-type" not in obj:
        return obj
    message = obj["message"]
    if obj.get("status") not in (None, "ok") or not isinstance(message, dict):
        raise ValueError(f"Crossref answered an error ({obj.get('status')}): {_error_text(obj)}")
    return message


def _error_text(obj: dict) -> str:
    message = obj.get("message")
    if isinstance(message, list):
        texts = [m.get("message", "") for m in message if isinstance(m, dict)]
        return "; ".join(text for text in texts if text) or json.dumps(message)[:200]
    return str(message)[:200]


def _looks_like_work(message: dict) -> bool:
    return isinstance(message.get("DOI"), str) and ("title" in message or "type" in message)


def _record_from_work(work: dict) -> PaperRecord:
    raw_doi = work.get("DOI") if isinstance(work.get("DOI"), str) else ""
    identifiers = _doi_identifiers(raw_doi)
    doi = identifiers.get("doi", raw_doi.strip())
    title = _title(work)
    if not title:
        raise ValueError(f"The Crossref work {doi or '(no DOI)'} has no title.")
    year, published_on = _work_dates(work)
    venue = _first(work.get("container-title")) or _event_name(work)
    return PaperRecord(
        title=title,
        authors=_work_authors(work.get("author")),
        abstract=_abstract(work.get("abstract")),
        year=year,
        published_on=published_on,
        venue_key=venue_key_for(name=venue)
        or venue_key_for(name=_first(work.get("short-container-title"))),
        venue_name=venue,
        url=_text(work.get("URL")),
        keywords=[_clean(_text(subject)) for subject in _list(work.get("subject")) if subject],
        identifiers=identifiers,
        source=SOURCE,
        source_ref=f"doi:{doi}" if doi else "",
        doc_type=DOC_TYPES.get(_text(work.get("type")), _text(work.get("type"))),
        versions=_record_version(work),
    )


def _record_version(work: dict) -> list[VersionRecord]:
    """The record's version: Crossref numbers none, so it is the date the record was last
    deposited (precis.papers.versions numbers it when its text changed)."""
    parts = _date_parts(work.get("deposited"))
    deposited = _date(parts) if len(parts) == 3 else None
    return [VersionRecord(None, deposited, deposited.isoformat())] if deposited else []


def _doi_identifiers(raw_doi: str) -> dict[str, str]:
    """The DOI, normalised, and the arXiv id of arXiv's own DOIs (10.48550/arXiv.…)."""
    found = {}
    try:
        found["doi"] = normalize_doi(raw_doi)
    except InvalidIdentifier:
        return found
    if match := ARXIV_DOI.fullmatch(found["doi"]):
        with contextlib.suppress(InvalidIdentifier):
            found["arxiv"] = normalize_arxiv(match["id"])
    return found


def _title(work: dict) -> str:
    title = strip_markup(_first(work.get("title")) or _first(work.get("original-title")))
    subtitle = strip_markup(_first(work.get("subtitle")))
    if not subtitle or subtitle.lower() in title.lower():
        return title
    return f"{title} {subtitle}" if title[-1:] in ":?!." else f"{title}: {subtitle}"


def _work_authors(authors) -> list[AuthorName]:
    """Authors in the order given; a person is "given family suffix", an organisation its name."""
    result = []
    for author in _list(authors):
        if not isinstance(author, dict):
            continue
        person = " ".join(
            _text(author.get(part)) for part in ("given", "family", "suffix") if author.get(part)
        )
        if person:
            name = normalize_name(person)
        else:
            name = _clean(_text(author.get("name")))
        if name:
            result.append(AuthorName(name, normalize_orcid(_text(author.get("ORCID")))))
    return result


def _abstract(raw) -> str:
    text = _text(raw)
    return strip_markup(ABSTRACT_HEADING.sub("", text)) if text else ""


def _work_dates(work: dict) -> tuple[int | None, date | None]:
    """(year, full date) from the first date field that has a year (``issued`` first).

    A date given only as year or year-month leaves ``published_on`` empty,
    unless another publication date with a day agrees with it (issued 2018-04
    and online 2018-04-12 give 2018-04-12; the earliest such date wins).
    """
    for name in DATE_FIELDS:
        parts = _date_parts(work.get(name))
        if not parts:
            continue
        if len(parts) == 3:
            return parts[0], _date(parts)
        agreeing = [
            full_date
            for other in PUBLICATION_DATE_FIELDS
            if len(full := _date_parts(work.get(other))) == 3
            and full[: len(parts)] == parts
            and (full_date := _date(full))
        ]
        return parts[0], min(agreeing, default=None)
    return None, None


def _date_parts(value) -> list[int]:
    """``{"date-parts": [[2018, 4]]}`` → ``[2018, 4]``; ``[]`` when there is no usable year."""
    if not isinstance(value, dict):
        return []
    rows = value.get("date-parts")
    row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], list) else []
    parts = []
    for part in row[:3]:
        try:
            parts.append(int(part))
        except (TypeError, ValueError):
            break  # Crossref writes an unknown date as [[null]]
    return parts if parts and 1000 <= parts[0] <= 2999 else []


def _date(parts: list[int]) -> date | None:
    try:
        return date(*parts)
    except (TypeError, ValueError):
        return None


def _event_name(work: dict) -> str:
    event = work.get("event")
    return _clean(_text(event.get("name"))) if isinstance(event, dict) else ""


def strip_markup(text: str) -> str:
    """Text of a Crossref title or abstract: tags dropped, entities unescaped, spaces collapsed.

    Block tags (``<jats:p>``, ``<jats:title>``…) become spaces, inline ones
    (``<i>``, ``<sub>``, ``<scp>``, MathML) vanish: ``H<sub>2</sub>O`` is ``H2O``.
    Markup and entities escaped once too often (``&lt;sup&gt;``, ``&amp;nbsp;``)
    are treated the same. Text that is not a tag (``a < b``) stays; LaTeX stays
    as it is.
    """
    if not text:
        return ""
    text = MATHML_ANNOTATION.sub("", text)
    text = BLOCK_TAG.sub(" ", text)
    text = MARKUP_TAG.sub("", text)
    for _ in range(MAX_UNESCAPE_ROUNDS):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = ESCAPED_MARKUP_TAG.sub("", MATHML_ANNOTATION.sub("", BLOCK_TAG.sub(" ", unescaped)))
    return _clean(text)


def _clean(text: str) -> str:
    return SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _first(values) -> str:
    """The first non-empty text of a Crossref list field (they are lists even for one value)."""
    for value in _list(values):
        if text := _text(value).strip():
            return _clean(text)
    return ""


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


# --------------------------------------------------------------------------
# DataCite
# --------------------------------------------------------------------------


def _is_datacite(obj: dict) -> bool:
    """A DataCite record: the REST API's ``{"data": {"attributes": …}}`` or the bare attributes."""
    attributes = _datacite_attributes(obj)
    return isinstance(attributes.get("creators"), list) and (
        isinstance(attributes.get("titles"), list) or "types" in attributes
    )


def _datacite_attributes(obj: dict) -> dict:
    data = obj.get("data")
    if isinstance(data, dict) and isinstance(data.get("attributes"), dict):
        return data["attributes"]
    return obj


def _record_from_datacite(obj: dict) -> PaperRecord:
    record = _datacite_attributes(obj)
    identifiers = _doi_identifiers(_datacite_doi(record))
    doi = identifiers.get("doi", "")
    titles = [t for t in _list(record.get("titles")) if isinstance(t, dict)]
    title = strip_markup(
        _text(next((t.get("title") for t in titles if not t.get("titleType")), ""))
    )
    subtitle = strip_markup(
        _text(next((t.get("title") for t in titles if t.get("titleType") == "Subtitle"), ""))
    )
    if title and subtitle:
        title = f"{title}: {subtitle}"
    if not title:
        raise ValueError(f"The DataCite record {doi or '(no DOI)'} has no title.")
    published_on = _datacite_issued(record)
    year_text = _text(record.get("publicationYear"))
    container = record.get("container") if isinstance(record.get("container"), dict) else {}
    venue = _clean(_text(container.get("title")))
    types = record.get("types") if isinstance(record.get("types"), dict) else {}
    subjects = [s.get("subject") for s in _list(record.get("subjects")) if isinstance(s, dict)]
    return PaperRecord(
        title=title,
        authors=_datacite_creators(record.get("creators")),
        abstract=_datacite_abstract(record.get("descriptions")),
        year=int(year_text) if YEAR.fullmatch(year_text) else None,
        published_on=published_on,
        venue_key=venue_key_for(name=venue),
        venue_name=venue,
        url=_text(record.get("url")),
        keywords=[_clean(_text(s)) for s in subjects if s],
        identifiers=identifiers,
        source=DATACITE_SOURCE,
        source_ref=f"doi:{doi}" if doi else "",
        doc_type=_text(types.get("bibtex") or types.get("resourceTypeGeneral")).lower(),
    )


def _datacite_doi(record: dict) -> str:
    if doi := _text(record.get("doi")):
        return doi
    for identifier in _list(record.get("identifiers")):
        if isinstance(identifier, dict) and identifier.get("identifierType") == "DOI":
            return _text(identifier.get("identifier"))
    return _text(record.get("id"))


def _datacite_creators(creators) -> list[AuthorName]:
    result = []
    for creator in _list(creators):
        if not isinstance(creator, dict):
            continue
        organisation = creator.get("nameType") == "Organizational" or creator.get("type") == (
            "Organization"
        )
        given, family = _text(creator.get("givenName")), _text(creator.get("familyName"))
        if organisation:
            name = _clean(_text(creator.get("name")))
        elif given or family:
            name = normalize_name(f"{given} {family}")
        else:
            name = normalize_name(_text(creator.get("name")))
        if name:
            result.append(AuthorName(name, _datacite_orcid(creator)))
    return result


def _datacite_orcid(creator: dict) -> str:
    """From an ORCID name identifier, or an ``id`` that is an orcid.org URL (commonmeta's form)."""
    candidates = [
        _text(identifier.get("nameIdentifier"))
        for identifier in _list(creator.get("nameIdentifiers"))
        if isinstance(identifier, dict)
        and _text(identifier.get("nameIdentifierScheme")).upper() == "ORCID"
    ]
    if "orcid.org/" in _text(creator.get("id")):
        candidates.append(_text(creator.get("id")))
    return next((orcid for orcid in map(normalize_orcid, candidates) if orcid), "")


def _datacite_abstract(descriptions) -> str:
    for description in _list(descriptions):
        if isinstance(description, dict) and description.get("descriptionType") == "Abstract":
            return strip_markup(_text(description.get("description")))
    return ""


def _datacite_issued(record: dict) -> date | None:
    for entry in _list(record.get("dates")):
        issued = isinstance(entry, dict) and entry.get("dateType") == "Issued"
        if issued and (match := ISO_DATE.match(_text(entry.get("date")))):
            return _date([int(part) for part in match.groups()])
    return None


# --------------------------------------------------------------------------
# vcrpy cassettes
# --------------------------------------------------------------------------


def records_from_cassette(data: bytes | str) -> Iterator[PaperRecord | ImportProblem]:
    """Yield the works of the Crossref answers recorded in a vcrpy YAML cassette.

    Each interaction's ``response.body.string`` is read as a work or a work
    list. A recorded error status or an unreadable body yields an
    ``ImportProblem`` naming the interaction. Raises ``ValueError`` when
    ``data`` is not a cassette.
    """
    cassette = load_cassette(data)
    interactions = cassette.get("interactions") if isinstance(cassette, dict) else None
    if not isinstance(interactions, list):
        raise ValueError("This is not a vcrpy cassette: it has no list of interactions.")
    for number, interaction in enumerate(interactions, start=1):
        yield from _interaction_items(interaction, number)


def _interaction_items(interaction, number: int) -> Iterator[PaperRecord | ImportProblem]:
    ref = f"interaction {number}"
    response = _dig(interaction, "response")
    request_uri = _text(_dig(interaction, "request", "uri"))
    if request_uri:
        ref = f"{ref} ({request_uri})"
    status = _dig(response, "status", "code")
    if status != 200:
        yield ImportProblem(ref, f"Skipped: the recorded answer is HTTP {status}, not works.")
        return
    body = _dig(response, "body", "string")
    if isinstance(body, bytes):
        body = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    try:
        obj = _load_json(body or "")
        if obj.get("message-type") == "work-list":
            yield from parse_works_list(obj)
        else:
            yield parse_work(obj)
    except ValueError as exc:
        yield ImportProblem(ref, f"Skipped: {exc}")


def _dig(value, *keys):
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def load_cassette(data: bytes | str):
    """Read the YAML of a vcrpy cassette (PyYAML's block style) into dicts, lists and scalars.

    A small reader for what vcrpy writes, not a YAML library: block mappings and
    sequences (a sequence may sit at its key's indentation), plain scalars
    (continued on more-indented lines), single- and double-quoted scalars over
    several lines with YAML's line folding and escapes, ``|``/``>`` block
    scalars, ``!!binary`` (bytes) and empty ``{}``/``[]``. Plain ``null``/``~``,
    ``true``/``false`` and integers are typed. Raises ``ValueError`` naming the
    line of anything else (anchors, other tags, flow collections).
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    reader = _YamlReader(data)
    value = reader.document()
    return value


class _YamlReader:
    MAPPING_KEY = re.compile(
        r"(?P<key>'(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"|[^\s'\"#\[\]{},&*!|>%@`]"
        r"(?:[^:#]|:(?!\s|$)|(?<!\s)#)*?)\s*:(?:\s+|$)(?P<rest>.*)$"
    )
    INTEGER = re.compile(r"[-+]?\d+")
    BLOCK_HEADER = re.compile(r"(?P<style>[|>])(?P<chomp>[-+]?)\d?\s*(?:#.*)?")

    def __init__(self, text: str):
        self.lines = re.split(r"\r\n|\r|\n", text)
        self.position = 0

    # -- structure ----------------------------------------------------------

    def document(self):
        self._skip_blank()
        if self.position < len(self.lines) and self.lines[self.position].strip() == "---":
            self.position += 1
            self._skip_blank()
        if self.position >= len(self.lines):
            return None
        value = self._node(self._indent(self.lines[self.position]))
        self._skip_blank()
        if self.position < len(self.lines):
            raise self._error("unexpected text after the document")
        return value

    def _node(self, indent: int):
        text = self.lines[self.position][indent:]
        if self._is_sequence_item(text):
            return self._sequence(indent)
        return self._mapping(indent)

    def _mapping(self, indent: int) -> dict:
        mapping = {}
        while self._next_line_at(indent):
            text = self.lines[self.position][indent:]
            match = self.MAPPING_KEY.match(text)
            if self._is_sequence_item(text) or not match:
                raise self._error("expected “key: value”")
            self.position += 1
            mapping[self._key(match["key"])] = self._value(match["rest"], indent, in_mapping=True)
        return mapping

    def _sequence(self, indent: int) -> list:
        items = []
        while self._next_line_at(indent):
            text = self.lines[self.position][indent:]
            if not self._is_sequence_item(text):
                break
            rest = text[1:].lstrip(" ")
            inner = indent + len(text) - len(rest)
            if rest and not rest.startswith(("'", '"')) and self.MAPPING_KEY.match(rest):
                # "- key: value" opens a mapping whose keys line up with "key"
                self.lines[self.position] = " " * inner + rest
                items.append(self._mapping(inner))
            else:
                self.position += 1
                items.append(self._value(rest, indent, in_mapping=False))
        return items

    def _value(self, rest: str, indent: int, *, in_mapping: bool):
        """The value after "key:" or "-"; ``self.position`` is on the line after it."""
        rest = rest.strip()
        tag = ""
        if rest.startswith("!"):
            tag, _, rest = rest.partition(" ")
            rest = rest.strip()
            if tag != "!!binary" and tag != "!!str":
                raise self._error(f"the YAML tag {tag} is not supported", self.position - 1)
        value = self._untagged(rest, indent, in_mapping, typed=not tag)
        if tag == "!!binary":
            return base64.b64decode("".join(value.split()))
        return value

    def _untagged(self, rest: str, indent: int, in_mapping: bool, typed: bool):
        if rest.startswith(("'", '"')):
            return self._quoted(rest)
        if rest[:1] in ("|", ">"):
            return self._block_scalar(rest, indent)
        if rest in ("{}", "[]"):
            return {} if rest == "{}" else []
        if rest[:1] in ("[", "{", "&", "*"):
            raise self._error(
                "flow collections, anchors and aliases are not supported", self.position - 1
            )
        if rest and not rest.startswith("#"):
            return self._plain(rest, indent, typed)
        self._skip_blank()
        if self.position >= len(self.lines):
            return None
        line = self.lines[self.position]
        child_indent = self._indent(line)
        if child_indent > indent:
            return self._node(child_indent)
        if in_mapping and child_indent == indent and self._is_sequence_item(line[indent:]):
            return self._sequence(indent)
        return None

    # -- scalars ------------------------------------------------------------

    def _plain(self, first: str, indent: int, typed: bool):
        lines = [self._without_comment(first)]
        while self.position < len(self.lines):
            line = self.lines[self.position]
            if line.strip() and self._indent(line) <= indent:
                break
            if line.strip().startswith("#"):
                break
            lines.append(self._without_comment(line.strip()))
            self.position += 1
        while lines and not lines[-1]:
            lines.pop()
            self.position -= 1  # trailing blank lines belong to no one
        text = _fold(lines, _plain_line)
        if not typed:
            return text
        if text in ("null", "Null", "NULL", "~", ""):
            return None
        if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return text.lower() == "true"
        return int(text) if self.INTEGER.fullmatch(text) else text

    def _quoted(self, rest: str) -> str:
        quote, text = rest[0], rest[1:]
        start = self.position - 1
        lines = []
        while (end := _closing_quote(text, quote)) is None:
            lines.append(text)
            if self.position >= len(self.lines):
                raise self._error("a quoted string is never closed", start)
            text = self.lines[self.position]
            self.position += 1
        lines.append(text[:end])
        after = text[end + 1 :].strip()
        if after and not after.startswith("#"):
            raise self._error("unexpected text after a quoted string", self.position - 1)
        unescape = _single_quoted_line if quote == "'" else _double_quoted_line
        return _fold(lines, unescape)

    def _block_scalar(self, header: str, indent: int) -> str:
        match = self.BLOCK_HEADER.fullmatch(header)
        if not match:
            raise self._error("a block scalar header it cannot read", self.position - 1)
        lines = []
        while self.position < len(self.lines):
            line = self.lines[self.position]
            if line.strip() and self._indent(line) <= indent:
                break
            lines.append(line)
            self.position += 1
        content = [line for line in lines if line.strip()]
        margin = min((self._indent(line) for line in content), default=0)
        body = [line[margin:] for line in lines]
        if match["style"] == ">":
            text = _fold(body, _as_is_line, trim=False)
        else:
            text = "\n".join(body)
        if match["chomp"] == "+":
            return text + "\n"
        text = text.rstrip("\n")
        return text if match["chomp"] == "-" or not text else text + "\n"

    # -- helpers ------------------------------------------------------------

    def _next_line_at(self, indent: int) -> bool:
        self._skip_blank()
        if self.position >= len(self.lines):
            return False
        line_indent = self._indent(self.lines[self.position])
        if line_indent > indent:
            raise self._error("unexpected indentation")
        return line_indent == indent

    def _skip_blank(self) -> None:
        while self.position < len(self.lines):
            stripped = self.lines[self.position].strip()
            if stripped and not stripped.startswith("#"):
                return
            self.position += 1

    @staticmethod
    def _indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    @staticmethod
    def _is_sequence_item(text: str) -> bool:
        return text == "-" or text.startswith("- ")

    @staticmethod
    def _without_comment(text: str) -> str:
        return text.split(" #", 1)[0].rstrip()

    def _key(self, raw: str) -> str:
        if raw.startswith(("'", '"')):
            unescape = _single_quoted_line if raw[0] == "'" else _double_quoted_line
            return unescape(raw[1:-1], True)[0]
        return raw.strip()

    def _error(self, problem: str, position: int | None = None) -> ValueError:
        line = (self.position if position is None else position) + 1
        return ValueError(f"The cassette's YAML cannot be read at line {line}: {problem}.")


def _closing_quote(text: str, quote: str) -> int | None:
    """Where the quote that ends a scalar is in ``text``, or None (the scalar goes on)."""
    index = 0
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1 : index + 2] == "'":
                index += 2  # '' is an escaped quote
                continue
            return index
        index += 1
    return None


def _fold(lines: list[str], unescape, *, trim: bool = True) -> str:
    """YAML's line folding: a line break is a space, n empty lines are n line breaks.

    ``unescape(line, is_last)`` returns the line's text (trailing spaces trimmed
    unless it is the last line) and whether it ended with an escaped line break
    (``\\`` in double quotes), which joins without a space. With ``trim``, the
    indentation of continuation lines is dropped (quoted and plain scalars).
    """
    pieces = []
    blank_lines = 0
    joined = False
    last = len(lines) - 1
    for index, raw in enumerate(lines):
        line = raw.lstrip(" \t") if trim and index > 0 else raw
        if 0 < index < last and not line.strip(" \t"):
            blank_lines += 1
            continue
        text, escaped_break = unescape(line, index == last)
        if index > 0 and not joined:
            pieces.append("\n" * blank_lines if blank_lines else " ")
        pieces.append(text)
        joined, blank_lines = escaped_break, 0
    return "".join(pieces)


def _as_is_line(line: str, _is_last: bool) -> tuple[str, bool]:
    return line, False


def _plain_line(line: str, is_last: bool) -> tuple[str, bool]:
    return (line if is_last else line.rstrip(" \t")), False


def _single_quoted_line(line: str, is_last: bool) -> tuple[str, bool]:
    if not is_last:
        line = line.rstrip(" \t")
    return line.replace("''", "'"), False


DOUBLE_QUOTED_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
HEX_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}


def _double_quoted_line(line: str, is_last: bool) -> tuple[str, bool]:
    if not is_last:
        trimmed = line.rstrip(" \t")
        backslashes = len(trimmed) - len(trimmed.rstrip("\\"))
        if backslashes % 2 == 1 and len(trimmed) < len(line):
            trimmed = line[: len(trimmed) + 1]  # "\\ " at the end is an escaped space: kept
        line = trimmed
    out = []
    index = 0
    while index < len(line):
        char = line[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        if index == len(line) - 1:
            if is_last:
                raise ValueError("The cassette's YAML has a stray backslash before a quote.")
            return "".join(out), True  # an escaped line break
        code = line[index + 1]
        if code in DOUBLE_QUOTED_ESCAPES:
            out.append(DOUBLE_QUOTED_ESCAPES[code])
            index += 2
        elif code in HEX_ESCAPE_LENGTHS:
            digits = line[index + 2 : index + 2 + HEX_ESCAPE_LENGTHS[code]]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError as exc:
                raise ValueError(f"The cassette's YAML has a bad escape \\{code}{digits}.") from exc
            index += 2 + len(digits)
        else:
            raise ValueError(f"The cassette's YAML has an unknown escape \\{code}.")
    return "".join(out), False
