"""The client's address when Precis runs behind reverse proxies (TRUSTED_PROXIES).

A proxy appends the address it received the connection from to X-Forwarded-For.
Reading that list from the right and skipping our own proxies gives the first
address nobody here controls: the client. Anything further left was written by
the client and is never believed. Requests that do not come from a trusted
proxy keep their connection address, and their X-Forwarded-* headers are dropped,
so no one can pose as another address or as HTTPS.

The middleware rewrites REMOTE_ADDR once, first, so every use of the address
(rate limits, view counting, allauth's login throttling) agrees.
"""

import ipaddress
from functools import cache, lru_cache

from django.conf import settings

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")
MAX_HOPS = 20  # a longer chain is not a real deployment; stop reading there


@cache
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def is_trusted(address: str) -> bool:
    return _is_trusted(address, tuple(settings.TRUSTED_PROXIES))


# Every request asks about its connection's address, mostly the same few proxies: parsing
# it each time was a fiftieth of a signed-in reader's cached page. Only addresses the
# server or ``ipaddress`` wrote are asked about, so each entry is short.
@lru_cache(maxsize=1024)
def _is_trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def client_address(remote_addr: str, forwarded_for: str) -> str:
    """The client's address given the connection's and the X-Forwarded-For header."""
    if not is_trusted(remote_addr):
        return remote_addr
    address = remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",")][-MAX_HOPS:]
    for hop in reversed(hops):
        try:
            candidate = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # a garbled entry: believe nothing further left
        address = candidate
        if not is_trusted(candidate):
            break
    return address


class ForwardedClientMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        remote = meta.get("REMOTE_ADDR", "")
        if is_trusted(remote):
            meta["REMOTE_ADDR"] = client_address(remote, meta.get("HTTP_X_FORWARDED_FOR", ""))
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
