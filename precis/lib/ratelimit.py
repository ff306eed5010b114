"""A small cache-backed rate limiter: at most ``limit`` actions per ``window_seconds``.

Fixed windows keyed by action and actor (user id, or a hash of the client address
for visitors). With Redis as the cache the limit holds across all app processes;
with the local-memory cache it holds per process.
"""

import functools
import hashlib
import time

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render

from .navigation import wants_json

clock = time.time  # replaced in tests to pin the window


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


def actor_of(request) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    address = request.META.get("REMOTE_ADDR", "")
    return "ip:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def rate_limited(action: str, *, limit: int, window_seconds: int):
    """View decorator: answers 429 with a readable message when the limit is exceeded.

    Only POST requests count; reading is never limited here.
    """

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
