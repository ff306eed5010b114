"""Warm a fresh app process before it takes requests (gunicorn's ``post_worker_init``).

A new worker process has compiled no template, resolved no URL, imported none of
the modules that load on first use (the Markdown renderer, the search backend, the
feed writer) and opened no database connection. Its first request of each kind of
page pays for all of that: tens to hundreds of milliseconds, while the connections
queued behind it wait. Under load every worker pays it at once, right after a
start or a rolling restart: that was the tail of the 200-connection benchmark
(p99 3.26 s while p50 was 77 ms).

``warm_up`` renders one page of each kind a signed-out reader sees, in this
process, through the whole middleware stack, before the worker accepts a
connection. The requests are marked (``WARM_UP_KEY`` in the WSGI environ, which no
HTTP client can set), so they count no views and so write nothing: a write would
move the data generation and empty every cached page at each worker's start. It
is bounded by ``WARM_UP_SECONDS``, and a failure only logs: a worker that could
not warm up still serves.
"""

import logging
import time

from django.conf import settings

from precis.lib import visitors

log = logging.getLogger(__name__)

#: Set in the WSGI environ of warm-up requests: lib.visitors counts nobody for them.
WARM_UP_KEY = visitors.UNCOUNTED


def paths_to_warm() -> list[str]:
    """One URL of each kind of signed-out page, the ones that exist in this database."""
    from precis.summaries.models import Summary

    paths = ["/", "/?tab=recent", "/?tab=best", "/venues/", "/search?q=learning"]
    paths += ["/feeds/summaries.atom", "/users/"]
    summary = (
        Summary.objects.listed().select_related("paper__venue", "author").order_by("-pk").first()
    )
    if summary is not None:
        paper = summary.paper
        paths += [summary.get_absolute_url(), paper.get_absolute_url()]
        paths.append(f"/feeds/papers/{paper.pk}.atom")
        if summary.author and not summary.anonymous:
            paths.append(summary.author.get_absolute_url())
        if paper.venue is not None:
            paths.append(f"/venues/{paper.venue.key}/")
            if paper.year:
                paths.append(f"/venues/{paper.venue.key}/{paper.year}/")
    return paths


def warm_up(*, seconds: float | None = None) -> int:
    """Render each of ``paths_to_warm()`` once in this process; how many answered 200.

    Stops starting new requests after ``seconds`` (default ``WARM_UP_SECONDS``);
    never raises. Closes this thread's database connections afterwards.
    """
    from django.db import connections
    from django.test import Client

    budget = settings.WARM_UP_SECONDS if seconds is None else seconds
    if budget <= 0:
        return 0
    deadline = time.monotonic() + budget
    warmed = 0
    try:
        client = Client(
            HTTP_HOST=_host(), REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="precis warm-up",
            **{WARM_UP_KEY: True},
        )  # fmt: skip
        for path in paths_to_warm():
            if time.monotonic() > deadline:
                break
            response = client.get(path, secure=settings.SECURE_SSL_REDIRECT)
            warmed += response.status_code == 200
    except Exception:  # a worker that could not warm up must still serve
        log.exception("warm-up stopped early")
    finally:
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # (a test's transaction stays open)
                connection.close()
    log.info("warm-up: %d pages rendered", warmed)
    return warmed


def _host() -> str:
    """A host name the site answers to (the first of ALLOWED_HOSTS that names one)."""
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return host
    return "localhost"
