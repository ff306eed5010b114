"""Parse what people type into the site's search box.

``parse_query(text)`` turns any string into a ``ParsedQuery`` and never
raises: text it cannot make sense of becomes plain words, and whatever was
changed or ignored is explained in ``ParsedQuery.warnings`` (sentences that can
be shown to the user as they are).

Syntax
    ``deep learning``
        plain words (``terms``), split on whitespace.
    ``"attention is all you need"``
        a phrase (``phrases``).  Curly quotes (“ ” „ « ») and full-width
        quotes count as ``"``.
    ``-gan``
        a word to exclude (``excluded``); ``-"gan"`` works too, but a phrase of
        several words cannot be excluded and is ignored with a warning.
    ``author:hinton`` ``author:"geoffrey hinton"``
        a name fragment (``authors``); several are allowed.
    ``venue:icml``
        a venue fragment (``venues``); several are allowed.
    ``year:2015`` ``year:2015..2017`` ``year:2015..`` ``year:..2017``
    ``year:>=2015`` ``year:>2015`` ``year:<=2017`` ``year:<2018``
        a range of years (``year_from``, ``year_to``, both inclusive); a
        hyphen or dash works as ``..`` (``year:2015-2017``).  Years outside
        1000-2999 are invalid; invalid values are ignored with a warning.
        Several ``year:`` filters narrow each other; if they contradict each
        other, the last one wins (with a warning).
    ``has:summary`` (or ``has:summaries``)
        only papers that have a summary (``has_summary``).

Details
    * The whole text is NFKC-normalised and lower-cased; filter names are
      therefore case-insensitive.
    * Punctuation and symbols are stripped from both ends of a word
      (``"(word),"`` → ``word``) but kept inside it (``state-of-the-art``,
      ``o'neil``, ``10:30``); the final dot of an abbreviation such as
      ``u.s.`` or ``e.g.`` is kept.  Tokens without a letter or digit are
      dropped.  The same stripping applies to the two ends of a phrase and of
      a filter value.
    * A filter written with a space after the colon (``author: hinton``) takes
      the next word or phrase as its value; a filter with no value at all
      (``author:`` at the end) is ignored with a warning.
    * An unknown filter ``foo:bar`` becomes the plain words ``foo`` and
      ``bar``, with a warning.  A word ending in a colon (``bert:``) is just
      the word, without a warning.
    * A filter cannot be negated: ``-author:x`` is ignored with a warning.
    * **Unbalanced quotes**: quotes are paired from the left; when one is left
      over, it is dropped and what followed it is read as ordinary words and
      filters (never as a phrase), with the warning "unbalanced quote".
    * Duplicates are removed (first occurrence kept).  The text, with each
      run of whitespace counted as one space, is cut to
      ``MAX_QUERY_LENGTH`` characters and each list (``terms``, ``phrases``,
      ``excluded``, ``authors``, ``venues``) to ``MAX_TERMS`` entries, with a
      warning.
    * **Identifiers**: when the whole trimmed query is an arXiv id or URL, a
      DOI or doi.org URL, or a DBLP key or URL
      (``precis.lib.identifiers.detect``), ``identifier`` is
      ``(scheme, normalised value)`` and the query is not parsed as words:
      ``terms`` holds only the normalised value, lower-cased (so that a
      caller that finds no paper under that identifier can still run an
      ordinary search that matches nothing surprising), and every other field
      is empty.  An identifier next to other words is not an identifier.

Pure Python: no Django, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from precis.lib.identifiers import detect

__all__ = ["MAX_QUERY_LENGTH", "MAX_TERMS", "MAX_YEAR", "MIN_YEAR", "ParsedQuery", "parse_query"]

#: Longest query looked at; the rest is cut off (with a warning).
MAX_QUERY_LENGTH = 500
#: Most entries kept in each of terms, phrases, excluded, authors and venues.
MAX_TERMS = 32
#: Valid years, inclusive.
MIN_YEAR = 1000
MAX_YEAR = 2999

_FILTERS = frozenset({"author", "venue", "year", "has"})
_HAS_SUMMARY = frozenset({"summary", "summaries"})

# Typographic quotes mapped to ASCII before tokenising (after NFKC, which
# already maps the full-width quotes); controls and surrogates become spaces,
# and invisible characters that only split a word in two disappear.
_CHARACTER_MAP = {
    **dict.fromkeys(map(ord, "“”„‟«»"), '"'),
    **dict.fromkeys(map(ord, "‘’‚‛ʼ"), "'"),
    **dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None),
}

# name:value; the name is letters only ("10:30" is a word, not a filter)
_FILTER = re.compile(r"(?P<name>[^\W\d_]+):(?P<value>.*)", re.DOTALL)
# what may be glued to the front of a phrase: -, author:, -author:, foo:
_PHRASE_PREFIX = re.compile(r"-*(?:[^\W\d_]+:)?")
# u.s., e.g., ph.d. (letters only, two or more dotted parts)
_ABBREVIATION = re.compile(r"(?:[^\W\d_]{1,2}\.){2,}")
_YEAR_BOUND = re.compile(r"(?P<op>[<>]=?|=)?(?P<year>[0-9]+)")
_YEAR_RANGE = re.compile(r"(?P<start>[0-9]*)(?:\.{2,}|[-–—])(?P<end>[0-9]*)")


@dataclass(frozen=True)
class ParsedQuery:
    """A search-box query, parsed.  See the module docstring for the syntax."""

    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    has_summary: bool = False
    identifier: tuple[str, str] | None = None
    warnings: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to search for: no words, phrases, filters or identifier."""
        return not (
            self.terms
            or self.phrases
            or self.excluded
            or self.authors
            or self.venues
            or self.year_from is not None
            or self.year_to is not None
            or self.has_summary
            or self.identifier
        )

    def text_terms(self) -> tuple[str, ...]:
        """The terms and the words of the phrases, without duplicates (for highlighting)."""
        words = list(self.terms)
        for phrase in self.phrases:
            words.extend(filter(None, map(_clean, phrase.split())))
        return tuple(dict.fromkeys(words))


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text`` as typed into the search box; never raises (see the module docstring)."""
    try:
        return _parse(text)
    except Exception:  # a bug here must not break the search page
        return ParsedQuery(warnings=("the query could not be understood",))


def _parse(text: str) -> ParsedQuery:
    if not isinstance(text, str):
        return ParsedQuery()
    warnings: list[str] = []
    text = " ".join(text.split())  # runs of whitespace count as one space against the limit
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        warnings.append(f"the query was cut to its first {MAX_QUERY_LENGTH} characters")
    else:
        compatible = unicodedata.normalize("NFKC", text)  # full-width digits, say
        identifier = _detect(text) or (_detect(compatible) if compatible != text else None)
        if identifier is not None:
            return ParsedQuery(terms=(identifier[1].lower(),), identifier=identifier)
    parser = _Parser(warnings)
    parser.parse(_normalize(text))
    return parser.result()


def _detect(text: str) -> tuple[str, str] | None:
    try:
        return detect(text)
    except Exception:  # detect() promises not to raise; this parser must not either
        return None


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_CHARACTER_MAP)
    if not text.isprintable():
        text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    return text.lower()


def _is_edge(ch: str) -> bool:
    """Punctuation, symbols, controls and spaces: stripped from the ends of words."""
    return unicodedata.category(ch)[0] in "PSCZ"


def _clean(text: str) -> str:
    """``text`` without punctuation at its ends; "" if no letter or digit is left."""
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    core = text[start:end]
    if not any(ch.isalnum() for ch in core):
        return ""
    if text[end : end + 1] == "." and _ABBREVIATION.fullmatch(core.rsplit(" ", 1)[-1] + "."):
        core += "."
    return core


def _clean_phrase(text: str) -> str:
    return _clean(" ".join(text.split()))


@dataclass(frozen=True)
class _Token:
    kind: str  # "word" or "phrase"
    text: str
    prefix: str = ""  # for a phrase: the "-", "author:" or "-author:" glued before it


def _tokenize(text: str, warnings: list[str]) -> list[_Token]:
    quotes = [i for i, ch in enumerate(text) if ch == '"']
    if len(quotes) % 2:
        last = quotes.pop()
        text = f"{text[:last]} {text[last + 1 :]}"
        warnings.append("unbalanced quote: what follows it was read as words")
    closing = dict(zip(quotes[::2], quotes[1::2], strict=True))

    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] == '"':
            end = closing[i]
            tokens.append(_Token("phrase", text[i + 1 : end]))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        word = text[start:i]
        if i < n and text[i] == '"' and _PHRASE_PREFIX.fullmatch(word):
            end = closing[i]
            tokens.append(_Token("phrase", text[i + 1 : end], prefix=word))
            i = end + 1
        else:
            tokens.append(_Token("word", word))
    return tokens


class _Parser:
    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        self.terms: list[str] = []
        self.phrases: list[str] = []
        self.excluded: list[str] = []
        self.authors: list[str] = []
        self.venues: list[str] = []
        self.years: list[tuple[str, int | None, int | None]] = []  # (as written, from, to)
        self.has_summary = False

    # -- reading ----------------------------------------------------------

    def parse(self, text: str) -> None:
        tokens = _tokenize(text, self.warnings)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            i += 1
            if token.kind == "phrase":
                self.phrase(token)
                continue
            word = token.text
            negated = word.startswith("-")
            body = word.lstrip("-")
            match = _FILTER.fullmatch(body.lstrip("([{"))
            if match is None:
                self.word(body, negated)
                continue
            name, value = match["name"], match["value"]
            if name not in _FILTERS:
                self.unknown_filter(name, value, quoted=False, negated=negated)
            elif negated:
                self.warn(f"{word}: a filter cannot be excluded, ignored")
            elif value:
                self.filter(name, value)
            elif i < len(tokens) and _is_value(tokens[i]):
                # "author: hinton": the value is the next word or phrase
                self.filter(name, tokens[i].text)
                i += 1
            else:
                self.warn(f"{name}: with nothing after it: ignored")

    def word(self, word: str, negated: bool) -> None:
        if cleaned := _clean(word):
            (self.excluded if negated else self.terms).append(cleaned)

    def phrase(self, token: _Token) -> None:
        negated = token.prefix.startswith("-")
        name = token.prefix.lstrip("-").removesuffix(":")
        if name and name not in _FILTERS:
            self.unknown_filter(name, token.text, quoted=True, negated=negated)
        elif name and negated:
            self.warn(f'{token.prefix}"{token.text}": a filter cannot be excluded, ignored')
        elif name:
            self.filter(name, token.text)
        elif not (phrase := _clean_phrase(token.text)):
            return
        elif not negated:
            self.phrases.append(phrase)
        elif " " in phrase:
            self.warn(f'-"{phrase}": a phrase cannot be excluded, ignored')
        else:
            self.excluded.append(phrase)

    def unknown_filter(self, name: str, value: str, *, quoted: bool, negated: bool) -> None:
        target = self.excluded if negated else self.terms
        if quoted:
            value = _clean_phrase(value)
        else:
            value = _clean(value)
        if not value:  # "bert:" is just a word followed by a colon
            target.append(name)
            return
        self.warn(f"unknown filter {name}: treated as words")
        target.append(name)
        if quoted and not negated:
            self.phrases.append(value)
        elif quoted and " " in value:
            self.warn(f'-"{value}": a phrase cannot be excluded, ignored')
        else:
            target.append(value)

    def filter(self, name: str, value: str) -> None:
        if name == "year":
            self.year(value)
            return
        cleaned = _clean_phrase(value)
        if not cleaned:
            self.warn(f"{name}: with nothing after it: ignored")
        elif name == "author":
            self.authors.append(cleaned)
        elif name == "venue":
            self.venues.append(cleaned)
        elif cleaned in _HAS_SUMMARY:
            self.has_summary = True
        else:
            self.warn(f"has:{cleaned} is not supported (only has:summary is): ignored")

    def year(self, value: str) -> None:
        written = " ".join(value.split())
        bounds = _parse_years(written.replace(" ", "").strip("()[]{},;!?"))
        if bounds is None:
            self.warn(f"year:{written} is not a year")
            return
        start, end = bounds
        if start is not None and end is not None and start > end:
            self.warn(f"year:{written} runs backwards: read as {end}..{start}")
            start, end = end, start
        self.years.append((written, start, end))

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    # -- result -----------------------------------------------------------

    def result(self) -> ParsedQuery:
        # everything that may still warn runs before the warnings are collected
        year_from, year_to = self.year_range()
        terms = self.capped(self.terms, "words")
        phrases = self.capped(self.phrases, "phrases")
        excluded = self.capped(self.excluded, "excluded words")
        authors = self.capped(self.authors, "authors")
        venues = self.capped(self.venues, "venues")
        return ParsedQuery(
            terms=terms,
            phrases=phrases,
            excluded=excluded,
            authors=authors,
            venues=venues,
            year_from=year_from,
            year_to=year_to,
            has_summary=self.has_summary,
            warnings=tuple(dict.fromkeys(self.warnings)),
        )

    def capped(self, values: list[str], what: str) -> tuple[str, ...]:
        unique = tuple(dict.fromkeys(values))
        if len(unique) > MAX_TERMS:
            self.warn(f"too many {what}: only the first {MAX_TERMS} are used")
            unique = unique[:MAX_TERMS]
        return unique

    def year_range(self) -> tuple[int | None, int | None]:
        if not self.years:
            return None, None
        starts = [start for _, start, _ in self.years if start is not None]
        ends = [end for _, _, end in self.years if end is not None]
        start = max(starts) if starts else None
        end = min(ends) if ends else None
        if start is not None and end is not None and start > end:
            written, start, end = self.years[-1]
            self.warn(f"the year filters contradict each other: only year:{written} is used")
        return start, end


def _is_value(token: _Token) -> bool:
    """Whether ``token`` can be the value of a filter written with a space after its colon."""
    if token.kind == "phrase":
        return not token.prefix
    return not token.text.startswith("-") and _FILTER.fullmatch(token.text) is None


def _year(digits: str) -> int | None:
    if not digits or len(digits) > 4:
        return None
    year = int(digits)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _parse_years(value: str) -> tuple[int | None, int | None] | None:
    """``(from, to)`` for a ``year:`` value (either may be None), or None if invalid."""
    if match := _YEAR_BOUND.fullmatch(value):
        op, year = match["op"], _year(match["year"])
        if year is None:
            return None
        if op in (None, "="):
            return year, year
        if op[0] == ">":
            start = year if op == ">=" else year + 1
            return (start, None) if start <= MAX_YEAR else None
        end = year if op == "<=" else year - 1
        return (None, end) if end >= MIN_YEAR else None
    if match := _YEAR_RANGE.fullmatch(value):
        start, end = match["start"], match["end"]
        if not (start or end):
            return None
        start_year, end_year = _year(start), _year(end)
        if (start and start_year is None) or (end and end_year is None):
            return None
        return start_year, end_year
    return None
