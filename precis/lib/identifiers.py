"""Parse, validate and normalise the identifiers that name a paper.

Four schemes are known (see ``SCHEMES``):

``arxiv``
    An arXiv id without version: ``1512.03385``, ``hep-th/9901001``,
    ``math.GT/0309136``.
``doi``
    A DOI, lowercased (DOIs are case-insensitive): ``10.1109/cvpr.2016.90``.
``dblp``
    A DBLP record key, case preserved: ``conf/icml/SchulmanLMJA15``.
``bibtex``
    Any BibTeX citation key, as used by the original ShortScience.org
    (mostly DBLP keys, sometimes ``he2016deep``-style keys), case preserved.

Every ``normalize_*`` function accepts the forms people paste (prefixes such as
``arXiv:`` or ``doi:``, resolver URLs, surrounding whitespace) and returns the
one canonical string stored in the database, or raises ``InvalidIdentifier``
whose message can be shown to the user as is.  Normalising a normalised value
returns it unchanged.

Pure Python: no Django, no network.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

__all__ = [
    "SCHEMES",
    "InvalidIdentifier",
    "arxiv_pdf_url",
    "arxiv_url",
    "dblp_url",
    "detect",
    "doi_url",
    "normalize",
    "normalize_arxiv",
    "normalize_bibtex_key",
    "normalize_dblp",
    "normalize_doi",
    "split_arxiv_version",
]

SCHEMES = ("arxiv", "doi", "dblp", "bibtex")

#: Longest input any parser looks at; longer text is rejected outright.
MAX_INPUT_LENGTH = 1000
#: Longest accepted BibTeX key (and DBLP key).
MAX_KEY_LENGTH = 255

_SHOWN_VALUE_LENGTH = 60

_ARXIV_EXPECTED = "expected something like 1512.03385, 1512.03385v2 or hep-th/9901001"
_DOI_EXPECTED = (
    "expected something like 10.1109/CVPR.2016.90 or https://doi.org/10.1109/CVPR.2016.90"
)
_DBLP_EXPECTED = "expected something like conf/icml/SchulmanLMJA15 or journals/corr/HeZRS15"
_BIBTEX_EXPECTED = "expected something like journals/corr/HeZRS15 or he2016deep"


class InvalidIdentifier(ValueError):
    """A value that is not a valid identifier of the given scheme.

    ``str(exc)`` is a complete sentence meant for users, e.g.
    ``“1512.0338” is not a valid arXiv id: expected something like 1512.03385,
    1512.03385v2 or hep-th/9901001``.  ``scheme`` and ``value`` (the raw input)
    are kept as attributes for callers that want them.
    """

    def __init__(self, message: str, *, scheme: str = "", value: object = None):
        super().__init__(message)
        self.scheme = scheme
        self.value = value


def _invalid(
    scheme: str, label: str, value: object, expected: str, problem: str = ""
) -> InvalidIdentifier:
    shown = str(value).strip()
    if len(shown) > _SHOWN_VALUE_LENGTH:
        shown = shown[:_SHOWN_VALUE_LENGTH] + "…"
    problem = f"{problem}; " if problem else ""
    return InvalidIdentifier(
        f"“{shown}” is not a valid {label}: {problem}{expected}",
        scheme=scheme,
        value=value,
    )


def _clean(value: object, error) -> str:
    """Trim whitespace (and invisible zero-width characters) or raise via ``error``."""
    if not isinstance(value, str):
        raise error("not text")
    text = value.strip().strip("\u200b\ufeff").strip()
    if not text:
        raise error("the value is empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise error(f"longer than {MAX_INPUT_LENGTH} characters")
    return text


def _has_blank_or_invisible(text: str) -> bool:
    """True when ``text`` holds whitespace or a control, format or other non-printing character."""
    if text.isascii():  # the common case, without a per-character Unicode lookup
        return not text.isprintable() or " " in text
    return any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text)


# --------------------------------------------------------------------------
# arXiv
# --------------------------------------------------------------------------

#: The archives of arXiv's old (1991-2007) scheme; that list is closed.
# fmt: off
OLD_ARXIV_ARCHIVES = frozenset({
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
    "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
    "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin",
    "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
    "solv-int", "supr-con",
})
# fmt: on

_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    r"(?P<id>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE | re.ASCII,
)
# "arXiv:1512.03385", "arxiv : 1512.03385v2 [cs.CV]" (arXiv's own "Cite as:" form)
_ARXIV_CITE = re.compile(
    r"(?:arxiv\s*:\s*)?(?P<id>[^\s\[]+)(?:\s*\[[a-z-]+(?:\.[a-z-]+)?\])?",
    re.IGNORECASE | re.ASCII,
)
# 0704.0001 (2007-04 to 2014-12: 4 digits), 1512.03385 (2015 on: 5 digits)
_ARXIV_NEW_ID = re.compile(
    r"(?P<yymm>\d{4})\.(?P<number>\d{4,5})(?:v(?P<version>[1-9]\d*))?", re.ASCII
)
# hep-th/9901001, math.GT/0309136: archive[.subject-class]/YYMMNNN
_ARXIV_OLD_ID = re.compile(
    r"(?P<archive>[A-Za-z]+(?:-[A-Za-z]+)?)(?P<subject>\.[A-Za-z][A-Za-z-]*)?/"
    r"(?P<yymm>\d{4})(?P<number>\d{3})(?:v(?P<version>[1-9]\d*))?",
    re.ASCII,
)


def split_arxiv_version(value: str) -> tuple[str, int | None]:
    """Parse any accepted arXiv form into ``(canonical id, version or None)``.

    Accepted: ``1512.03385``, ``1512.03385v2``, ``0704.0001``, ``hep-th/9901001``,
    ``math.GT/0309136v1``, each optionally prefixed ``arXiv:`` (any case, spaces
    allowed), followed by a ``[cs.CV]`` category, or as an arxiv.org
    (``www.``/``export.``) ``/abs/``, ``/pdf/`` (optionally ``.pdf``) or
    ``/html/`` URL with or without scheme, trailing slash, query or fragment.

    New-style ids must have a real month (01-12), start at 0704 and have 4
    digits after the dot up to 1412, 5 digits from 1501.  Old-style ids need a
    known archive and 7 digits YYMMNNN from 9107 to 0703.  The archive is
    lowercased, a subject class keeps the case given.  Raises
    ``InvalidIdentifier``.
    """

    def error(problem: str = "") -> InvalidIdentifier:
        return _invalid("arxiv", "arXiv id", value, _ARXIV_EXPECTED, problem)

    text = _clean(value, error)
    if url := _ARXIV_URL.fullmatch(text):
        text = url["id"]
    elif cite := _ARXIV_CITE.fullmatch(text):
        text = cite["id"]

    if match := _ARXIV_NEW_ID.fullmatch(text):
        yymm, number = match["yymm"], match["number"]
        _check_month(yymm, error)
        if yymm < "0704":
            raise error("new-style ids start in April 2007 (0704)")
        if yymm < "1501" and len(number) != 4:
            raise error("ids before 1501 have 4 digits after the dot")
        if yymm >= "1501" and len(number) != 5:
            raise error("ids from 1501 on have 5 digits after the dot")
        canonical = f"{yymm}.{number}"
    elif match := _ARXIV_OLD_ID.fullmatch(text):
        archive, yymm = match["archive"].lower(), match["yymm"]
        if archive not in OLD_ARXIV_ARCHIVES:
            raise error(f"“{match['archive']}” is not an arXiv archive")
        _check_month(yymm, error)
        if "0703" < yymm < "9107":
            raise error("old-style ids run from 9107 to 0703")
        canonical = f"{archive}{match['subject'] or ''}/{yymm}{match['number']}"
    else:
        raise error()
    version = match["version"]
    return canonical, int(version) if version else None


def _check_month(yymm: str, error) -> None:
    if not 1 <= int(yymm[2:]) <= 12:
        raise error(f"{yymm[2:]} is not a month (01-12)")


def normalize_arxiv(value: str) -> str:
    """The canonical arXiv id, without version, of any form ``split_arxiv_version`` accepts."""
    return split_arxiv_version(value)[0]


def arxiv_url(arxiv_id: str, version: int | None = None) -> str:
    """``https://arxiv.org/abs/<id>[v<version>]`` for any accepted arXiv form."""
    return f"https://arxiv.org/abs/{normalize_arxiv(arxiv_id)}{_version_suffix(version)}"


def arxiv_pdf_url(arxiv_id: str, version: int | None = None) -> str:
    """``https://arxiv.org/pdf/<id>[v<version>]`` (the latest version when none is given)."""
    return f"https://arxiv.org/pdf/{normalize_arxiv(arxiv_id)}{_version_suffix(version)}"


def _version_suffix(version: int | None) -> str:
    if version is None:
        return ""
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"an arXiv version is a positive integer, not {version!r}")
    return f"v{version}"


# --------------------------------------------------------------------------
# DOI
# --------------------------------------------------------------------------

# doi:10.…, DOI: 10.…, https://doi.org/10.…, http://dx.doi.org/10.…, doi.org/10.…
_DOI_PREFIX = re.compile(r"doi\s*:\s*", re.IGNORECASE | re.ASCII)
_DOI_URL = re.compile(
    r"(?:https?://)?(?:(?:dx\.|www\.)?doi\.org|doi\.acm\.org)/(?P<doi>[^?#]*)(?:[?#].*)?",
    re.IGNORECASE | re.ASCII,
)
# 10.<registrant: 4-9 digits, optional dotted sub-parts>/<suffix without whitespace>
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+", re.ASCII)
# the DOIs arXiv registered for its papers (DataCite prefix 10.48550)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>.+)", re.IGNORECASE | re.ASCII)
_DOI_TRAILING_PUNCTUATION = ".,; \t"


def _unwrap_doi(value: str) -> str:
    """The validated DOI in ``value``, case as given (see ``normalize_doi``)."""

    def error(problem: str = "") -> InvalidIdentifier:
        return _invalid("doi", "DOI", value, _DOI_EXPECTED, problem)

    text = _clean(value, error)
    if url := _DOI_URL.fullmatch(text):
        # a URL path is percent-encoded by definition: decode it once
        text = unquote(url["doi"])
    else:
        if prefix := _DOI_PREFIX.match(text):
            text = text[prefix.end() :]
        # A bare DOI is decoded only when wholly encoded ("10.1002%2Fanie…"),
        # never when it already has its "/": so decoding happens at most once
        # and normalising twice changes nothing, even for a DOI holding "%".
        if "/" not in text:
            text = unquote(text)
    text = text.strip().rstrip(_DOI_TRAILING_PUNCTUATION)
    if not _DOI.fullmatch(text) or _has_blank_or_invisible(text):
        raise error()
    return text


def normalize_doi(value: str) -> str:
    """The lowercased ``10.<registrant>/<suffix>`` DOI in ``value``.

    Accepted: a bare DOI, ``doi:``/``DOI:`` prefixes (any spaces), and
    ``https://doi.org/``, ``http://dx.doi.org/``, ``doi.org/`` (also
    ``www.doi.org``, ``doi.acm.org``) URLs, whose query and fragment are
    dropped and whose path is percent-decoded once.  A bare DOI is decoded
    only when its ``/`` is encoded too (``10.1002%2Fanie…``); one that has
    its ``/`` is taken literally.  Trailing ``.``, ``,`` or ``;`` are stripped.
    The registrant is 4-9 digits with optional dotted sub-parts; the suffix
    must be non-empty and free of whitespace and control characters.
    Raises ``InvalidIdentifier``.
    """
    return _unwrap_doi(value).lower()


def doi_url(doi: str) -> str:
    """``https://doi.org/<doi>`` for any accepted DOI form, escaping only what a URL path needs.

    (``?``, ``#``, ``%``, spaces, quotes, ``<>`` and the like are escaped; ``/``,
    ``:``, ``;``, ``()`` and other path-safe characters are kept.)
    """
    return "https://doi.org/" + quote(normalize_doi(doi), safe="/:;@!$&'()*+,=")


# --------------------------------------------------------------------------
# DBLP
# --------------------------------------------------------------------------

# https://dblp.org/rec/<key>[.html|.xml|.bib|.ris] and the older
# dblp.uni-trier.de/rec/bibtex/<key> style (format before the key)
_DBLP_URL = re.compile(
    r"(?:https?://)?(?:www\.)?dblp\.(?:org|uni-trier\.de|dagstuhl\.de)/rec/"
    r"(?:(?:bibtex|bib|xml|html|ris)\d?/)?"
    r"(?P<key>[^?#]+?)(?:\.(?:html|xml|bib|ris))?/?(?:[?#].*)?",
    re.IGNORECASE | re.ASCII,
)
# the key prefix of DBLP's BibTeX exports: @inproceedings{DBLP:conf/icml/…
_DBLP_PREFIX = re.compile(r"dblp\s*:\s*", re.IGNORECASE | re.ASCII)
_DBLP_KEY = re.compile(r"[A-Za-z0-9_\-.:+']+(?:/[A-Za-z0-9_\-.:+']+)+", re.ASCII)
# first key segments of DBLP records that are papers, for detect()
_DBLP_PAPER_KINDS = frozenset(
    {"conf", "journals", "books", "series", "reference", "phd", "ms", "tr"}
)


def normalize_dblp(value: str) -> str:
    """The DBLP record key in ``value``, case preserved.

    Accepted: a key (``conf/icml/SchulmanLMJA15``, ``journals/corr/HeZRS15``,
    ``books/sp/Bishop07``, ``phd/Smith20``), the same prefixed ``DBLP:`` as in
    DBLP's BibTeX keys, and ``dblp.org/rec/…`` URLs (also
    ``dblp.uni-trier.de``, ``dblp.dagstuhl.de``, an older ``/rec/bibtex/``-style
    format segment, a ``.html``/``.xml``/``.bib``/``.ris`` suffix, query or
    fragment).  A key is 2+ ``/``-separated segments of letters, digits and
    ``_-.:+'``, at most 255 characters.  ``homepages/…`` keys name authors,
    not papers, and are rejected.  Raises ``InvalidIdentifier``.
    """

    def error(problem: str = "") -> InvalidIdentifier:
        return _invalid("dblp", "DBLP record key", value, _DBLP_EXPECTED, problem)

    text = _clean(value, error)
    if url := _DBLP_URL.fullmatch(text):
        text = url["key"]
    elif prefix := _DBLP_PREFIX.match(text):
        text = text[prefix.end() :]
    if not _DBLP_KEY.fullmatch(text) or len(text) > MAX_KEY_LENGTH:
        raise error()
    segments = text.split("/")
    if segments[0] == "homepages":
        raise error("homepages/… keys are author pages, not papers")
    if any(set(segment) == {"."} for segment in segments):
        raise error()
    return text


def dblp_url(key: str) -> str:
    """``https://dblp.org/rec/<key>`` for any accepted DBLP form."""
    return "https://dblp.org/rec/" + quote(normalize_dblp(key), safe="/:+'")


# --------------------------------------------------------------------------
# BibTeX keys
# --------------------------------------------------------------------------

# characters that end or break a key inside a .bib file
_BIBTEX_FORBIDDEN = frozenset('{},"\\%#')


def normalize_bibtex_key(value: str) -> str:
    """A BibTeX citation key, trimmed, case preserved.

    Any key is accepted (``journals/corr/HeZRS15``, ``he2016deep``,
    ``Vapnik.Chervonenkis.1974*1``) unless it is empty, longer than 255
    characters, or holds whitespace, control characters or one of
    ``{ } , " \\ % #``.  Raises ``InvalidIdentifier``.
    """

    def error(problem: str = "") -> InvalidIdentifier:
        return _invalid("bibtex", "BibTeX key", value, _BIBTEX_EXPECTED, problem)

    text = _clean(value, error)
    if len(text) > MAX_KEY_LENGTH:
        raise error(f"longer than {MAX_KEY_LENGTH} characters")
    if _has_blank_or_invisible(text):
        raise error("it contains whitespace or control characters")
    if forbidden := sorted(_BIBTEX_FORBIDDEN.intersection(text)):
        raise error(f"it contains {' '.join(forbidden)}")
    return text


# --------------------------------------------------------------------------
# Dispatch and detection
# --------------------------------------------------------------------------

_NORMALIZERS = {
    "arxiv": normalize_arxiv,
    "doi": normalize_doi,
    "dblp": normalize_dblp,
    "bibtex": normalize_bibtex_key,
}


def normalize(scheme: str, value: str) -> str:
    """Normalise ``value`` as an identifier of ``scheme`` (one of ``SCHEMES``, exact spelling).

    Raises ``InvalidIdentifier`` for an unknown scheme or an invalid value.
    """
    normalizer = _NORMALIZERS.get(scheme) if isinstance(scheme, str) else None
    if normalizer is None:
        raise InvalidIdentifier(
            f"“{scheme}” is not a known identifier scheme: expected one of {', '.join(SCHEMES)}",
            scheme=str(scheme),
            value=value,
        )
    return normalizer(value)


def detect(text: str) -> tuple[str, str] | None:
    """Guess which identifier a user typed into a "find a paper" box.

    Returns ``(scheme, normalised value)`` or ``None`` when ``text`` as a whole
    does not look like an identifier (a title, an author name, an id buried in
    a sentence).  Never raises.  Tried in this order:

    1. arXiv (any form ``normalize_arxiv`` accepts);
    2. DOI (any form ``normalize_doi`` accepts) -- except that arXiv's own
       DOIs, ``10.48550/arXiv.<id>``, are returned as ``("arxiv", <id>)``:
       the arXiv id is the identifier papers are stored under, and the DOI is
       derived from it;
    3. DBLP: a ``dblp.org/rec/`` URL, a ``DBLP:`` key, or a bare key whose
       first segment names a kind of publication (``conf/…``, ``journals/…``,
       ``books/…``, ``phd/…``, …), so that text like ``TCP/IP`` is not taken
       for a key.

    BibTeX keys are never detected: ``he2016deep`` is indistinguishable from a word.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
        return None
    try:
        return "arxiv", normalize_arxiv(text)
    except InvalidIdentifier:
        pass
    try:
        doi = _unwrap_doi(text)
    except InvalidIdentifier:
        pass
    else:
        if arxiv := _ARXIV_DOI.fullmatch(doi):
            try:
                return "arxiv", normalize_arxiv(arxiv["id"])
            except InvalidIdentifier:
                pass
        return "doi", doi.lower()
    try:
        key = normalize_dblp(text)
    except InvalidIdentifier:
        return None
    stripped = text.strip()
    explicit = _DBLP_URL.fullmatch(stripped) or _DBLP_PREFIX.match(stripped)
    if explicit or key.split("/", 1)[0] in _DBLP_PAPER_KINDS:
        return "dblp", key
    return None
