"""Spam signals: small checks on new writing, each giving points and a line for moderators.

The pure ones read only the text (``link_count_signal``, ``link_share_signal``);
the others look up a little in the database, each with one bounded, indexed query
(``blocked_host_signal``, ``duplicate_signal``), or read the author
(``disposable_email_signal``). ``screening.ModerationScreener`` adds the points
up and compares them with its thresholds. The points and thresholds are
documented in docs/trust.md; change both together.
"""

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from precis.lib import richtext
from precis.lib.emaildomains import disposable_domain

from .models import BlockedHost, Fingerprint


@dataclass(frozen=True)
class Signal:
    points: float
    text: str  # for moderators: what was seen ("7 links to other sites")
    hint: str = ""  # for the author, in a few words ("many links")


NOTHING = Signal(0, "")

# -- links -------------------------------------------------------------------------

MAX_HOST_CHARS = 253  # the longest name DNS allows; BlockedHost.host holds as many

# Bare URLs, the targets of Markdown links and images, autolinks (<https://…>) and
# reference definitions ([1]: https://…) all contain one of these.
URL = re.compile(r"(?:\bhttps?://|(?<![\w.@/])www\.)[^\s<>\"'`]+", re.IGNORECASE)
IMAGE = re.compile(r"!\[[^\]]{0,1000}\]\(\s*<?([^\s)>]+)")
TRAILING = ".,;:!?)]}*_~'\""
SCHEME_WITHOUT_SLASHES = re.compile(r"https?:(?!/)", re.IGNORECASE)

# Where papers, code and data live: links there are what summaries are made of, so
# they cost no points and a new account may post them. Subdomains count too.
FAMILIAR_HOSTS = frozenset(
    {
        "arxiv.org", "doi.org", "dblp.org", "orcid.org", "openreview.net",
        "aclanthology.org", "semanticscholar.org", "biorxiv.org", "medrxiv.org",
        "ncbi.nlm.nih.gov", "proceedings.mlr.press", "proceedings.neurips.cc",
        "papers.nips.cc", "openaccess.thecvf.com", "jmlr.org", "dl.acm.org",
        "ieeexplore.ieee.org", "link.springer.com", "nature.com", "science.org",
        "github.com", "gitlab.com", "huggingface.co", "paperswithcode.com",
        "zenodo.org", "wikipedia.org",
    }
)  # fmt: skip

# A few links are normal; each unfamiliar link past these costs a point, up to a cap.
FREE_LINKS = 2
POINTS_PER_EXTRA_LINK = 1
MAX_LINK_POINTS = 4
# Writing that is mostly link (by characters, spaces aside) is what link spam looks like.
MOSTLY_LINKS_SHARE, MOSTLY_LINKS_POINTS = 0.5, 3
MANY_LINKS_SHARE, MANY_LINKS_POINTS = 0.25, 1


@dataclass(frozen=True)
class Links:
    urls: tuple[str, ...]  # every link in the text, in order, repeats included
    images: tuple[str, ...]  # the image sources among them
    unfamiliar: tuple[str, ...]  # the links to hosts outside FAMILIAR_HOSTS and this site

    @property
    def hosts(self) -> set[str]:
        return {host for url in self.unfamiliar if (host := host_of(url))}


def links_in(text: str) -> Links:
    """Every link in Markdown source: [text](url), ![image](url), <url>, [ref]: url, bare
    URLs, and whatever else the renderer makes a link of (``//host``, ``http:host``,
    addresses spelt with entities), which the patterns alone would miss."""
    urls = [match.group(0).rstrip(TRAILING) for match in URL.finditer(text)]
    written = {url.lower() for url in urls}
    urls += [  # a relative link (ours, and the renderer's arXiv: and doi: links) is no link
        url for url in richtext.link_targets(text) if url.lower() not in written and host_of(url)
    ]
    urls = tuple(urls)
    images = tuple(match.group(1) for match in IMAGE.finditer(text))
    unfamiliar = tuple(url for url in urls if not is_familiar(host_of(url)))
    return Links(urls=urls, images=images, unfamiliar=unfamiliar)


def host_of(url: str) -> str:
    """The lower-case host of ``url`` ("www.example.org"), or "" when it has none."""
    if url.lower().startswith("www."):
        url = "http://" + url
    elif url.startswith("//"):  # the page's own scheme
        url = "http:" + url
    elif SCHEME_WITHOUT_SLASHES.match(url):  # "http:evil.example", which browsers follow
        url = url.split(":", 1)[0] + "://" + url.split(":", 1)[1]
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # "http://[oops" and the like
        return ""
    return host.rstrip(".")


def _suffixes(host: str) -> list[str]:
    """The host and its parents: a.b.example.org, b.example.org, example.org."""
    labels = host[-MAX_HOST_CHARS:].split(".")  # a longer name is no host, and costs n²
    return [".".join(labels[start:]) for start in range(max(len(labels) - 1, 1))]


def is_familiar(host: str) -> bool:
    if not host:
        return True  # a relative link: this site
    own = host_of(settings.SITE_URL)
    return host == own or any(suffix in FAMILIAR_HOSTS for suffix in _suffixes(host))


def link_count_signal(links: Links) -> Signal:
    extra = len(links.unfamiliar) - FREE_LINKS
    if extra <= 0:
        return NOTHING
    points = min(extra * POINTS_PER_EXTRA_LINK, MAX_LINK_POINTS)
    return Signal(points, f"{len(links.unfamiliar)} links to other sites", "many links")


def link_share_signal(text: str, links: Links) -> Signal:
    """Points when most of the text (by non-space characters) is links to other sites."""
    if not links.unfamiliar:
        return NOTHING
    total = sum(not c.isspace() for c in text)
    share = sum(len(url) for url in links.unfamiliar) / max(total, 1)
    if share >= MOSTLY_LINKS_SHARE:
        return Signal(MOSTLY_LINKS_POINTS, f"{share:.0%} of the text is links", "mostly links")
    if share >= MANY_LINKS_SHARE:
        return Signal(MANY_LINKS_POINTS, f"{share:.0%} of the text is links", "many links")
    return NOTHING


# -- blocked hosts -------------------------------------------------------------------

BLOCKED_HOST_POINTS = 10  # put there by a person: hides any screened post
LEARNED_HOST_POINTS = 5  # learned from a spammer's writing: holds it for a look
MAX_HOSTS_CHECKED = 50  # the render limits allow more links; spam needs no more to be caught


def blocked_host_signal(links: Links) -> Signal:
    hosts = sorted(links.hosts)[:MAX_HOSTS_CHECKED]
    if not hosts:
        return NOTHING
    candidates = {suffix for host in hosts for suffix in _suffixes(host)}
    blocked = list(BlockedHost.objects.filter(host__in=candidates).values_list("host", "learned"))
    if not blocked:
        return NOTHING
    names = ", ".join(sorted(host for host, _ in blocked))
    by_hand = any(not learned for _, learned in blocked)
    points = BLOCKED_HOST_POINTS if by_hand else LEARNED_HOST_POINTS
    return Signal(points, f"links to a blocked host: {names}", "a link to a blocked site")


# Hosts never learned from a spammer's writing: everyone links them.
NEVER_LEARNED = FAMILIAR_HOSTS | {
    "google.com", "youtube.com", "youtu.be", "twitter.com", "x.com", "medium.com",
    "linkedin.com", "facebook.com", "reddit.com", "stackoverflow.com",
}  # fmt: skip
MAX_TEXTS_LEARNED_FROM = 500  # per kind: the newest; a spammer's latest writing says enough


def learn_hosts(texts, *, added_by, reason: str) -> list[str]:
    """Block the unfamiliar hosts linked from ``texts`` (a spammer's writing); the hosts added.

    Hosts already listed stay as they are; a host one of NEVER_LEARNED names is
    never added, nor is this site's own.
    """
    hosts = set()
    for text in texts:
        hosts |= links_in(text).hosts
    hosts = {
        h for h in hosts
        if len(h) <= MAX_HOST_CHARS and not any(s in NEVER_LEARNED for s in _suffixes(h))
    }  # fmt: skip
    known = set(BlockedHost.objects.filter(host__in=hosts).values_list("host", flat=True))
    new = sorted(hosts - known)
    BlockedHost.objects.bulk_create(
        [BlockedHost(host=h, learned=True, added_by=added_by, reason=reason[:300]) for h in new],
        ignore_conflicts=True,
    )
    return new


def learn_hosts_of(person, *, moderator) -> list[str]:
    """Block the hosts linked from ``person``'s profile and latest writing of each kind,
    what the rules or moderators hid before included."""
    from .kinds import KINDS

    texts = [f"{person.display_name}\n{person.bio}"]
    for kind in KINDS:
        if kind.name == "profile":
            continue
        rows = kind.model.objects.filter(**{kind.model.author_field: person})
        texts.extend(kind.text(row) for row in rows.order_by("-pk")[:MAX_TEXTS_LEARNED_FROM])
    return learn_hosts(texts, added_by=moderator, reason=f"Linked by {person.username}, a spammer.")


# -- near-duplicates (SimHash) -------------------------------------------------------

SHINGLE_WORDS = 3  # a shingle is three words in a row
MIN_SHINGLES = 8  # shorter texts ("Thanks, very clear!") are alike by nature: not compared
MAX_SHINGLES = 20_000  # more than any summary has (60,000 characters); a bound all the same
NEAR_DISTANCE = 3  # at most this many of 64 bits differ: the same text, lightly edited
DUPLICATE_DAYS = 7  # compared with what was posted (or edited) this recently
MAX_CANDIDATES = 2_000  # rows sharing a band that are compared, newest first
DUPLICATE_POINTS = 4  # like one other account's recent post
CAMPAIGN_ACCOUNTS, CAMPAIGN_POINTS = 3, 8  # like the posts of this many other accounts
SPAMMER_COPY_POINTS = 10  # like the post of an account marked as a spammer
OWN_REPEATS, OWN_REPEAT_POINTS = 2, 2  # one's own text again, as a third separate post
WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=32)  # screening and then announcing a post hash it twice
def simhash(text: str) -> int | None:
    """The 64-bit SimHash of ``text``'s word shingles (unsigned), or None for short text.

    Links are left out, so copies that differ only in where they point are alike.
    Each shingle is hashed with BLAKE2b (stable across processes, unlike ``hash``);
    a bit of the result is set where most shingles' hashes have it set.
    """
    words = WORD.findall(URL.sub(" ", text).lower())  # the same text with other links is alike
    count = len(words) - SHINGLE_WORDS + 1
    if count < MIN_SHINGLES:
        return None
    count = min(count, MAX_SHINGLES)
    digests = b"".join(
        hashlib.blake2b(" ".join(words[i : i + SHINGLE_WORDS]).encode(), digest_size=8).digest()
        for i in range(count)
    )
    # Count each bit position's ones a byte column at a time: Counter runs in C.
    ones = [0] * 64
    for column in range(8):
        for value, seen in Counter(digests[column::8]).items():
            for bit in range(8):
                if value >> bit & 1:
                    ones[(7 - column) * 8 + bit] += seen
    return sum(1 << bit for bit, n in enumerate(ones) if n * 2 > count)


def distance(a: int, b: int) -> int:
    """How many of the 64 bits differ (either sign of stored value)."""
    return ((a ^ b) & (2**64 - 1)).bit_count()


def to_signed(value: int) -> int:
    return value - 2**64 if value >= 2**63 else value


def bands(value: int) -> list[int]:
    """The four 16-bit bands of an unsigned 64-bit hash, low to high."""
    return [(value >> (16 * i)) & 0xFFFF for i in range(4)]


def fingerprint_fields(text: str) -> dict:
    value = simhash(text)
    if value is None:
        return {"simhash": None, "band0": None, "band1": None, "band2": None, "band3": None}
    return {"simhash": to_signed(value), **{f"band{i}": b for i, b in enumerate(bands(value))}}


@dataclass(frozen=True)
class Match:
    author_id: int
    is_spammer: bool
    distance: int


def near_duplicates(text: str, *, exclude: tuple[str, int] | None = None) -> list[Match]:
    """Recent writing within NEAR_DISTANCE of ``text``, newest first (``exclude``: this item).

    An indexed lookup: two hashes that close agree on at least one of four bands.
    """
    value = simhash(text)
    if value is None:
        return []
    since = timezone.now() - timedelta(days=DUPLICATE_DAYS)
    shared_band = Q()
    for i, band in enumerate(bands(value)):
        shared_band |= Q(**{f"band{i}": band})
    rows = Fingerprint.objects.filter(shared_band, screened_at__gte=since)
    if exclude is not None:
        rows = rows.exclude(kind=exclude[0], object_id=exclude[1])
    candidates = rows.order_by("-screened_at").values_list(
        "author_id", "author__is_spammer", "simhash"
    )[:MAX_CANDIDATES]
    matches = []
    for author_id, is_spammer, stored in candidates:
        apart = distance(value, stored)
        if apart <= NEAR_DISTANCE:
            matches.append(Match(author_id, is_spammer, apart))
    return matches


def duplicate_signal(matches: list[Match], *, author_id: int) -> Signal:
    """Points for text like other accounts' recent posts (or one's own, posted again and again).

    An author's own edits are the same item and never count (``near_duplicates``
    leaves the item out).
    """
    others = {m.author_id for m in matches if m.author_id != author_id}
    if any(m.is_spammer for m in matches if m.author_id != author_id):
        return Signal(
            SPAMMER_COPY_POINTS, "text like a spammer's post", "text like spam we removed"
        )
    if len(others) >= CAMPAIGN_ACCOUNTS:
        return Signal(
            CAMPAIGN_POINTS,
            f"text like posts of {len(others)} other accounts",
            "text like others' posts",
        )
    if others:
        return Signal(
            DUPLICATE_POINTS, "text like another account's post", "text like another account's post"
        )
    own = sum(1 for m in matches if m.author_id == author_id)
    if own >= OWN_REPEATS:
        return Signal(
            OWN_REPEAT_POINTS,
            f"the author posted this text {own} times before",
            "text posted several times",
        )
    return NOTHING


# -- the author ----------------------------------------------------------------------

DISPOSABLE_EMAIL_POINTS = 2


def disposable_email_signal(author) -> Signal:
    domain = disposable_domain(author.email or "")
    if not domain:
        return NOTHING
    return Signal(DISPOSABLE_EMAIL_POINTS, f"a throw-away e-mail address ({domain})", "")


FINGERPRINTS_KEPT = timedelta(days=30)  # the rules read 7 days back (and a day for limits)


def forget_old_fingerprints() -> int:
    """Delete fingerprints not screened for FINGERPRINTS_KEPT; how many. Idempotent."""
    cutoff = timezone.now() - FINGERPRINTS_KEPT
    deleted, _ = Fingerprint.objects.filter(screened_at__lt=cutoff).delete()
    return deleted
