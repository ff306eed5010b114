"""PostgreSQL read replicas: requests that only read are served from a streaming replica.

``ReplicaRouter`` sends every write and migration to "default" (the primary). It sends
a read to a replica only inside a request scope that ``ReplicaMiddleware`` opens, and
only while

- the request is safe (GET, HEAD, OPTIONS, TRACE) and has not written anything yet;
  its first write pins the rest of it to the primary, so it reads what it wrote;
- its person has not written anything in the last REPLICA_PIN_SECONDS: a signed,
  timestamped cookie remembers their last write (signed out too, as in a sign-up), so
  they always see their own writes, however far behind the replica is;
- no transaction is open on the primary (reads inside ``atomic()`` see its writes);
- the replica answers, and with REPLICA_MAX_LAG_SECONDS keeps up (see ``is_usable``).

Everything outside a request (tasks, management commands, the shell, the test suite)
reads from the primary, so background work never acts on stale rows.

A replica going away is covered
- before a request: its first read checks the replica's connection (a kept-alive one
  with a ``SELECT 1``, which Django's CONN_HEALTH_CHECKS would run anyway), and one
  that fails is left alone for DOWN_SECONDS while reads go to the primary;
- during a safe request (it died after the check): the view is run again from the
  primary. Nothing is written twice, since a request that wrote reads from the primary.
Not covered, when it dies after that check: a read outside the view (in a middleware)
or in a view that catches database errors itself. That one request fails as it would
without replicas; the next ones read from the primary. (A streaming response reads
its rows after the scope has closed, so from the primary.) A client that drops
cookies (an API script) is not pinned and may read a replica a moment behind its
own write.
"""

import logging
import math
import random
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from time import monotonic

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
PIN_COOKIE = "precis_primary"
PIN_SALT = "precis.core.replicas.pin"
# What a replica that has gone away raises: it refuses, drops or times out the connection.
REPLICA_ERRORS = (OperationalError, InterfaceError)
DOWN_SECONDS = 5.0  # a replica that failed is not tried again for this long (per process)
LAG_CHECK_SECONDS = 5.0  # each process measures a replica's lag at most this often
# Seconds of replay behind the primary. When everything received has been replayed it
# is 0: an idle primary sends nothing, so the age of the last replayed commit says
# nothing then. While WAL waits to be replayed, that age slightly overstates the lag.
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        THEN 0
        ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
    END
"""


@dataclass
class Scope:
    """Where one request reads: the primary only, or the replica chosen at its first read."""

    pinned: bool
    replica: str | None = None  # a replica's alias or "default", once chosen
    wrote: bool = False


_scope: ContextVar[Scope | None] = ContextVar("precis_replica_scope", default=None)
# Per process: when each failed replica may be tried again, and its last measured lag.
_down_until: dict[str, float] = {}
_lag: dict[str, tuple[float, float]] = {}  # alias: (measured at, seconds behind)


@contextmanager
def replica_reads(*, pinned: bool = False):
    """Let the reads inside go to a replica (unless ``pinned``); yields the ``Scope``."""
    scope = Scope(pinned=pinned)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None or scope.pinned or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if scope.replica is None:
            scope.replica = choose_replica()
        return scope.replica

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            # The rest of this request, and its person's next requests, must see this write.
            scope.pinned = scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """A row read from a replica is the primary's row: any two may be related."""
        databases = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        return True if {obj1._state.db, obj2._state.db} <= databases else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Replicas copy the primary's schema by streaming it; nothing migrates them."""
        return False if db in settings.DATABASE_REPLICAS else None


def choose_replica() -> str:
    """A replica that answers (and keeps up), or the primary when none does."""
    now = monotonic()
    aliases = [name for name in settings.DATABASE_REPLICAS if _down_until.get(name, 0) <= now]
    random.shuffle(aliases)
    return next((alias for alias in aliases if is_usable(alias)), DEFAULT_DB_ALIAS)


def is_usable(alias: str) -> bool:
    """Whether the replica answers now and, with REPLICA_MAX_LAG_SECONDS, keeps up."""
    connection = connections[alias]
    try:
        # A kept-alive connection to a replica that has gone since fails here, not mid-page.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        return not is_lagging(alias)
    except REPLICA_ERRORS as error:
        mark_down(alias, error)
        return False


def is_lagging(alias: str) -> bool:
    limit = settings.REPLICA_MAX_LAG_SECONDS
    if not limit:
        return False
    now = monotonic()
    measured_at, seconds = _lag.get(alias, (-math.inf, 0.0))
    if now - measured_at >= LAG_CHECK_SECONDS:
        seconds = lag_seconds(alias)
        _lag[alias] = (now, seconds)
        if seconds > limit:
            logger.warning("Replica %r is %.1f s behind; reading from the primary", alias, seconds)
    return seconds > limit


def lag_seconds(alias: str) -> float:
    """How many seconds the replica's replay is behind the primary (0 when caught up)."""
    if connections[alias].vendor != "postgresql":
        return 0.0
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def mark_down(alias: str, error: Exception) -> None:
    logger.warning(
        "Replica %r failed (%s); reading from the primary for %g s", alias, error, DOWN_SECONDS
    )
    _down_until[alias] = monotonic() + DOWN_SECONDS
    with suppress(DatabaseError):
        connections[alias].close()


def recently_wrote(request) -> bool:
    """Whether the request's person wrote something in the last REPLICA_PIN_SECONDS."""
    seconds = settings.REPLICA_PIN_SECONDS
    if not seconds:
        return False
    return request.get_signed_cookie(PIN_COOKIE, None, salt=PIN_SALT, max_age=seconds) is not None


def remember_write(response) -> None:
    if settings.REPLICA_PIN_SECONDS:
        response.set_signed_cookie(
            PIN_COOKIE,
            "1",
            salt=PIN_SALT,
            max_age=settings.REPLICA_PIN_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


class ReplicaMiddleware:
    """Opens each request's replica scope; remembers in a cookie whom to pin after a write.

    A request wrote if it was not safe, if it saved a row, or if it changed its session
    (sessions live in the database). ``request.read_replica`` tells the middleware
    around it which replica's rows the response was made from (None: the primary's),
    for a cache that must not keep a page a lagging replica rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unsafe = request.method not in SAFE_METHODS
        with replica_reads(pinned=unsafe or recently_wrote(request)) as scope:
            response = self.get_response(request)
        request.read_replica = None if scope.replica == DEFAULT_DB_ALIAS else scope.replica
        session = getattr(request, "session", None)
        if unsafe or scope.wrote or (session is not None and session.modified):
            remember_write(response)
        return response

    def process_exception(self, request, exception):
        """Answer a request again from the primary when its replica failed under it."""
        scope = _scope.get()
        if (
            scope is None
            or scope.wrote
            or scope.replica in (None, DEFAULT_DB_ALIAS)
            or not isinstance(exception, REPLICA_ERRORS)
            or not connections[scope.replica].errors_occurred
        ):
            return None
        mark_down(scope.replica, exception)
        scope.pinned, scope.replica = True, DEFAULT_DB_ALIAS
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        # A TemplateResponse that failed while rendering is not rendered again by Django.
        if callable(getattr(response, "render", None)):
            response = response.render()
        return response
