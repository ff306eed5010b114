"""The site's data generation: a number that moves on whenever anything public may change.

Caches of whole answers (signed-out pages, API lookups) put the generation in
their keys, so a write makes every such answer stale at once and nothing has to
be found and deleted. It moves on when a Precis model is saved or deleted (right
away and again when the transaction commits, so a page rendered from the old rows
in between is not kept under the new number), after every form or API request that
wrote to the database (bulk statements send no signals), and after every background
task.

Where the cache is shared (REDIS_URL) the number lives there, for every worker on
every machine; otherwise it is a file's modification time under VAR_DIR, which
every worker process on the one machine sees at the cost of a stat() call.
"""

import os
import time
from functools import cache as once

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

REDIS_KEY = "site:generation"
# Saved on a plain read (a summary's first view of the day); no page shows them directly.
# Drafts: the editor autosaves every few seconds, and no page but their writer's own
# editor shows one, so they must not throw every signed-out page away each time.
UNTRACKED_MODELS = {"summaries.dailyviews", "summaries.draft"}


@once
def _file():
    path = settings.VAR_DIR / "site.generation"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(exist_ok=True)
    return path


def _shared():
    # Beside the cached pages, so that a page and the generation come in one round trip.
    return caches["pages"]


def current() -> int:
    if settings.REDIS_URL:
        return _shared().get_or_set(REDIS_KEY, 1, timeout=None)
    return _file().stat().st_mtime_ns


def current_and_page(key: str) -> tuple[int, object]:
    """The generation and the pages cache's value for ``key``; one Redis round trip."""
    if not settings.REDIS_URL:
        return current(), _shared().get(key)
    found = _shared().get_many([REDIS_KEY, key])
    if REDIS_KEY not in found:  # never set, or the cache was cleared
        return current(), found.get(key)
    return found[REDIS_KEY], found.get(key)


def advance() -> None:
    if settings.REDIS_URL:
        try:
            _shared().incr(REDIS_KEY)
        except ValueError:  # not set yet
            _shared().set(REDIS_KEY, 2, timeout=None)
        return
    path = _file()
    # Explicit nanoseconds, always forward: two writes within one clock tick still differ.
    stamp = max(time.time_ns(), path.stat().st_mtime_ns + 1)
    os.utime(path, ns=(stamp, stamp))


def advance_after_write(sender, action: str = "post_", **_signal) -> None:
    """post_save / post_delete / m2m_changed receiver for every model."""
    if not action.startswith("post_"):  # m2m_changed also fires before each change
        return
    meta = getattr(sender, "_meta", None)
    if meta is None or not sender.__module__.startswith("precis."):
        return
    if meta.label_lower in UNTRACKED_MODELS:
        return
    advance()
    transaction.on_commit(advance)


def advance_after_task(**_signal) -> None:
    """task_finished receiver: tasks index, import and recount with bulk statements."""
    advance()
