"""Who is calling: a personal token (``Authorization: Bearer …``), the site's own
session (with CSRF on unsafe methods), or, for public reads, nobody.

Every endpoint names one of ``PUBLIC`` or ``WRITE`` as its auth. Each also counts
the call against the rate limits, per token, signed-in user or client address.
"""

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from precis.lib import ratelimit

from .models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
WINDOW_SECONDS = 60


class RateLimited(HttpError):
    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(429, message)
        self.retry_after_seconds = retry_after_seconds


@dataclass
class Caller:
    """``request.auth`` for every API call (always truthy, even for visitors)."""

    user: object
    token: ApiToken | None = None

    def __bool__(self) -> bool:
        return True


class _ApiAuth(HttpBearer):
    requires_write = False
    allows_visitors = True

    def __call__(self, request) -> Caller:
        header = request.headers.get("Authorization")
        if header:
            caller, actor = self._by_token(request, header)
        elif request.user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise AuthorizationError(
                    message="CSRF check failed: send the X-CSRFToken header with session requests."
                )
            caller, actor = Caller(request.user), ratelimit.person(request.user)
        elif self.allows_visitors:
            address = request.META.get("REMOTE_ADDR", "")
            caller = Caller(AnonymousUser())
            actor = "ip:" + hashlib.sha256(address.encode()).hexdigest()[:24]
        else:
            raise AuthenticationError(
                message="Authentication required: send Authorization: Bearer <token>."
            )
        _count(request, actor)
        return caller

    def _by_token(self, request, header: str) -> tuple[Caller, str]:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise AuthenticationError(message="Use Authorization: Bearer <token>.")
        token = ApiToken.objects.authenticate(raw.strip())
        if token is None:
            raise AuthenticationError(message="This API token is unknown or has been revoked.")
        if self.requires_write and not token.can_write:
            raise AuthorizationError(
                message="This token is read-only; create a token with the write scope."
            )
        # Services and querysets take request.user; a token call acts as its owner,
        # and counts against its owner's limits, whichever of their tokens it uses.
        request.user = token.user
        return Caller(token.user, token), ratelimit.person(token.user)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        raise NotImplementedError


def limit_action(request, limit: ratelimit.Limit) -> None:
    """Count one ``limit.action`` by the caller against the budget the site's forms use."""
    if not ratelimit.allows(limit, ratelimit.actor_of(request)):
        retry_after = math.ceil(limit.window_seconds - ratelimit.clock() % limit.window_seconds)
        raise RateLimited(
            f"Too many {limit.action.replace('_', ' ')} requests: at most {limit.count} per "
            f"{limit.window_seconds} seconds, on the site and the API together.",
            max(retry_after, 1),
        )


def _count(request, actor: str) -> None:
    writing = request.method not in SAFE_METHODS
    action, limit = (
        ("api_write", settings.API_WRITES_PER_MINUTE)
        if writing
        else ("api_read", settings.API_READS_PER_MINUTE)
    )
    if not ratelimit.allow(action, actor, limit=limit, window_seconds=WINDOW_SECONDS):
        retry_after = math.ceil(WINDOW_SECONDS - ratelimit.clock() % WINDOW_SECONDS)
        raise RateLimited(
            f"Too many {'write' if writing else 'read'} requests: at most {limit} per minute.",
            max(retry_after, 1),
        )


class PublicAuth(_ApiAuth):
    """Anyone may call; a token or session, when sent, identifies the caller."""


class WriteAuth(_ApiAuth):
    """A write-scope token, or the site's session with its CSRF token."""

    requires_write = True
    allows_visitors = False


PUBLIC = PublicAuth()
WRITE = WriteAuth()
