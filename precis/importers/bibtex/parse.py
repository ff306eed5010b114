"""Parse BibTeX / BibLaTeX files into ``PaperRecord``s.

bibtexparser (2.x) only splits the text into blocks here (its splitter finds
entries, ``@string``, ``@preamble``, comments and the blocks it could not read);
everything after that is ours: field values with ``#`` concatenation and
``@string`` macros, crossref inheritance, LaTeX to Unicode, names, dates and
identifiers. Its middlewares resolve only whole-value macros, so they are not used.

Contracts:

* ``decode_bibtex(bytes)`` never raises; it says which encoding it used, a
  legacy one (Windows-1252, GB18030, Shift-JIS…) is something to show the user,
  and an encoding it cannot tell is reported rather than guessed.
* ``parse_bibtex(data, macros=...)`` yields one ``PaperRecord`` per usable entry,
  in file order, and one ``ImportProblem`` per entry or block it cannot use
  (naming the key and/or line), and never stops at a bad entry or raises.
* Work is bounded by the input: ``@string`` macros cannot blow a few hundred
  bytes up into megabytes (see ``MAX_FIELD_CHARS`` and its neighbours), crossref
  chains are followed at most ``MAX_CROSSREF_DEPTH`` levels, and nothing recurses
  as deep as the input nests.
"""

import codecs
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import bibtexparser
import charset_normalizer
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)

from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.importers.names import normalize_name
from precis.importers.venues import venue_key_for
from precis.lib.identifiers import (
    InvalidIdentifier,
    normalize_arxiv,
    normalize_bibtex_key,
    normalize_dblp,
    normalize_doi,
)

SOURCE = "bibtex"

# bibtexparser logs a warning per block it cannot read; we report each of those
# blocks as an ImportProblem, and a hostile paste of "@a{" repeated would
# otherwise write a log line per four bytes.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)

# --------------------------------------------------------------------------
# Bytes to text
# --------------------------------------------------------------------------

UNICODE_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"})
#: ``DecodedText.encoding`` when no encoding could be told: the text is then the
#: bytes read as Latin-1 (one character per byte, so the file's structure holds)
#: and every entry with a non-ASCII character is reported instead of imported.
UNKNOWN_ENCODING = "unknown"
ENCODING_LABELS = {"cp1252": "Windows-1252", "latin-1": "Latin-1 (ISO-8859-1)"}
# How much of the start of a file is looked at to recognise UTF-16 without a BOM.
UTF16_SNIFF_BYTES = 4096
# charset-normalizer scores each reading by its "chaos" (0 = clean text, 1 = noise).
# A second reading that gives other text and scores within this margin of the
# best is as plausible: we are not sure, and say so instead of picking one.
# (Measured on our own GBK, Big5, Shift-JIS, EUC-JP and EUC-KR entries: a wrong
# best reading always had a rival within 0.025; a right one, alone, at least 0.05.)
RIVAL_CHAOS_MARGIN = 0.04
# Western European files are by far the most common legacy .bib files, and
# charset-normalizer cannot tell the Latin code pages apart on a few accented
# names: among Latin readings this close to the best, Windows-1252 is preferred.
LATIN_PREFERENCE_MARGIN = 0.1
WINDOWS_1252_ALIASES = frozenset({"cp1252", "latin_1", "iso8859_1", "iso8859_15"})


class DecodedText(NamedTuple):
    """A decoded file: ``(text, encoding, guesses)``.

    ``encoding`` is a Python codec name: ``utf-8``, ``utf-8-sig`` (UTF-8 with a
    BOM), ``utf-16``, ``utf-16-le``, ``utf-16-be``, ``utf-32``; a legacy encoding
    charset-normalizer recognised (``cp1252``, ``latin-1``, ``gb18030``,
    ``cp932``, ``cp949``, ``big5``…); or ``UNKNOWN_ENCODING`` when it could not
    tell, with the readings it hesitated between in ``guesses``.
    """

    text: str
    encoding: str
    guesses: tuple[str, ...] = ()

    @property
    def is_legacy(self) -> bool:
        """True when the bytes were not Unicode (the encoding was detected, or is unknown)."""
        return self.encoding not in UNICODE_ENCODINGS

    @property
    def is_known(self) -> bool:
        return self.encoding != UNKNOWN_ENCODING

    @property
    def label(self) -> str:
        """The encoding for people: "Windows-1252", "GB18030", "UTF-8"."""
        return encoding_label(self.encoding)

    @property
    def notice(self) -> str:
        """What to tell the person importing: ``""`` for Unicode, else the encoding used or
        the fact that it is unknown."""
        if not self.is_legacy:
            return ""
        if self.is_known:
            return f"decoded as {self.label}; check accented names"
        perhaps = " or ".join(encoding_label(guess) for guess in self.guesses[:3])
        return (
            "could not tell which encoding this file is in (it is not UTF-8"
            + (f"; perhaps {perhaps}" if perhaps else "")
            + "), so entries with non-ASCII characters were not imported: "
            "save the file as UTF-8 and import it again"
        )


def encoding_label(encoding: str) -> str:
    """``cp1252`` → "Windows-1252", ``cp932`` → "Shift-JIS (CP932)", ``gb18030`` → "GB18030"."""
    if encoding in ENCODING_LABELS:
        return ENCODING_LABELS[encoding]
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return encoding
    return {
        "cp1252": "Windows-1252",
        "iso8859-1": "Latin-1 (ISO-8859-1)",
        "cp932": "Shift-JIS (CP932)",
        "cp949": "EUC-KR (CP949)",
        "cp950": "Big5 (CP950)",
        "euc_jis_2004": "EUC-JP",
    }.get(name, name.replace("_", "-").upper())


@dataclass(frozen=True)
class EncodingNotice(ImportProblem):
    """Not a failed entry: the file was not Unicode and its encoding was detected or unknown.

    ``parse_bibtex`` yields it first when given such bytes, so the person
    importing can check accented names. Code that counts failed entries can
    skip it with ``isinstance(item, EncodingNotice)``.
    """


def decode_bibtex(data: bytes) -> DecodedText:
    """Decode a .bib file's bytes; never raises.

    Order: a UTF-32/UTF-8/UTF-16 byte-order mark; UTF-16 without a BOM (told by
    its NUL bytes); strict UTF-8; else what charset-normalizer detects, with
    Windows-1252 preferred among Western European readings. When two readings
    that give different text are about as plausible, or none is, the encoding
    is ``UNKNOWN_ENCODING``. Check ``.notice`` (or ``.is_legacy``) to tell the user.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return DecodedText(data.decode("utf-32", errors="replace"), "utf-32")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return DecodedText(data.decode("utf-8-sig"), "utf-8-sig")
        except UnicodeDecodeError:
            return _detect_legacy(data[3:])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return DecodedText(data.decode("utf-16", errors="replace"), "utf-16")
    if utf16 := _utf16_without_bom(data):
        return DecodedText(data.decode(utf16, errors="replace"), utf16)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _detect_legacy(data)


def _detect_legacy(data: bytes) -> DecodedText:
    """The text of bytes that are not UTF-8, in the encoding charset-normalizer finds."""
    try:
        matches = list(charset_normalizer.from_bytes(data))
    except Exception:  # a detector bug must not cost the import; say we do not know
        matches = []
    if not matches:
        return _unknown(data, ())
    best = matches[0]
    best_text = str(best)
    if _mostly_latin(best_text):
        close = [m for m in matches if m.chaos <= best.chaos + LATIN_PREFERENCE_MARGIN]
        if any(WINDOWS_1252_ALIASES & {m.encoding, *m.could_be_from_charset} for m in close):
            for encoding in ("cp1252", "latin-1"):
                try:
                    return DecodedText(data.decode(encoding), encoding)
                except UnicodeDecodeError:
                    continue
    rivals = [
        match.encoding
        for match in matches[1:]
        if match.chaos < best.chaos + RIVAL_CHAOS_MARGIN and str(match) != best_text
    ]
    if rivals:
        return _unknown(data, (best.encoding, *rivals))
    return DecodedText(best_text, best.encoding)


def _unknown(data: bytes, guesses: tuple[str, ...]) -> DecodedText:
    return DecodedText(data.decode("latin-1"), UNKNOWN_ENCODING, guesses)


NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Enough non-ASCII characters to tell a script by, without walking a whole big file.
SCRIPT_SAMPLE_CHARS = 10_000


def _mostly_latin(text: str) -> bool:
    """Whether the letters beyond ASCII in ``text`` are nearly all Latin ones (é, ł, ß…)."""
    latin = other = 0
    for found, match in enumerate(NON_ASCII.finditer(text)):
        if found >= SCRIPT_SAMPLE_CHARS:
            break
        char = match.group()
        if not char.isalpha():
            continue
        if unicodedata.name(char, "").startswith("LATIN"):
            latin += 1
        else:
            other += 1
    return latin >= 4 * other


def _utf16_without_bom(data: bytes) -> str:
    """``utf-16-le``/``utf-16-be`` when the bytes look like mostly-ASCII UTF-16, else ``""``.

    In such text nearly every other byte is NUL: the odd ones for little-endian,
    the even ones for big-endian. UTF-8 and 8-bit text have (almost) no NULs.
    """
    sample = data[:UTF16_SNIFF_BYTES]
    pairs = len(sample) // 2
    if pairs < 2:
        return ""
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls >= 0.6 * pairs and even_nuls <= 0.1 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.6 * pairs and odd_nuls <= 0.1 * pairs:
        return "utf-16-be"
    return ""


# --------------------------------------------------------------------------
# LaTeX to Unicode
# --------------------------------------------------------------------------

# accent command -> Unicode combining mark
# fmt: off
ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361",
    # \: is no LaTeX accent, but real files write J{\:o}rn for J{\"o}rn
    ":": "\u0308",
}
# control words that stand for a character or a short text
WORD_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ",
    "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…", "textellipsis": "…",
    "slash": "/", "hyphen": "-", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "guillemotleft": "«",
    "guillemotright": "»", "textregistered": "®", "texttrademark": "™", "copyright": "©",
    "textcopyright": "©", "S": "§", "P": "¶", "pounds": "£", "textsterling": "£", "euro": "€",
    "texteuro": "€", "textdegree": "°", "textasciitilde": "~", "textasciicircum": "^",
    "textbackslash": "\\", "textbar": "|", "textless": "<", "textgreater": ">",
    "textunderscore": "_", "textbullet": "•", "textperiodcentered": "·", "quad": " ",
    "qquad": " ", "TeX": "TeX", "LaTeX": "LaTeX", "BibTeX": "BibTeX",
}
# control symbols (a backslash and one non-letter) other than accents and escaped characters;
# \- is a hyphenation hint and \/ an italic correction: both print nothing
CHAR_SYMBOLS = {" ": " ", "\\": " ", ",": " ", ";": " ", "!": "", "-": "", "/": "", "@": ""}
# fmt: on
# commands whose one argument is quoted text
QUOTING = {"enquote": ("“", "”"), "mkbibquote": ("“", "”")}
# accent bases that lose their dot under an accent: {\'\i} is í
DOTLESS_BASES = {"ı": "i", "ȷ": "j"}

CONTROL_WORD = re.compile(r"[A-Za-z]+\*?")
PLAIN_RUN = re.compile(r"[^\\{}$~]+")
WHITESPACE = re.compile(r"\s+")
LEADING_SPACES = re.compile(r"[ \t\r\n]*")
# text without any of these reads the same as LaTeX and as plain text
LATEX_SYNTAX = re.compile(r"[\\{}$~`]|--|''")
COMMANDS_AND_BRACES = re.compile(r"\\[A-Za-z]+|[{}\\]")
URL_COMMAND = re.compile(r"\\url\b")
ESCAPED_LITERAL = re.compile(r"\\([_%&#~$])")


def latex_to_unicode(text: str) -> str:
    """BibTeX field text as plain Unicode: accents, symbols, dashes, quotes; braces dropped.

    ``{\\"o}``, ``\\"{o}`` and ``\\"o`` become ``ö``; ``{\\ss}`` ``ß``; ``\\c{c}`` ``ç``;
    ``--`` an en dash; ``\\&`` ``&``; ``~`` a space; formatting commands (``\\emph``,
    ``\\textbf``, ``{\\em …}``) keep their text; unknown commands are dropped, their
    braced argument kept. Math (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) is kept
    exactly as written. Whitespace runs become one space; the result is NFC.
    """
    if not LATEX_SYNTAX.search(text):
        return clean_text(text)
    try:
        decoded = _LatexReader(text).read_until(len(text))
    except RecursionError:  # braces nested hundreds deep: no real file, but never crash
        decoded = COMMANDS_AND_BRACES.sub("", text)
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", decoded)).strip()


def unescape_literal(text: str) -> str:
    """A DOI, URL or eprint as plain text: ``{\\_}``, ``\\%`` unescaped; braces, ``\\url`` dropped."""
    text = URL_COMMAND.sub("", text or "")
    text = ESCAPED_LITERAL.sub(r"\1", text)
    text = text.replace("{", "").replace("}", "")
    return WHITESPACE.sub(" ", text).strip()


class _LatexReader:
    """A one-pass reader of LaTeX text (see ``latex_to_unicode``)."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self._closers: dict[int, int] | None = None

    def read_until(self, end: int) -> str:
        """Decode ``text[pos:end]``; ``pos`` ends at ``end``."""
        out: list[str] = []
        text = self.text
        while self.pos < end:
            char = text[self.pos]
            if run := PLAIN_RUN.match(text, self.pos, end):
                out.append(_typeset_plain(run.group()))
                self.pos = run.end()
            elif char == "{":
                out.append(self.read_group(end))
            elif char == "}":  # a stray closing brace
                self.pos += 1
            elif char == "~":
                out.append(" ")
                self.pos += 1
            elif char == "$":
                out.append(self.read_dollar_math(end))
            else:
                out.append(self.read_command(end))
        return "".join(out)

    def group_end(self, start: int, end: int) -> int:
        """Index of the ``}`` closing the ``{`` at ``start`` (``end`` if it is not closed before).

        The pairs are found once per text, so nested groups cost linear time, not
        a scan of the rest of the text per level.
        """
        if self._closers is None:
            self._closers = _matching_braces(self.text)
        close = self._closers.get(start, end)
        return close if close < end else end

    def read_group(self, end: int) -> str:
        """Decode the ``{…}`` group at ``pos``, without its braces."""
        close = self.group_end(self.pos, end)
        self.pos += 1
        inner = self.read_until(close)
        self.pos = min(close + 1, end)
        return inner

    def read_dollar_math(self, end: int) -> str:
        """``$…$`` or ``$$…$$`` kept verbatim; an unclosed ``$`` is kept as a character."""
        text = self.text
        delimiter = "$$" if text.startswith("$$", self.pos) else "$"
        start = self.pos + len(delimiter)
        close = start
        while True:
            close = text.find(delimiter, close, end)
            if close < 0:
                self.pos += 1
                return "$"
            if text[close - 1] != "\\":
                break
            close += 1
        self.pos = close + len(delimiter)
        return text[start - len(delimiter) : self.pos]

    def read_command(self, end: int) -> str:
        """Decode the command at ``pos`` (a backslash) and what it applies to."""
        text = self.text
        start = self.pos
        self.pos += 1
        if self.pos >= end:
            return ""
        char = text[self.pos]
        if char in "([":
            closer = "\\)" if char == "(" else "\\]"
            close = text.find(closer, self.pos, end)
            if close >= 0:
                self.pos = close + 2
                return text[start : self.pos]
        if word := CONTROL_WORD.match(text, self.pos, end):
            name = word.group().rstrip("*")
            self.pos = word.end()
            return self.apply_word(name, end)
        self.pos += 1
        if char in ACCENTS:
            return self.apply_accent(char, end)
        return CHAR_SYMBOLS.get(char, char)

    def apply_word(self, name: str, end: int) -> str:
        if name in ACCENTS:
            self.skip_spaces(end)
            return self.apply_accent(name, end)
        if name in QUOTING:
            self.skip_spaces(end)
            opening, closing = QUOTING[name]
            return opening + self.read_argument(end) + closing
        # TeX swallows the spaces after a control word: {\ss}e and \ss e are both ße
        self.skip_spaces(end)
        return WORD_SYMBOLS.get(name, "")

    def apply_accent(self, accent: str, end: int) -> str:
        base = self.read_argument(end)
        if not base:
            return ""
        first = DOTLESS_BASES.get(base[0], base[0])
        return first + ACCENTS[accent] + base[1:]

    def read_argument(self, end: int) -> str:
        """A command's argument: a ``{…}`` group, a command, or one character."""
        if self.pos >= end:
            return ""
        char = self.text[self.pos]
        if char == "{":
            return self.read_group(end)
        if char == "\\":
            return self.read_command(end)
        self.pos += 1
        return char

    def skip_spaces(self, end: int) -> None:
        self.pos = min(LEADING_SPACES.match(self.text, self.pos).end(), end)


def _matching_braces(text: str) -> dict[int, int]:
    """``{index of "{": index of its "}"}`` for the balanced pairs; ``\\{`` and ``\\}`` are not braces."""
    pairs: dict[int, int] = {}
    opened: list[int] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            opened.append(index)
        elif char == "}" and opened:
            pairs[opened.pop()] = index
        index += 1
    return pairs


def _typeset_plain(run: str) -> str:
    """What TeX makes of plain characters: em and en dashes from ``---`` and ``--``, curly quotes."""
    if "-" in run:
        run = run.replace("---", "—").replace("--", "–")
    if "`" in run or "''" in run:
        run = run.replace("``", "“").replace("''", "”")
    return run


def clean_text(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped, NFC (no LaTeX decoding)."""
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


# --------------------------------------------------------------------------
# Field values: braces, quotes, numbers, macros and # concatenation
# --------------------------------------------------------------------------

# BibTeX's predefined month macros
# fmt: off
MONTH_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}
# fmt: on
BARE_WORD = re.compile(r"[^\s#{}\",=]+")

# Limits on what @string macros can make of a file. Each applies only to growth
# by macros: a value as long as its own text, or an entry as long as its own
# fields, always passes; the write path (papers.services) then caps what it
# stores. Seven @strings of ten copies each would otherwise turn 400 bytes into
# 100,000,000 characters.
#: A field value or @string may expand to this many characters.
MAX_FIELD_CHARS = 100_000
#: All field values of one entry together.
MAX_ENTRY_CHARS = 200_000
#: All @strings and field values of a file together: this many characters, or
#: this many times the file's length when that is more.
MIN_FILE_BUDGET_CHARS = 500_000
FILE_BUDGET_PER_INPUT_CHAR = 16


class FieldValueError(Exception):
    """A field value that cannot be read (say, a missing comma glued two fields together)."""


class ValueTooLong(FieldValueError):
    """A value whose macros expand past its limit, or that uses a macro that did (``macro``)."""

    def __init__(self, message: str, *, macro: str = ""):
        super().__init__(message)
        self.macro = macro


# Stands in the macro table for an @string that expanded past its limit, so that
# entries using it are reported instead of reading the macro's name as its text.
_OVERSIZED = object()


def evaluate_value(raw: str, macros: dict, *, max_chars: int = MAX_FIELD_CHARS) -> str:
    """The text of a raw field value.

    ``{…}`` and ``"…"`` give their content, braces inside kept (they matter to
    LaTeX decoding and name splitting); a bare number gives itself; a bare name
    is a macro (case-insensitive) -- an undefined one gives its own name, so
    ``journal = iclr`` without a strings file still says ``iclr``. Parts joined
    by ``#`` are concatenated. Raises ``FieldValueError`` for text after a value
    that is not ``#`` (typically a missing comma), and ``ValueTooLong`` when the
    value would be longer than both ``max_chars`` and ``raw`` itself (checked
    before anything that long is built).
    """
    limit = max(max_chars, len(raw))
    parts: list[str] = []
    total = 0
    pos, end = 0, len(raw)
    while True:
        pos = _skip_space(raw, pos)
        if pos >= end:
            break
        char = raw[pos]
        if char == "{":
            close = _brace_end(raw, pos)
            part = raw[pos + 1 : close]
            pos = close + 1
        elif char == '"':
            close = _quote_end(raw, pos)
            part = raw[pos + 1 : close]
            pos = close + 1
        elif word := BARE_WORD.match(raw, pos):
            name = word.group()
            part = name if name.isdigit() else macros.get(name.lower(), name)
            if part is _OVERSIZED:
                raise ValueTooLong(
                    f"it uses @string {name}, which was not read: it expands to more than "
                    f"{MAX_FIELD_CHARS:,} characters, or past the file's limit",
                    macro=name,
                )
            pos = word.end()
        else:
            raise FieldValueError(f"unexpected “{raw[pos : pos + 20]}”")
        total += len(part)
        if total > limit:
            raise ValueTooLong(
                f"it expands to more than {limit:,} characters "
                "(@string macros repeated over and over?)"
            )
        parts.append(part)
        pos = _skip_space(raw, pos)
        if pos >= end:
            break
        if raw[pos] != "#":
            raise FieldValueError(
                f"unexpected “{_shorten(raw[pos:])}” after the value; is a comma missing before it?"
            )
        pos += 1
    return "".join(parts)


def _skip_space(raw: str, pos: int) -> int:
    while pos < len(raw) and raw[pos].isspace():
        pos += 1
    return pos


def _brace_end(raw: str, start: int) -> int:
    depth = 0
    for index in range(start, len(raw)):
        char = raw[index]
        if char == "{" and (index == 0 or raw[index - 1] != "\\"):
            depth += 1
        elif char == "}" and raw[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    raise FieldValueError("a “{” is never closed")


def _quote_end(raw: str, start: int) -> int:
    depth = 0
    for index in range(start + 1, len(raw)):
        char = raw[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            return index
    raise FieldValueError('a “"” is never closed')


def _shorten(text: str, limit: int = 30) -> str:
    text = WHITESPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[:limit] + "…"


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

AND_SEPARATOR = re.compile(r"\s+and\s+", re.IGNORECASE)
TOP_LEVEL_COMMA = re.compile(",")
NOT_A_PERSON = frozenset({"others", "et al", "et al.", "etal", "et. al."})


def split_top_level(text: str, separator: re.Pattern) -> list[str]:
    """``text`` split where ``separator`` matches outside braces."""
    if "{" not in text:
        return separator.split(text)
    depths = _brace_depths(text)
    pieces, start = [], 0
    for match in separator.finditer(text):
        if depths[match.start()] == 0:
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


def _brace_depths(text: str) -> list[int]:
    depths, depth = [], 0
    for index, char in enumerate(text):
        if char == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        depths.append(depth)
        if char == "}" and (index == 0 or text[index - 1] != "\\"):
            depth = max(depth - 1, 0)
    return depths


def parse_names(raw: str) -> list[str]:
    """BibTeX ``author``/``editor`` text as display names ("Given Family"), in order.

    Splits on ``and`` outside braces (``{Barnes and Noble, Inc.}`` stays one
    name), reads "Family, Given", "Family, Jr, Given" and "Given Family" forms,
    decodes LaTeX, and drops "others" / "et al.".
    """
    names = []
    for piece in split_top_level(raw.strip(), AND_SEPARATOR):
        name = _display_name(piece)
        if name and name.lower() not in NOT_A_PERSON:
            names.append(name)
    return names


def _display_name(raw: str) -> str:
    parts = [latex_to_unicode(part) for part in split_top_level(raw, TOP_LEVEL_COMMA)]
    parts = [part for part in parts if part]
    if not parts:
        return ""
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    else:  # Family, Jr, Given
        name = f"{parts[-1]} {parts[0]} {' '.join(parts[1:-1])}"
    if "," in name:
        # a comma that survived is inside braces: {Barnes and Noble, Inc.} is an
        # organisation, which normalize_name would turn round as "Family, Given"
        return clean_text(name)
    return normalize_name(name)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")
ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
MONTH_WORD = re.compile(r"^\s*([A-Za-z]{3,9})\.?\s*$")
SMALL_NUMBER = re.compile(r"^\s*(\d{1,2})\s*$")
FULL_MONTHS = {full.lower(): number for number, full in enumerate(MONTH_MACROS.values(), start=1)}


def parse_year(text: str) -> int | None:
    """The first four-digit number in ``text`` ("2016a" → 2016), or None ("in press")."""
    match = FOUR_DIGITS.search(text or "")
    return int(match.group(1)) if match else None


def parse_month(text: str) -> int | None:
    """1-12 from "jan", "Jan.", "Sept", "January", "1" or "01"; None for anything else."""
    if number := SMALL_NUMBER.match(text or ""):
        value = int(number.group(1))
        return value if 1 <= value <= 12 else None
    if word := MONTH_WORD.match(text or ""):
        lowered = word.group(1).lower()
        return next((n for full, n in FULL_MONTHS.items() if full.startswith(lowered)), None)
    return None


def parse_day(text: str) -> int | None:
    if number := SMALL_NUMBER.match(text or ""):
        value = int(number.group(1))
        return value if 1 <= value <= 31 else None
    return None


def _make_date(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Crossref inheritance
# --------------------------------------------------------------------------

# Fields that describe the parent itself, never the child: its identifiers, its
# abstract, bookkeeping. (The parent's title becomes the child's booktitle.)
# fmt: off
NOT_INHERITED = frozenset({
    "crossref", "title", "subtitle", "titleaddon", "shorttitle", "doi", "url", "ee", "eprint",
    "archiveprefix", "eprinttype", "primaryclass", "eprintclass", "biburl", "bibsource",
    "timestamp", "abstract", "keywords", "keyword", "ids", "isbn", "issn", "pages", "file",
    "note", "annote", "annotation", "entryset", "xdata",
})
# fmt: on
# Entry types that hold other entries rather than being papers: proceedings and
# collections are skipped when an entry in the file crossrefs them, @set and
# @xdata (BibLaTeX groupings and shared data) always.
CONTAINER_TYPES = frozenset({"proceedings", "mvproceedings", "collection", "mvcollection"})
NEVER_PAPERS = frozenset({"set", "xdata"})


@dataclass
class RawEntry:
    """One entry after macro evaluation: fields keyed in lower case, values still LaTeX."""

    entry_type: str
    key: str
    line: int
    fields: dict[str, str]


#: How many crossref levels an entry inherits from. Real files use one or two
#: (an article in proceedings in a series); a chain of thousands is an attack.
MAX_CROSSREF_DEPTH = 8


def resolve_crossrefs(entries: dict[str, RawEntry]) -> dict[str, dict[str, str]]:
    """Each entry's fields with what it inherits through ``crossref`` (chains too).

    A child keeps its own fields and takes every other field of its parent,
    except those in ``NOT_INHERITED``; the parent's title becomes the child's
    ``booktitle`` (``journal`` for an article) when it has none, ahead of a
    booktitle the parent inherited in turn. Keys are matched
    case-insensitively, as BibTeX does. A crossref to a key that is not in the
    file, or a cycle, simply inherits nothing more; nor do ancestors beyond
    ``MAX_CROSSREF_DEPTH``. Iterative: chains of any length cost no stack.
    """
    by_lower_key = {key.lower(): entry for key, entry in entries.items()}
    return {key: _with_ancestors(entry, by_lower_key) for key, entry in entries.items()}


def _with_ancestors(entry: RawEntry, by_lower_key: dict[str, RawEntry]) -> dict[str, str]:
    chain = [entry]  # the entry, its parent, its grandparent…
    seen = {entry.key.lower()}
    while len(chain) <= MAX_CROSSREF_DEPTH:
        parent_key = unescape_literal(chain[-1].fields.get("crossref", "")).lower()
        parent = by_lower_key.get(parent_key)
        if parent is None or parent_key in seen:
            break
        seen.add(parent_key)
        chain.append(parent)
    # From the farthest ancestor down, as if each level had resolved its parent first.
    fields = dict(chain[-1].fields)
    for child in reversed(chain[:-1]):
        child_fields = dict(child.fields)
        _inherit(child_fields, fields, child.entry_type)
        fields = child_fields
    return fields


def _inherit(child: dict[str, str], parent: dict[str, str], child_type: str) -> None:
    # the parent's own title names the volume the child is in, before any booktitle
    # the parent itself inherited from further up the chain
    container_field = "journal" if child_type == "article" else "booktitle"
    if "title" in parent and container_field not in child:
        child[container_field] = parent["title"]
    for name, value in parent.items():
        if name not in NOT_INHERITED and name not in child:
            child[name] = value


# --------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------

ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)"
# "arXiv preprint arXiv:1412.6980", "ArXiv:2010.02178", "arxiv:1811.00995v2", "arXiv 1711.01761"
ARXIV_IN_TEXT = re.compile(
    r"\barxiv\b(?:\s*e-prints?)?(?:\s*preprint)?(?:\s*arxiv)?\s*[:/]?\s*(?:abs/)?" + ARXIV_ID,
    re.IGNORECASE,
)
CORR_VOLUME = re.compile(r"^\s*abs/" + ARXIV_ID + r"\s*$", re.IGNORECASE)
ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/" + ARXIV_ID, re.IGNORECASE)
DOI_URL = re.compile(r"\bdoi\.(?:org|acm\.org)/|\bdx\.doi\.org/", re.IGNORECASE)
ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)
DBLP_KEY_PREFIX = "DBLP:"


def find_identifiers(key: str, fields: dict[str, str]) -> dict[str, str]:
    """Normalised identifiers of an entry; a value that does not normalise is left out."""
    identifiers: dict[str, str] = {}
    _add(identifiers, "bibtex", key, normalize_bibtex_key)
    if key.upper().startswith(DBLP_KEY_PREFIX):
        _add(identifiers, "dblp", key, normalize_dblp)
    urls = [unescape_literal(fields.get(name, "")) for name in ("url", "ee")]
    doi = unescape_literal(fields.get("doi", ""))
    if doi:
        _add(identifiers, "doi", doi, normalize_doi)
    if "doi" not in identifiers:
        for url in urls:
            if DOI_URL.search(url) and _add(identifiers, "doi", url, normalize_doi):
                break
    for candidate in _arxiv_candidates(fields, urls, identifiers.get("doi", "")):
        if _add(identifiers, "arxiv", candidate, normalize_arxiv):
            break
    return identifiers


def _add(identifiers: dict[str, str], scheme: str, value: str, normalizer) -> bool:
    try:
        identifiers[scheme] = normalizer(value)
    except InvalidIdentifier:
        return False
    return True


def _arxiv_candidates(fields: dict[str, str], urls: list[str], doi: str) -> Iterator[str]:
    """Places an arXiv id can be, most explicit first."""
    eprint = unescape_literal(fields.get("eprint", ""))
    archive = unescape_literal(fields.get("archiveprefix") or fields.get("eprinttype") or "")
    journal = latex_to_unicode(fields.get("journal", ""))
    # ADS writes journal = {arXiv e-prints} and an eprint with no archivePrefix
    if eprint and "arxiv" in f"{archive} {eprint} {journal}".lower():
        yield eprint
    if journal.lower() == "corr" and (volume := CORR_VOLUME.match(fields.get("volume", ""))):
        yield volume.group("id")
    for name in ("journal", "journaltitle", "booktitle", "note", "howpublished", "number"):
        text = latex_to_unicode(fields.get(name, ""))
        if match := ARXIV_URL.search(text) or ARXIV_IN_TEXT.search(text):
            yield match.group("id")
    for url in urls:
        if match := ARXIV_URL.search(url):
            yield match.group("id")
    if match := ARXIV_DOI.match(doi):
        yield match.group("id")


# --------------------------------------------------------------------------
# Entries to records
# --------------------------------------------------------------------------

ENTRY_TYPE_ALIASES = {"conference": "inproceedings", "electronic": "online", "www": "online"}
KEYWORD_SEPARATOR = re.compile(r"[,;]")
SUBTITLE_JOINERS = (":", "?", "!", ".")


def entry_to_record(entry: RawEntry, fields: dict[str, str]) -> PaperRecord | ImportProblem:
    """Map one entry (with inherited fields) to a ``PaperRecord``, or say why it cannot be."""
    title = _title(fields)
    if not title:
        return ImportProblem(entry.key, f"entry {entry.key} (line {entry.line}) has no title")
    year = parse_year(fields.get("year", ""))
    published_on = _make_date(
        year, parse_month(fields.get("month", "")), parse_day(fields.get("day", ""))
    )
    if iso := ISO_DATE.match(fields.get("date", "")):
        year = year or int(iso.group(1))
        published_on = published_on or _iso_date(iso)
    venue_name = latex_to_unicode(
        fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or ""
    )
    identifiers = find_identifiers(entry.key, fields)
    # an edited book is credited to its editors; an inherited editor credits no one
    people = fields.get("author") or entry.fields.get("editor", "")
    return PaperRecord(
        title=title,
        authors=[AuthorName(name) for name in parse_names(people)],
        abstract=latex_to_unicode(fields.get("abstract", "")),
        year=year,
        published_on=published_on,
        venue_key=venue_key_for(dblp_key=identifiers.get("dblp", ""), name=venue_name),
        venue_name=venue_name,
        url=unescape_literal(fields.get("url", "")),
        keywords=_keywords(fields.get("keywords") or fields.get("keyword") or ""),
        identifiers=identifiers,
        source=SOURCE,
        source_ref=entry.key,
        doc_type=ENTRY_TYPE_ALIASES.get(entry.entry_type, entry.entry_type),
    )


def _title(fields: dict[str, str]) -> str:
    title = latex_to_unicode(fields.get("title", ""))
    subtitle = latex_to_unicode(fields.get("subtitle", ""))
    if title and subtitle:
        joiner = " " if title.endswith(SUBTITLE_JOINERS) else ": "
        title = f"{title}{joiner}{subtitle}"
    return title


def _iso_date(match: re.Match) -> date | None:
    year, month, day = match.groups()
    return _make_date(int(year), int(month) if month else None, int(day) if day else None)


def _keywords(raw: str) -> list[str]:
    keywords: list[str] = []
    for piece in KEYWORD_SEPARATOR.split(raw):
        keyword = latex_to_unicode(piece)
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    return keywords


# --------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------

# the start of a block the splitter gave up on; a "key" followed by "=" is a field name
ENTRY_HEAD = re.compile(r"@\s*(?P<type>\w+)\s*[{(]\s*(?:(?P<key>[^,\s{}()=]++)(?!\s*=))?")


@dataclass
class BibFile:
    """A .bib file read and resolved, before its entries become records.

    ``items``: the entries (``RawEntry``) and the blocks that failed
    (``ImportProblem``), in file order. ``fields``: per entry key, its fields
    with ``@string`` macros and crossref inheritance applied, values still LaTeX.
    ``notices``: problems with the file as a whole (a guessed encoding, an
    unreadable macros file).
    """

    items: list[RawEntry | ImportProblem]
    fields: dict[str, dict[str, str]]
    notices: list[ImportProblem]


def parse_bibtex(
    data: bytes | str | DecodedText, *, macros: str | bytes | None = None
) -> Iterator[PaperRecord | ImportProblem]:
    """Yield a ``PaperRecord`` per usable entry and an ``ImportProblem`` per unusable one.

    ``data`` is a .bib file as bytes (decoded by ``decode_bibtex``; a legacy or
    unknown encoding is reported first as an ``EncodingNotice``), bytes already
    decoded (a ``DecodedText``), or text.
    ``macros`` is an optional second file whose ``@string`` definitions are
    read first (a "shortstrings" file); the main file's own ``@string``s win
    over it. ``@preamble`` and ``@comment`` blocks and free text are ignored;
    ``@set``/``@xdata`` entries, and proceedings/collections that other entries
    crossref, are containers, not papers, and are skipped silently.

    Problems (each names the entry key or the line, 1-based): blocks the
    splitter could not read (unbalanced braces, a missing comma or key), a
    value it cannot read, a value or entry that @string macros blow up past
    ``MAX_FIELD_CHARS``/``MAX_ENTRY_CHARS`` or the file's budget, a key used
    twice (the first entry wins), an entry with no title, an entry with
    non-ASCII text in a file whose encoding is unknown. Never raises.
    """
    try:
        bib = read_bibtex(data, macros=macros)
    except Exception as error:  # a bug of ours or the splitter's: report it, never crash
        yield ImportProblem("", f"could not read the file ({type(error).__name__}: {error})")
        return
    yield from bib.notices
    crossref_targets = {
        unescape_literal(fields.get("crossref", "")).lower() for fields in bib.fields.values()
    }
    for item in bib.items:
        if isinstance(item, ImportProblem):
            yield item
        elif not _is_container(item, crossref_targets):
            yield _record_or_problem(item, bib.fields[item.key])


class _Budget:
    """Characters a file's @strings and fields may still expand to (see ``MIN_FILE_BUDGET_CHARS``)."""

    def __init__(self, input_chars: int):
        self.total = max(MIN_FILE_BUDGET_CHARS, FILE_BUDGET_PER_INPUT_CHAR * input_chars)
        self.left = self.total


def read_bibtex(data: bytes | str | DecodedText, *, macros: str | bytes | None = None) -> BibFile:
    """Split, evaluate and crossref-resolve a .bib file (see ``parse_bibtex``)."""
    notices: list[ImportProblem] = []
    ascii_only = False
    if isinstance(data, bytes | DecodedText):
        decoded = data if isinstance(data, DecodedText) else decode_bibtex(data)
        if decoded.is_legacy:
            notices.append(EncodingNotice("", decoded.notice))
        ascii_only = not decoded.is_known
        text = decoded.text
    else:
        text = data.removeprefix("\ufeff")
    macro_table: dict = dict(MONTH_MACROS)
    budget = _Budget(len(text))
    if macros is not None:
        macro_text = macros
        if isinstance(macros, bytes):
            decoded_macros = decode_bibtex(macros)
            macro_text = decoded_macros.text
            ascii_only = ascii_only or not decoded_macros.is_known
        library, failure = _split(macro_text)
        if failure:
            notices.append(ImportProblem("macros", f"could not read the @string file: {failure}"))
        else:
            budget.left += budget.total  # the macros file brings its own share
            _read_strings(library.blocks, macro_table, budget)
    library, failure = _split(text)
    if failure:
        notices.append(ImportProblem("", f"could not read the file: {failure}"))
        return BibFile([], {}, notices)
    _read_strings(library.blocks, macro_table, budget)
    items = list(_read_entries(library.blocks, macro_table, budget, ascii_only=ascii_only))
    entries = {item.key: item for item in items if isinstance(item, RawEntry)}
    return BibFile(items, resolve_crossrefs(entries), notices)


def _split(text: str):
    """bibtexparser's split of ``text`` into blocks (no middlewares), or the reason it failed."""
    try:
        return bibtexparser.parse_string(text, parse_stack=[]), ""
    except Exception as error:  # the splitter raises only on its own internal errors
        return None, f"the BibTeX reader failed ({type(error).__name__}: {error})"


def _read_strings(blocks, macro_table: dict, budget: _Budget) -> None:
    """Add the ``@string`` definitions among ``blocks`` to ``macro_table``, in order.

    One that expands past its limit (or the file's budget) is marked, so that
    the entries using it are reported rather than read with the macro's name.
    """
    for block in blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            block = block.ignore_error_block  # a redefinition: the later one wins
        if isinstance(block, String):
            name = block.key.strip().lower()
            try:
                value = evaluate_value(
                    block.value, macro_table, max_chars=min(MAX_FIELD_CHARS, budget.left)
                )
            except ValueTooLong:
                macro_table[name] = _OVERSIZED
                continue
            except FieldValueError:
                continue
            budget.left -= len(value)
            macro_table[name] = value


def _read_entries(
    blocks, macro_table: dict, budget: _Budget, *, ascii_only: bool
) -> Iterator[RawEntry | ImportProblem]:
    for block in blocks:
        if isinstance(block, DuplicateFieldKeyBlock):
            block = block.ignore_error_block  # BibTeX itself keeps the first value
        if isinstance(block, DuplicateBlockKeyBlock):
            if isinstance(block.ignore_error_block, Entry):
                yield _duplicate_key_problem(block)
        elif isinstance(block, ParsingFailedBlock):
            yield _failed_block_problem(block)
        elif isinstance(block, Entry):
            entry = _raw_entry(block, macro_table, budget)
            if ascii_only and isinstance(entry, RawEntry) and not _is_ascii(entry):
                entry = ImportProblem(
                    entry.key,
                    f"entry {entry.key} (line {entry.line}) has non-ASCII characters, and the "
                    "file's encoding is unknown; save the file as UTF-8 and import it again",
                )
            yield entry


def _is_ascii(entry: RawEntry) -> bool:
    return entry.key.isascii() and all(value.isascii() for value in entry.fields.values())


def _record_or_problem(entry: RawEntry, fields: dict[str, str]) -> PaperRecord | ImportProblem:
    try:
        return entry_to_record(entry, fields)
    except Exception as error:  # one odd entry must not stop the file; say which it was
        return ImportProblem(
            entry.key,
            f"entry {entry.key} (line {entry.line}) could not be read: "
            f"{type(error).__name__}: {error}",
        )


def _is_container(entry: RawEntry, crossref_targets: set[str]) -> bool:
    if entry.entry_type in NEVER_PAPERS:
        return True
    return entry.entry_type in CONTAINER_TYPES and entry.key.lower() in crossref_targets


def _raw_entry(block: Entry, macro_table: dict, budget: _Budget) -> RawEntry | ImportProblem:
    line = (block.start_line or 0) + 1
    key = (block.key or "").strip()
    if not key:
        return ImportProblem(
            f"line {line}", f"the @{block.entry_type} entry at line {line} has no key"
        )
    own_chars = sum(len(field.value or "") for field in block.fields)
    entry_left = max(MAX_ENTRY_CHARS, own_chars)
    fields: dict[str, str] = {}
    for field in block.fields:
        name = field.key.strip().lower()
        if name in fields:
            continue
        try:
            value = evaluate_value(
                field.value, macro_table, max_chars=min(MAX_FIELD_CHARS, entry_left, budget.left)
            )
        except ValueTooLong as error:
            if error.macro:
                reason = str(error)
            elif budget.left < min(MAX_FIELD_CHARS, entry_left):
                reason = (
                    "the file's @string macros and fields together expand to more than "
                    f"{budget.total:,} characters"
                )
            elif entry_left < MAX_FIELD_CHARS:
                reason = f"the entry expands to more than {MAX_ENTRY_CHARS:,} characters"
            else:
                reason = str(error)
            return ImportProblem(
                key, f"entry {key} (line {line}): field “{field.key}” was not read: {reason}"
            )
        except FieldValueError as error:
            return ImportProblem(
                key,
                f"entry {key} (line {line}): cannot read field “{field.key}”: {error}",
            )
        entry_left -= len(value)
        budget.left -= len(value)
        fields[name] = value
    return RawEntry(block.entry_type.lower(), key, line, fields)


def _failed_block_problem(block: ParsingFailedBlock) -> ImportProblem:
    line = (block.start_line or 0) + 1
    head = ENTRY_HEAD.match((block.raw or "").lstrip())
    key = (head.group("key") or "") if head else ""
    kind = f"@{head.group('type').lower()}" if head else "block"
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    what = f"the {kind} entry {key}" if key else f"the {kind} entry"
    return ImportProblem(
        key or f"line {line}",
        f"could not read {what} (line {line}): {_explain(reason)}",
    )


def _explain(reason: str) -> str:
    """bibtexparser's abort reason, said for a person who edits .bib files."""
    reason = WHITESPACE.sub(" ", reason).strip()
    if "Unexpected block start" in reason:
        return f"it does not end before the next entry starts (unbalanced braces or quotes?) [{reason}]"
    if "Expected comma after entry key" in reason:
        return f"no comma after the key, or no key [{reason}]"
    if "Unexpectedly reached end of file" in reason:
        return "the file ends inside this entry (unbalanced braces?)"
    return reason


def _duplicate_key_problem(block: DuplicateBlockKeyBlock) -> ImportProblem:
    line = (block.start_line or 0) + 1
    first = block.previous_block.start_line
    first_line = f"line {first + 1}" if first is not None else "earlier"
    return ImportProblem(
        block.key,
        f"entry {block.key} (line {line}) repeats a key already used at {first_line}; "
        "only the first was imported",
    )
