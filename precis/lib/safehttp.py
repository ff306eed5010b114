"""The only way Precis talks to other servers.

Every request has a timeout, a response size cap, a host allowlist, a
descriptive User-Agent with a contact address, a polite per-host minimum delay,
and retries with exponential backoff on connection errors, 429 and 5xx
(honouring Retry-After). ``OUTBOUND_HTTP=false`` turns it all off: every fetch
raises ``Offline``. Tests install a replaying transport with ``use_transport``.
"""

import contextlib
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from django.conf import settings

DEFAULT_TIMEOUT_SECONDS = 20.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
RETRY_STATUSES = {429, 500, 502, 503, 504}


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


class HostNotAllowed(FetchError):
    def __init__(self, url: str):
        super().__init__(
            f"Refusing to fetch {url}: host not on the allowlist.", url=url, retryable=False
        )


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
_last_request_at: dict[str, float] = {}
_host_lock = threading.Lock()
sleep = time.sleep  # replaced in tests so retries and politeness cost no time


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


def get(
    url: str,
    *,
    params: dict | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = 3,
    accept: str = "*/*",
) -> Response:
    """GET ``url``; returns any response with status < 500 except 429 (callers judge 4xx).

    Raises FetchError when the host is unreachable, too slow, answers 429/5xx after
    all retries, or sends more than ``max_bytes``.
    """
    if not settings.OUTBOUND_HTTP:
        raise Offline(url)
    host = (urlsplit(url).hostname or "").lower()
    if host not in settings.OUTBOUND_HOSTS:
        raise HostNotAllowed(url)
    headers = {"User-Agent": settings.OUTBOUND_USER_AGENT, "Accept": accept}
    attempt = 0
    while True:
        _wait_politely(host)
        try:
            response = _fetch_once(url, params, headers, timeout_seconds, max_bytes)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            if attempt >= retries:
                raise FetchError(
                    f"Could not reach {host}: {_describe(exc)}. Please try again in a minute.",
                    url=url,
                ) from exc
        else:
            if response.status not in RETRY_STATUSES:
                return response
            if attempt >= retries:
                raise FetchError(
                    f"{host} answered {response.status} after {retries + 1} tries. "
                    "Please try again later.",
                    url=url,
                    status=response.status,
                )
            retry_after = _retry_after_seconds(response.headers.get("retry-after"))
            if retry_after is not None:
                sleep(min(retry_after, 120))
        attempt += 1
        sleep(min(2**attempt, 30))


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
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(
                    f"The response from {final_host} is larger than {max_bytes:,} bytes.",
                    url=url,
                    retryable=False,
                )
            chunks.append(chunk)
        return Response(
            url=str(response.url),
            status=response.status_code,
            content=b"".join(chunks),
            headers={key.lower(): value for key, value in response.headers.items()},
        )


def _wait_politely(host: str) -> None:
    """Keep at least the configured delay between two requests to one host (per process)."""
    delay = settings.OUTBOUND_HOST_DELAYS.get(host, 0.0) if _polite else 0.0
    with _host_lock:
        now = time.monotonic()
        wait = _last_request_at.get(host, 0.0) + delay - now
        _last_request_at[host] = max(now, now + wait)
    if wait > 0:
        sleep(wait)


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
