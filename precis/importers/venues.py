"""Map what sources call a venue (DBLP keys, booktitles, journals, journal-refs) to Venue keys.

Venues in ``KNOWN_VENUES`` have short hand-picked keys (``icml``) that every
source's spelling maps to. Every other journal or conference is kept too, under
the key ``unknown_venue(name)`` derives from its name (``journal-of-the-acm``):
the same name always gives the same key, so re-imports find the same Venue.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.utils.text import slugify


@dataclass(frozen=True)
class KnownVenue:
    key: str
    name: str
    dblp_streams: tuple[str, ...]  # the middle segment of DBLP keys: conf/<stream>/…
    patterns: tuple[str, ...]  # regexes matched against booktitles, journals, journal-refs


KNOWN_VENUES = [
    KnownVenue("nips", "Conference on Neural Information Processing Systems (NeurIPS)", ("nips", "neurips"),
               (r"\bneurips\b", r"\bnips\b", r"neural information processing systems")),
    KnownVenue("icml", "International Conference on Machine Learning (ICML)", ("icml",),
               (r"\bicml\b", r"international conference on machine learning")),
    KnownVenue("iclr", "International Conference on Learning Representations (ICLR)", ("iclr",),
               (r"\biclr\b", r"international conference on learning representations")),
    KnownVenue("cvpr", "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)", ("cvpr",),
               (r"\bcvpr\b", r"computer vision and pattern recognition")),
    KnownVenue("iccv", "IEEE/CVF International Conference on Computer Vision (ICCV)", ("iccv",),
               (r"\biccv\b", r"international conference on computer vision")),
    KnownVenue("eccv", "European Conference on Computer Vision (ECCV)", ("eccv",),
               (r"\beccv\b", r"european conference on computer vision")),
    KnownVenue("acl", "Annual Meeting of the Association for Computational Linguistics (ACL)", ("acl",),
               (r"\bacl\b", r"annual meeting of the association for computational linguistics")),
    KnownVenue("emnlp", "Conference on Empirical Methods in Natural Language Processing (EMNLP)", ("emnlp",),
               (r"\bemnlp\b", r"empirical methods in natural language processing")),
    KnownVenue("naacl", "North American Chapter of the ACL (NAACL)", ("naacl",),
               (r"\bnaacl\b", r"north american chapter of the association for computational linguistics")),
    KnownVenue("aaai", "AAAI Conference on Artificial Intelligence", ("aaai",),
               (r"\baaai\b",)),
    KnownVenue("ijcai", "International Joint Conference on Artificial Intelligence (IJCAI)", ("ijcai",),
               (r"\bijcai\b", r"international joint conference on artificial intelligence")),
    KnownVenue("kdd", "ACM SIGKDD Conference on Knowledge Discovery and Data Mining (KDD)", ("kdd",),
               (r"\bkdd\b", r"knowledge discovery and data mining")),
    KnownVenue("aistats", "International Conference on Artificial Intelligence and Statistics (AISTATS)", ("aistats",),
               (r"\baistats\b", r"artificial intelligence and statistics")),
    KnownVenue("uai", "Conference on Uncertainty in Artificial Intelligence (UAI)", ("uai",),
               (r"\buai\b", r"uncertainty in artificial intelligence")),
    KnownVenue("colt", "Conference on Learning Theory (COLT)", ("colt",),
               (r"\bcolt\b", r"conference on (computational )?learning theory")),
    KnownVenue("miccai", "Medical Image Computing and Computer-Assisted Intervention (MICCAI)", ("miccai",),
               (r"\bmiccai\b", r"medical image computing and computer.assisted intervention")),
    KnownVenue("jmlr", "Journal of Machine Learning Research (JMLR)", ("jmlr",),
               (r"\bjmlr\b", r"journal of machine learning research")),
    KnownVenue("tpami", "IEEE Transactions on Pattern Analysis and Machine Intelligence (TPAMI)", ("pami",),
               (r"\btpami\b", r"\bpami\b", r"pattern analysis and machine intelligence")),
    KnownVenue("nature", "Nature", ("nature",), (r"^nature$",)),
    KnownVenue("science", "Science", ("science",), (r"^science$",)),
    KnownVenue("arxiv", "arXiv (preprint)", ("corr",),
               (r"^arxiv\b", r"^corr\b", r"computing research repository")),
]  # fmt: skip

BY_KEY = {venue.key: venue for venue in KNOWN_VENUES}
_BY_DBLP_STREAM = {stream: venue for venue in KNOWN_VENUES for stream in venue.dblp_streams}
_COMPILED = [
    (venue, re.compile(pattern, re.IGNORECASE))
    for venue in KNOWN_VENUES
    for pattern in venue.patterns
]


def venue_for_dblp_key(key: str) -> KnownVenue | None:
    """``conf/icml/SchulmanLMJA15`` → ICML; ``journals/corr/…`` → arXiv."""
    parts = key.split("/")
    if len(parts) >= 3 and parts[0] in {"conf", "journals"}:
        return _BY_DBLP_STREAM.get(parts[1].lower())
    return None


WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)


def venue_for_name(name: str) -> KnownVenue | None:
    """Match a booktitle, journal name or journal-ref against the known venues.

    Workshops held at a conference ("ICML Workshop on …") are not the conference.
    """
    text = " ".join((name or "").split())
    if not text or WORKSHOP.search(text):
        return None
    for venue, pattern in _COMPILED:
        if pattern.search(text):
            return venue
    return None


def venue_key_for(*, dblp_key: str = "", name: str = "") -> str:
    """The Venue key for what a source says, or "" when it is not a venue we know."""
    venue = (venue_for_dblp_key(dblp_key) if dblp_key else None) or venue_for_name(name)
    return venue.key if venue else ""


# -- venues we do not know ----------------------------------------------------------

#: Venue.key's max_length.
MAX_KEY_CHARS = 40
#: Venue.name's max_length.
MAX_NAME_CHARS = 200
# An edition's year or number ("2003", "25th") in a proceedings title: dropped, so
# that one conference's editions are one venue (papers carry their own year).
EDITION_MARKER = re.compile(r"\b(?:1[89]|20)\d{2}\b|\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE)
EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
STRAY_PUNCTUATION = re.compile(r"\s+([,.;:])|([,;:])(?=\s*[,;:]|\s*$)")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class UnknownVenue:
    key: str
    name: str


def unknown_venue(name: str) -> UnknownVenue | None:
    """A stable key and a display name for a venue outside ``KNOWN_VENUES``; None for no name.

    "Proceedings of the 25th International Conference on Software Engineering,
    ICSE 2003" → key ``proceedings-of-the-international-conference-on-so-1a2b3c4d``,
    name "Proceedings of the International Conference on Software Engineering,
    ICSE". Keys are ASCII slugs of at most ``MAX_KEY_CHARS`` characters (so
    ``/venues/<key>/`` works); a long name keeps a prefix and a hash of the
    whole, and a name with no Latin letters or digits (计算机学报) is
    ``venue-`` and a hash. Names differing only in case, accents,
    punctuation or edition markers share a key.
    """
    cleaned = _without_edition(name)
    if not cleaned:
        return None
    slug = slugify(cleaned)
    digest = hashlib.sha256(
        (slug or unicodedata.normalize("NFKC", cleaned).casefold()).encode()
    ).hexdigest()[:8]
    if not slug:
        key = f"venue-{digest}"
    elif len(slug) > MAX_KEY_CHARS:
        key = f"{slug[: MAX_KEY_CHARS - 9].rstrip('-')}-{digest}"
    else:
        key = slug
    display = cleaned
    if len(display) > MAX_NAME_CHARS:
        display = display[: MAX_NAME_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return UnknownVenue(key, display)


def _without_edition(name: str) -> str:
    text = SPACES.sub(" ", name or "").strip()
    trimmed = EMPTY_BRACKETS.sub("", EDITION_MARKER.sub("", text))
    trimmed = STRAY_PUNCTUATION.sub(lambda m: m.group(1) or "", SPACES.sub(" ", trimmed))
    trimmed = SPACES.sub(" ", trimmed).strip(" ,;:-–")
    # a name that is nothing but an edition marker ("2003") keeps what it says
    return trimmed if any(char.isalpha() for char in trimmed) else text
