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

import contextvars
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager, suppress
from functools import cache as once
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

REDIS_KEY = "site:generation"
# Saved on a plain read (a summary's first view of the day); no page shows them directly.
# Drafts: the editor autosaves every few seconds, and no page but their writer's own
# editor shows one, so they must not throw every signed-out page away each time.
# Notifications: no shared page shows them (the bell's count is filled in per reader,
# precis/core/readerpages.py), so opening one must not empty every cached page either.
UNTRACKED_MODELS = {"summaries.dailyviews", "summaries.draft", "notifications.notification"}
# foryou: each reader's model, picks and seeds show on no page but their own /for-you/,
# which is never cached; retraining one reader must not empty everyone's pages.
UNTRACKED_MODELS |= {"foryou.profile", "foryou.pick", "foryou.seed"}
# Fields no cached page shows: a save that writes only these (update_fields) leaves the
# generation alone, and so does a request whose only write is an UPDATE setting only
# these columns (pagecache.WriteWatcher). last_login: every sign-in writes it (Django's
# update_last_login), and it must not empty every cached page for everybody each time.
UNTRACKED_FIELDS = {"accounts.user": frozenset({"last_login"})}

# --- Soft writes (votes) ---------------------------------------------------------
# A vote changes scores and the order of listings, nothing else. Inside soft_writes()
# every advance() moves a second number, the soft generation, instead: a cached page
# rendered before it moved is still served for up to VOTE_STALENESS_SECONDS, so a wave
# of votes re-renders each page at most once per that many seconds instead of
# emptying every cache at each vote. The voter sees their own vote at once (their
# vote state is read per request, and a reader who just wrote gets a fresh page).
SOFT_REDIS_KEY = "site:soft-generation"
# Tasks that only recount what votes change (a writer's points).
SOFT_TASKS = {"precis.discussions.tasks.update_reputation"}
# Tasks that change nothing a shared page shows: a reader's for-you model and picks
# (untracked models), and their for-you e-mail. Retraining follows each vote, so
# advancing after it would undo what soft writes save.
QUIET_TASKS = {
    "precis.foryou.tasks.train_reader",
    "precis.foryou.tasks.train_all_readers",
    "precis.foryou.tasks.send_feed_emails",
}
_soft = contextvars.ContextVar("precis_soft_writes", default=False)


@contextmanager
def soft_writes():
    """Every generation advance inside (signals, commit hooks) is a soft one."""
    token = _soft.set(True)
    try:
        yield
    finally:
        _soft.reset(token)


def soft_write_view(view):
    """A view whose writes are soft ones (a vote): its signals and commit hooks move the
    soft generation, and so does the page cache's check after the request."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.soft_write = True
        with soft_writes():
            return view(request, *args, **kwargs)

    return wrapper


def _stamp_file(name: str):
    """The file whose modification time is a generation, made if missing. Never
    touched here: a process starting must not empty everyone's cached pages."""
    path = settings.VAR_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    return path


@once
def _soft_file():
    return _stamp_file("site.soft-generation")


def current_soft() -> int:
    if settings.REDIS_URL:
        return _shared().get_or_set(SOFT_REDIS_KEY, _first_number(), timeout=None)
    return _soft_file().stat().st_mtime_ns


def _first_number() -> int:
    """Where a generation starts in Redis: a clock reading, so that numbers counted
    after the cache was emptied never meet the ones a process still remembers."""
    return time.time_ns()


def advance_soft() -> None:
    if settings.REDIS_URL:
        try:
            _shared().incr(SOFT_REDIS_KEY)
        except ValueError:
            _shared().set(SOFT_REDIS_KEY, _first_number(), timeout=None)
        _near.forget_generations()  # after: whatever is remembered later read the new one
        return
    path = _soft_file()
    stamp = max(time.time_ns(), path.stat().st_mtime_ns + 1)
    os.utime(path, ns=(stamp, stamp))


def current_both_and_page(key: str) -> tuple[int, int, object]:
    """The generation, the soft generation and the pages cache's value for ``key``.

    With Redis, what this process read there last is answered from its memory for up
    to SHARED_CACHE_RECHECK_SECONDS (see NearCopies)."""
    if not settings.REDIS_URL:
        return current(), current_soft(), _shared().get(key)
    near = _near.lookup(key)
    if near is not None:
        return near
    epoch = _near.epoch
    found = _shared().get_many([REDIS_KEY, SOFT_REDIS_KEY, key])
    hard = found[REDIS_KEY] if REDIS_KEY in found else current()
    soft = found[SOFT_REDIS_KEY] if SOFT_REDIS_KEY in found else current_soft()
    page = found.get(key)
    _near.remember(epoch, hard, soft, key, page)
    return hard, soft, page


def keep_page(key: str, entry: dict, lifetime: int) -> None:
    """Keep a page's cache ``entry`` (a dict) for ``lifetime`` seconds."""
    entry["expires_at"] = wall_clock() + lifetime
    _shared().set(key, entry, lifetime)
    # Or this process would go on holding the copy this one replaces.
    _near.hold(key, entry)


class NearCopies:
    """With Redis, each process's memory of the generations and the pages it read there.

    A cached page served through Redis cost a round trip and a copy of the page each
    time: with the Redis server on the same cores, more than the rest of the request.
    For SHARED_CACHE_RECHECK_SECONDS after reading the generations, a process answers
    from what it holds; a page it holds counts only while that generation is current,
    and never outlives its copy in Redis (``expires_at``). So a write made through
    another process reaches a signed-out page here at most that many seconds late; a
    write made in this process, at once (advance() forgets the generations). Writers
    are never served these copies (pagecache: signed in; readerpages: FRESH_WRITE_COOKIE).

    A page this process keeps (``keep_page``) is held at once: the copy it replaces,
    outdated by a vote, was otherwise found and rendered again on every request until
    the next recheck.
    """

    def __init__(self, most_bytes: int | None = None):
        # None: settings.PAGE_CACHE_MIB, read when a page is held.
        self._most_bytes = most_bytes
        self._lock = threading.Lock()
        self._generations: tuple[int, int, float] | None = None  # hard, soft, read at
        # Moves on whenever this process advances a generation: what a request read from
        # Redis before that is not remembered as current (another thread's write).
        self.epoch = 0
        self._pages: OrderedDict[str, dict] = OrderedDict()
        self._bytes = 0

    def lookup(self, key: str) -> tuple[int, int, dict] | None:
        seen = self._generations
        if seen is None or monotonic() - seen[2] >= settings.SHARED_CACHE_RECHECK_SECONDS:
            return None
        page = self._pages.get(key)
        if page is None or page["generation"] != seen[0] or page["expires_at"] <= wall_clock():
            return None
        return seen[0], seen[1], page

    def remember(self, epoch: int, hard: int, soft: int, key: str, page) -> None:
        if settings.SHARED_CACHE_RECHECK_SECONDS <= 0:
            return
        with self._lock:
            if epoch != self.epoch:
                return
            self._generations = (hard, soft, monotonic())
            self._hold(key, page)

    def hold(self, key: str, page) -> None:
        if not settings.REDIS_URL or settings.SHARED_CACHE_RECHECK_SECONDS <= 0:
            return
        with self._lock:
            self._hold(key, page)

    def _hold(self, key: str, page) -> None:
        if not isinstance(page, dict) or "expires_at" not in page:
            return
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= _size(old)
        self._pages[key] = page
        self._bytes += _size(page)
        most = self._most_bytes
        if most is None:
            most = settings.PAGE_CACHE_MIB * 1024 * 1024
        while self._bytes > most and self._pages:
            self._bytes -= _size(self._pages.popitem(last=False)[1])

    def forget_generations(self) -> None:
        with self._lock:
            self.epoch += 1
            self._generations = None

    def clear(self) -> None:
        with self._lock:
            self.epoch += 1
            self._generations = None
            self._pages.clear()
            self._bytes = 0


def _size(page: dict) -> int:
    return len(page.get("content") or b"") + len(page.get("body") or b"")


_near = NearCopies()
# Clocks, replaced in tests.
monotonic = time.monotonic
wall_clock = time.time


def forget_near_copies() -> None:
    """Forget what this process holds from Redis (tests empty Redis between tests)."""
    _near.clear()


def is_fresh(entry: dict, hard: int, soft: int) -> bool:
    """Whether a cached answer stamped with ``generation``/``soft``/``rendered_at`` may
    still be served: same generation, and the same soft one or younger than the
    staleness soft writes allow."""
    if entry.get("generation") != hard:
        return False
    if entry.get("soft") == soft:
        return True
    return time.time() - entry.get("rendered_at", 0) < staleness_seconds()


def staleness_seconds() -> int:
    return settings.VOTE_STALENESS_SECONDS


# --- end soft writes --------------------------------------------------------------


@once
def _file():
    return _stamp_file("site.generation")


# Where cached pages live (per-process memory without Redis); the generations live
# there too, so that a page and the generation come in one round trip.
PAGES_CACHE = "pages"


def _shared():
    return caches[PAGES_CACHE]


def current() -> int:
    if settings.REDIS_URL:
        return _shared().get_or_set(REDIS_KEY, _first_number(), timeout=None)
    return _file().stat().st_mtime_ns


def advance() -> None:
    if _soft.get():
        advance_soft()
        return
    if settings.REDIS_URL:
        try:
            _shared().incr(REDIS_KEY)
        except ValueError:  # not set yet
            _shared().set(REDIS_KEY, _first_number(), timeout=None)
        _near.forget_generations()  # after: whatever is remembered later read the new one
        return
    path = _file()
    # Explicit nanoseconds, always forward: two writes within one clock tick still differ.
    stamp = max(time.time_ns(), path.stat().st_mtime_ns + 1)
    os.utime(path, ns=(stamp, stamp))


def advance_after_write(sender, action: str = "post_", update_fields=None, **_signal) -> None:
    """post_save / post_delete / m2m_changed receiver for every model."""
    if not action.startswith("post_"):  # m2m_changed also fires before each change
        return
    meta = getattr(sender, "_meta", None)
    if meta is None or not sender.__module__.startswith("precis."):
        return
    if meta.label_lower in UNTRACKED_MODELS:
        return
    if update_fields and update_fields <= UNTRACKED_FIELDS.get(meta.label_lower, frozenset()):
        return
    advance()
    transaction.on_commit(advance)


def advance_after_task(task_result=None, **_signal) -> None:
    """task_finished receiver: tasks index, import and recount with bulk statements."""
    task = getattr(task_result, "task", None)
    if getattr(task, "module_path", None) in QUIET_TASKS:
        return
    if getattr(task, "module_path", None) in SOFT_TASKS:
        advance_soft()
        return
    advance()
