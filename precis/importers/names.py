"""Author names from any source into one display form: "Given Family"."""

import functools
import re
import unicodedata

DBLP_HOMONYM_SUFFIX = re.compile(r"\s+\d{4}$")  # DBLP tells namesakes apart: "Wei Wang 0001"
SPACES = re.compile(r"\s+")
ORCID_IN_TEXT = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dXx])")


FAMILY_KEY_CHARS = 100


def normalize_name(raw: str) -> str:
    """``"He, Kaiming"`` → ``"Kaiming He"``; strips DBLP's homonym numbers, braces, spaces.

    "Family, Jr., Given" (BibTeX's three-part form) becomes "Given Family Jr.".
    """
    if _is_normal_name(raw):
        return raw
    name = unicodedata.normalize("NFC", raw).replace("{", "").replace("}", "").replace("~", " ")
    name = SPACES.sub(" ", name).strip().strip(",").strip()
    name = DBLP_HOMONYM_SUFFIX.sub("", name)
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and all(parts):
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) == 3 and all(parts):
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    return SPACES.sub(" ", name).strip()


def _is_normal_name(raw: str) -> bool:
    """Whether ``normalize_name`` would return ``raw`` unchanged: most names, and every name
    it has returned once (``family_name`` normalises again), pass this cheaper test."""
    return (
        bool(raw)
        and not raw[-1].isdigit()  # perhaps a DBLP homonym number (\d is a subset of isdigit)
        and "," not in raw
        and "{" not in raw
        and "}" not in raw
        and "~" not in raw
        and " ".join(raw.split()) == raw  # one space between words, none around them
        and unicodedata.is_normalized("NFC", raw)
    )


def normalize_orcid(raw: str) -> str:
    """The bare ORCID iD from ``https://orcid.org/0000-…`` or similar; "" if there is none."""
    match = ORCID_IN_TEXT.search(raw or "")
    return match.group(1).upper() if match else ""


NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


# An import asks for the key of each title and first author several times (to match
# the record, then to store the paper) with a batch of others in between: the
# last few thousand answers are kept. Only short texts, so the cache stays small.
CACHED_KEYS = 8192
CACHED_KEY_CHARS = 600


def title_key(title: str) -> str:
    """A title reduced for duplicate matching: lower-case letters and digits only."""
    if title and len(title) <= CACHED_KEY_CHARS:
        return _cached_title_key(title)
    return _title_key(title)


def _title_key(title: str) -> str:
    text = title or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    return NOT_ALPHANUMERIC.sub("", text.lower())[:200]


_cached_title_key = functools.lru_cache(maxsize=CACHED_KEYS)(_title_key)


def family_name(name: str) -> str:
    """The last word of a normalised name, lower-cased, accents dropped (for matching)."""
    if name and len(name) <= CACHED_KEY_CHARS:
        return _cached_family_name(name)
    return _family_name(name)


def _family_name(name: str) -> str:
    words = normalize_name(name).split(" ")
    # As long as Paper.first_author_key holds: a longer one would not fit the column.
    return title_key(words[-1])[:FAMILY_KEY_CHARS] if words else ""


_cached_family_name = functools.lru_cache(maxsize=CACHED_KEYS)(_family_name)
