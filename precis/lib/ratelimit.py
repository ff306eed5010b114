"""A small cache-backed rate limiter: at most ``limit`` actions per ``window_seconds``.

Fixed windows keyed by action and actor: the person (``user:<id>``), whether they
act through a form, the API with any of their tokens, or a session; a hash of
the client address for visitors. The ``Limit`` constants below are the budgets
the site's views and the API share, so a second token or the API never buys more.
With Redis as the cache the limit holds across all app processes; with the
local-memory cache it holds per process.
"""

import contextlib
import functools
import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render

from .navigation import wants_json

clock = time.time  # replaced in tests to pin the window


@dataclass(frozen=True)
class Limit:
    action: str
    count: int
    window_seconds: int


# Per person, site and API together: (units per window, window in seconds).
SUMMARY_SAVE = Limit("summary_save", 30, 60)  # saving, editing, deleting a summary
PREVIEW = Limit("preview", 120, 60)
# The editor's autosave: one a few seconds after typing stops, more when a writer keeps
# several tabs open or leaves the page; each may hold a summary's worth of text.
DRAFT_SAVE = Limit("draft_save", 40, 60)
COMMENT = Limit("comment", 10, 60)  # posting, editing, deleting comments
QUESTION = Limit("question", 10, 60)  # asking, answering, accepting, deleting
VOTE = Limit("vote", 60, 60)  # votes on summaries and answers
PAPER_IMPORT = Limit("paper_import", 20, 60)  # fetching papers from outside sources
SUMMARY_REQUEST = Limit("summary_request", 30, 600)  # asking for (or withdrawing) summaries
SUMMARY_CLAIM = Limit("summary_claim", 10, 600)  # claiming or releasing papers to write about
# Signed-out writers' texts kept in their session until they sign in, per address: each
# may start a session row of up to ~240 KB.
DRAFT_KEEP = Limit("draft_keep", 20, 3600)


def allow(action: str, actor: str, *, limit: int, window_seconds: int) -> bool:
    """Count one ``action`` by ``actor``; False once the window's budget is spent."""
    window = int(clock() // window_seconds)
    key = f"ratelimit:{action}:{actor}:{window}"
    if cache.add(key, 1, timeout=window_seconds + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 1)
        return True
    return count <= limit


def allows(limit: Limit, actor: str) -> bool:
    return allow(limit.action, actor, limit=limit.count, window_seconds=limit.window_seconds)


def person(user) -> str:
    """The actor a signed-in person counts as, however they reach us."""
    return f"user:{user.pk}"


def actor_of(request) -> str:
    if request.user.is_authenticated:
        return person(request.user)
    address = request.META.get("REMOTE_ADDR", "")
    return "ip:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def rate_limited(action: str | Limit, *, limit: int = 0, window_seconds: int = 0):
    """View decorator: answers 429 with a readable message when the limit is exceeded.

    Takes a shared ``Limit`` (or an action name with its own budget). Only POST
    requests count; reading is never limited here.
    """
    if isinstance(action, Limit):
        action, limit, window_seconds = action.action, action.count, action.window_seconds

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and not allow(
                action, actor_of(request), limit=limit, window_seconds=window_seconds
            ):
                message = (
                    f"Too many {action.replace('_', ' ')} requests: at most {limit} per "
                    f"{window_seconds} seconds. Please wait a moment and try again."
                )
                if wants_json(request):
                    return JsonResponse({"detail": message, "errors": []}, status=429)
                response = render(request, "429.html", {"message": message}, status=429)
                response["Retry-After"] = str(window_seconds)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# -- budgets of many units ----------------------------------------------------------


def take(action: str, actor: str, *, amount: int, limit: int, window_seconds: int) -> str | None:
    """Count ``amount`` units of ``action`` by ``actor`` at once (say, papers added a day).

    Returns a receipt for ``give_back``, or None -- counting nothing -- when that
    would pass ``limit`` units in this window.
    """
    key = _budget_key(action, actor, window_seconds)
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(key, amount)
    except ValueError:  # the key expired between add and incr
        cache.add(key, amount, timeout=window_seconds + 1)
        count = amount
    if count > limit:
        give_back(key, amount)
        return None
    return key


def give_back(receipt: str | None, amount: int) -> None:
    """Uncount ``amount`` units taken with ``receipt`` (work that did not happen)."""
    if receipt is None or amount <= 0:
        return
    with contextlib.suppress(ValueError):  # that window has ended; nothing to give back
        cache.decr(receipt, amount)


def used(action: str, actor: str, *, window_seconds: int) -> int:
    """Units of ``action`` by ``actor`` counted in this window."""
    return cache.get(_budget_key(action, actor, window_seconds)) or 0


def _budget_key(action: str, actor: str, window_seconds: int) -> str:
    window = int(clock() // window_seconds)
    return f"ratelimit:budget:{action}:{actor}:{window}"
