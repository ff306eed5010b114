"""Telling readers apart for view counts, without keeping who they are.

A visit counts once per reader, object and day. A signed-in reader is their
account; anyone else is their network address: an IPv4 address, or the /64 an
IPv6 address belongs to (a home or phone network is handed a whole /64, so its
addresses are one reader). Nothing the client says about itself plays a part:
the User-Agent used to, and a script rotating it counted as a crowd. Behind
proxies ``REMOTE_ADDR`` is already the client's address (``core.proxies``,
``TRUSTED_PROXIES``), so a forged X-Forwarded-For is not believed either.

One reader counts at most ``DAILY_COUNTED_VISITS`` distinct objects of one kind
(papers, summaries) a day, so one address cannot lift the view counts, and
with them the home page's demand ranking, of a whole set of papers. The price:
readers behind one shared address (a campus NAT) count as one, up to that cap.
"""

import hashlib
import ipaddress
import threading
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

#: Distinct objects of one kind one reader may add a counted visit to in a day.
DAILY_COUNTED_VISITS = 100
DAY_SECONDS = 24 * 60 * 60
IPV6_READER_PREFIX = 64
#: A request whose WSGI environ has this key counts nobody (``precis.warmup``'s own
#: requests). HTTP headers arrive as ``HTTP_…`` keys, so no client can set it.
UNCOUNTED = "precis.uncounted"
MAX_ADDRESS_CHARS = 64  # REMOTE_ADDR is set by the server, but keys stay bounded anyway


def visitor_of(request) -> str:
    """An opaque string naming the reader for view counts (hashed before it is kept):
    ``user:<id>`` when signed in, else ``net:<address or IPv6 /64>``; ``""`` (counts
    nobody) while the page is rendered for the signed-in readers' stand-in
    (``core.readerpages``), whose copy's hook then counts the real reader."""
    if getattr(request, "reader_holes", None) is not None or UNCOUNTED in request.META:
        return ""
    user = getattr(request, "user", None)  # absent for a page-cache hit: signed out
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"net:{network_of(request.META.get('REMOTE_ADDR', ''))}"


def network_of(address: str) -> str:
    """The address readers are counted by: IPv4 as it is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address[:MAX_ADDRESS_CHARS]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_READER_PREFIX}", strict=False))
    return str(ip)


def first_visit(visitor: str, *, kind: str, object_id: int) -> bool:
    """Whether this is ``visitor``'s first counted visit to object ``kind``/``object_id``
    today: True once per visitor, object and day, and for at most
    ``DAILY_COUNTED_VISITS`` objects of ``kind`` per visitor a day."""
    if not visitor:
        return False
    today = timezone.localdate()
    digest = _digest(f"{today}|{kind}|{object_id}|{visitor}")
    if digest in _marked_here:
        return False
    marked = cache.add(f"visit:{digest}", 1, DAY_SECONDS)
    _remember_marked(digest)
    if not marked:
        return False
    return _counted_today(f"visits:{_digest(f'{today}|{kind}|{visitor}')}")


# The visits this process has seen marked in the cache. A reader who comes back to a
# cached page is then turned away without a round trip to Redis (which cost a cached
# summary page a fifth of its speed). Each digest holds the day, so none outlives it.
MARKS_REMEMBERED = 20_000
_marked_here: dict[str, None] = {}
_marked_lock = threading.Lock()


def _remember_marked(digest: str) -> None:
    with _marked_lock:
        _marked_here[digest] = None
        while len(_marked_here) > MARKS_REMEMBERED:
            del _marked_here[next(iter(_marked_here))]


def forget_marks() -> None:
    """Forget the marks this process has seen (tests empty the cache between tests)."""
    with _marked_lock:
        _marked_here.clear()


def _counted_today(key: str) -> bool:
    """Count one more visit under ``key``; whether it is within the daily cap."""
    cache.add(key, 0, DAY_SECONDS)
    try:
        return cache.incr(key) <= DAILY_COUNTED_VISITS
    except ValueError:  # expired between add and incr
        cache.add(key, 1, DAY_SECONDS)
        return True


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@contextmanager
def counting_transaction():
    """A transaction for a counted visit. On PostgreSQL its commit does not wait for the
    write-ahead log to reach the disk: that wait was most of a cached page's cost when
    its view was counted, and a crash can lose only the last moment's counts. Inside a
    transaction that writes more than counts, it is that transaction's plain savepoint."""
    on_its_own = not connection.in_atomic_block
    with transaction.atomic():
        if on_its_own and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
