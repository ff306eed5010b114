"""The only way Precis talks to other servers.

Every request has a timeout, a response size cap, a host allowlist, a
descriptive User-Agent with a contact address, a polite per-host minimum delay,
and retries with exponential backoff on connection errors, 429 and 5xx
(honouring Retry-After). ``OUTBOUND_HTTP=false`` turns it all off: every fetch
raises ``Offline``. Tests install a replaying transport with ``use_transport``.

Two guards keep a source that is down from holding web workers:

- ``within(seconds, retries=…)`` bounds every fetch made inside it, retries and
  polite waits included; each web request runs inside one (``WEB_REQUEST_SECONDS``,
  one retry), while background tasks keep the whole retry schedule. Without it, a
  reader asking for a new arXiv id while arXiv did not answer held a worker for 18 s
  with DNS failing fast, and for over a minute with connections hanging.
- A host that fails ``BREAKER_FAILURES`` attempts in a row (no connection, a
  timeout, 429 or 5xx) is not asked again for ``BREAKER_SECONDS`` by any process
  that shares the cache (every node, with Redis): fetches fail at once, with a
  message saying when to try again; after the pause it is asked as before.

``get(url, any_public_host=True)`` is for the image proxy, which fetches what
writers link to: it lifts the allowlist but accepts only http and https on
their default ports, resolves the host of every hop (redirects included) and
refuses it unless all of its addresses are public (no private, loopback,
link-local, multicast, reserved or otherwise special ones), then connects to
the very address it checked, so a name cannot resolve to a public address for
the check and to an internal one for the connection.
"""

import contextlib
import contextvars
import ipaddress
import math
import socket
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.cache import cache

DEFAULT_TIMEOUT_SECONDS = 20.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
RETRY_STATUSES = {429, 500, 502, 503, 504}
# A request that would queue longer than this behind others to one polite host fails
# with a FetchError instead: a web worker is better spent on another reader.
MAX_POLITE_WAIT_SECONDS = 10.0
#: All the fetches of one web request (``within``): under gunicorn's 30 s worker timeout,
#: and one quick retry at most, for a person is waiting (tasks keep all of ``retries``).
WEB_REQUEST_SECONDS = 20.0
WEB_REQUEST_RETRIES = 1
#: Failed attempts in a row after which a host is left alone for BREAKER_SECONDS.
BREAKER_FAILURES = 3
BREAKER_SECONDS = 60
# The politeness lock is held for one cache read and one write; one left behind by a
# process that died frees itself after POLITE_LOCK_SECONDS (whole seconds: Redis's unit),
# and a caller gives up on it after POLITE_LOCK_PATIENCE_SECONDS.
POLITE_LOCK_SECONDS = 2
POLITE_LOCK_PATIENCE_SECONDS = 5.0


class FetchError(Exception):
    """A fetch failed in a way worth telling the user; ``retryable`` says if trying later may help."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None, retryable=True):
        super().__init__(message)
        self.url = url
        self.status = status
        self.retryable = retryable


class Offline(FetchError):
    def __init__(self, url: str = ""):
        super().__init__(
            "Precis is running offline (OUTBOUND_HTTP=false), so it cannot reach other sites.",
            url=url,
            retryable=False,
        )


class TooLarge(FetchError):
    def __init__(self, url: str, host: str, max_bytes: int):
        super().__init__(
            f"The response from {host} is larger than {max_bytes:,} bytes.",
            url=url,
            retryable=False,
        )


class HostNotAllowed(FetchError):
    def __init__(self, url: str, reason: str = "host not on the allowlist"):
        super().__init__(f"Refusing to fetch {url}: {reason}.", url=url, retryable=False)


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    content: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


_transport: httpx.BaseTransport | None = None
_polite = True
sleep = time.sleep  # replaced in tests so retries and politeness cost no time
resolve = socket.getaddrinfo  # replaced in tests, which must not use DNS
clock = time.monotonic  # replaced in tests that need a slow server
# Polite slots are times every node must agree on, so wall-clock time (NTP keeps
# nodes within milliseconds); replaced in tests that check which slots were reserved.
wall_clock = time.time

#: (deadline, most retries or None) that ``within`` sets for the fetches in its block.
_budget: contextvars.ContextVar[tuple[float, int | None] | None] = contextvars.ContextVar(
    "safehttp_budget", default=None
)

MAX_REDIRECTS = 5
_PUBLIC_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}


@contextlib.contextmanager
def use_transport(transport: httpx.BaseTransport, *, polite: bool = True):
    """Route every fetch through ``transport`` (replays of recorded responses use it).

    ``polite=False`` drops the per-host delay, for replays that reach no real server.
    """
    global _transport, _polite
    previous = _transport, _polite
    _transport, _polite = transport, polite
    try:
        yield
    finally:
        _transport, _polite = previous


@contextlib.contextmanager
def within(seconds: float, *, retries: int | None = None):
    """Every fetch in the block, retries and polite waits included, ends within
    ``seconds`` of the block's start (``clock`` time), or raises FetchError; with
    ``retries``, none tries again more often than that. Nested blocks keep the
    stricter of each."""
    end, outer = clock() + seconds, _budget.get()
    if outer is not None:
        end = min(end, outer[0])
        if outer[1] is not None:
            retries = outer[1] if retries is None else min(retries, outer[1])
    token = _budget.set((end, retries))
    try:
        yield
    finally:
        _budget.reset(token)


def get(
    url: str,
    *,
    params: dict | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = 3,
    accept: str = "*/*",
    any_public_host: bool = False,
) -> Response:
    """GET ``url``; returns any response with status < 500 except 429 (callers judge 4xx).

    Raises FetchError when the host is unreachable, too slow, answers 429/5xx after
    all retries, or sends more than ``max_bytes``; HostNotAllowed (a FetchError)
    when the host is off the allowlist or, with ``any_public_host``, not public.
    With ``any_public_host`` no request takes longer than ``timeout_seconds``
    in all, however slowly the server sends.
    """
    if not settings.OUTBOUND_HTTP:
        raise Offline(url)
    host = (urlsplit(url).hostname or "").lower()
    if not any_public_host and host not in settings.OUTBOUND_HOSTS:
        raise HostNotAllowed(url)
    headers = {"User-Agent": settings.OUTBOUND_USER_AGENT, "Accept": accept}
    deadline, most_retries = _budget.get() or (None, None)
    if most_retries is not None:
        retries = min(retries, most_retries)
    _refuse_while_resting(host, url)  # once: a fetch under way keeps its schedule
    attempt = 0
    while True:
        _wait_politely(host, url, deadline)
        timeout = _time_left(deadline, timeout_seconds, host, url)
        asked_to_wait = 0.0
        try:
            if any_public_host:
                full_url = str(httpx.URL(url, params=params)) if params else url
                response = _fetch_public(full_url, headers, timeout, max_bytes)
            else:
                response = _fetch_once(url, params, headers, timeout, max_bytes)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            failure = FetchError(
                f"Could not reach {host}: {_describe(exc)}. Please try again in a minute.",
                url=url,
            )
            failure.__cause__ = exc
        else:
            if response.status not in RETRY_STATUSES:
                _note_success(host)
                return response
            failure = FetchError(
                f"{host} answered {response.status} after {attempt + 1} "
                f"{'try' if attempt == 0 else 'tries'}. Please try again later.",
                url=url,
                status=response.status,
            )
            asked_to_wait = min(_retry_after_seconds(response.headers.get("retry-after")) or 0, 120)
        _note_failure(host)
        backoff = min(2 ** (attempt + 1), 30)
        if attempt >= retries or (
            deadline is not None and clock() + asked_to_wait + backoff >= deadline
        ):
            raise failure
        if asked_to_wait:
            sleep(asked_to_wait)
        attempt += 1
        sleep(backoff)


def _time_left(deadline: float | None, timeout: float, host: str, url: str) -> float:
    """The timeout for the next attempt: ``timeout``, or less if the deadline is nearer."""
    if deadline is None:
        return timeout
    left = deadline - clock()
    if left <= 0:
        raise FetchError(f"{host} did not answer in time. Please try again in a minute.", url=url)
    return min(timeout, left)


def _refuse_while_resting(host: str, url: str) -> None:
    if cache.get(f"safehttp:resting:{host}"):
        raise FetchError(
            f"{host} failed the last {BREAKER_FAILURES} times it was asked, so Precis is "
            f"leaving it alone for up to {BREAKER_SECONDS} s. Please try again in a minute.",
            url=url,
        )


def _note_failure(host: str) -> None:
    """Count a failed attempt; the BREAKER_FAILURES-th in a row rests the host."""
    key = f"safehttp:failures:{host}"
    cache.add(key, 0, timeout=BREAKER_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between the two calls
        failures = 1
        cache.set(key, failures, timeout=BREAKER_SECONDS)
    if failures >= BREAKER_FAILURES:
        cache.set(f"safehttp:resting:{host}", True, timeout=BREAKER_SECONDS)
        cache.delete(key)


def _note_success(host: str) -> None:
    cache.delete(f"safehttp:failures:{host}")


def _fetch_once(url, params, headers, timeout_seconds, max_bytes) -> Response:
    with (
        httpx.Client(
            transport=_transport, timeout=timeout_seconds, follow_redirects=True, max_redirects=5
        ) as client,
        client.stream("GET", url, params=params, headers=headers) as response,
    ):
        final_host = (response.url.host or "").lower()
        if final_host not in settings.OUTBOUND_HOSTS:
            raise HostNotAllowed(str(response.url))
        return _read(response, str(response.url), final_host, max_bytes, deadline=None)


def _read(response, url: str, host: str, max_bytes: int, deadline: float | None) -> Response:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(url, host, max_bytes)
        if deadline is not None and clock() > deadline:
            raise httpx.ReadTimeout(f"{host} sent too slowly")
        chunks.append(chunk)
    return Response(
        url=url,
        status=response.status_code,
        content=b"".join(chunks),
        headers={key.lower(): value for key, value in response.headers.items()},
    )


def _fetch_public(url: str, headers: dict, timeout_seconds: float, max_bytes: int) -> Response:
    """One GET of any public http(s) URL, following redirects by hand so every hop is checked."""
    deadline = clock() + timeout_seconds
    # No proxies from the environment: through one, TLS would check the address, not the name.
    with httpx.Client(transport=_transport, timeout=timeout_seconds, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            # Each hop gets what is left of the one budget, waiting for headers included.
            remaining = deadline - clock()
            if remaining <= 0:
                raise httpx.ReadTimeout(f"{url} took longer than {timeout_seconds:g} s in all")
            target, host_header, extensions = _pinned(url)
            with client.stream(
                "GET",
                target,
                headers={**headers, "Host": host_header},
                extensions=extensions,
                timeout=remaining,
            ) as response:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    url = urljoin(url, location)
                    continue
                host = urlsplit(url).hostname or ""
                return _read(response, url, host, max_bytes, deadline)
    raise FetchError(
        f"Refusing to fetch {url}: more than {MAX_REDIRECTS} redirects.", url=url, retryable=False
    )


def _pinned(url: str) -> tuple[httpx.URL, str, dict]:
    """(``url`` with its host replaced by a checked public address, Host header, extensions).

    Raises HostNotAllowed unless the scheme is http(s) on its default port and
    every address the host resolves to is public.
    """
    try:
        parts = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise HostNotAllowed(url, "not a valid address") from exc
    if parts.scheme not in _PUBLIC_PORTS or not parts.host:
        raise HostNotAllowed(url, "only http and https addresses can be fetched")
    if parts.port not in (None, _PUBLIC_PORTS[parts.scheme]):
        raise HostNotAllowed(url, "only the standard ports can be fetched")
    host = parts.raw_host.decode("ascii")  # internationalised names as punycode
    address = _public_address(host, _PUBLIC_PORTS[parts.scheme], url)
    host_header = f"[{host}]" if ":" in host else host
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return parts.copy_with(host=address), host_header, extensions


def _public_address(host: str, port: int, url: str) -> str:
    """The first address of ``host`` after checking that all of them are public."""
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"Could not find {host}.", url=url, retryable=False) from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"Could not find {host}.", url=url, retryable=False)
    for address in addresses:
        if not is_public_address(address):
            raise HostNotAllowed(url, f"{host} is not a public address")
    return addresses[0]


def is_public_address(address: str) -> bool:
    """Whether ``address`` (IPv4 or IPv6) is on the public internet, including what it embeds."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _wait_politely(host: str, url: str, deadline: float | None = None) -> None:
    """Keep at least the configured delay between two requests to ``host``, site-wide;
    without reserving a moment that would come after ``deadline``."""
    delay = settings.OUTBOUND_HOST_DELAYS.get(host, 0.0) if _polite else 0.0
    if delay <= 0:  # nothing to keep; remembering every host ever fetched would only grow
        return
    longest = MAX_POLITE_WAIT_SECONDS
    if deadline is not None:
        longest = min(longest, deadline - clock())
    wait = _reserve_slot(host, delay, url, longest) - wall_clock()
    if wait > 0:
        sleep(wait)


def _reserve_slot(
    host: str, delay: float, url: str = "", longest: float = MAX_POLITE_WAIT_SECONDS
) -> float:
    """Reserve the next moment ``host`` may be asked, and return it (``wall_clock`` time).

    The moment is at least ``delay`` seconds after the one reserved before it by any
    process that shares the cache: with Redis (REDIS_URL) that is every app node and
    task worker, so arXiv's 3 s hold however many serve; with the local-memory cache
    it is this process. Concurrent callers get successive slots: each reads and moves
    the host's next free moment under a lock taken with ``cache.add``, which only one
    caller can win. Raises FetchError, reserving nothing, when the slot is more than
    ``longest`` seconds away (others are queued for that host, or the caller's
    deadline is near) or the lock stays taken for POLITE_LOCK_PATIENCE_SECONDS.

    A lock holder stalled for longer than POLITE_LOCK_SECONDS (a frozen process) could
    let a second caller in beside it, and two requests share one slot; a process that
    dies holding the lock costs the others at most POLITE_LOCK_SECONDS.
    """
    next_key = f"safehttp:polite:{host}:next"
    lock_key = f"safehttp:polite:{host}:lock"
    give_up_at = time.monotonic() + POLITE_LOCK_PATIENCE_SECONDS
    while not cache.add(lock_key, 1, timeout=POLITE_LOCK_SECONDS):
        if time.monotonic() > give_up_at:
            raise FetchError(
                f"Too many requests are waiting to reach {host}. Please try again in a minute.",
                url=url,
            )
        time.sleep(0.005)  # real time, even in tests: the holder makes two cache calls
    try:
        now = wall_clock()
        slot = max(now, cache.get(next_key, 0.0))
        if slot - now > longest:
            raise FetchError(
                f"Too many requests are waiting to reach {host}, which asks for {delay:g} s "
                f"between requests: this one would wait {slot - now:.0f} s. "
                "Please try again in a minute.",
                url=url,
            )
        # Forgotten once the slot has passed, so an idle host costs nothing to keep.
        cache.set(next_key, slot + delay, timeout=math.ceil(slot + delay - now) + 1)
    finally:
        cache.delete(lock_key)
    return slot


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "it took too long to answer"
    return "the connection failed"
