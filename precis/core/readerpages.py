"""One copy of a page for every signed-in reader, with that reader's own state filled in.

A signed-out reader's page is kept whole (pagecache.py). A signed-in reader's page
differs from the next reader's only in a few places: the header (name, profile link,
unread notifications), the CSRF token, and their own state on the page's objects
(which vote buttons they pressed, what they follow, what they asked for). A view
decorated with ``shared_for_readers`` is rendered once per URL and data generation
for a stand-in reader (``stand_in``: a signed-in account that owns nothing, voted on
nothing, follows nothing and moderates nothing), and each reader gets that copy with
their holes filled in:

- *values*: the stand-in's name, profile address and the CSRF token are markers
  (``marker``) that are swapped for the reader's own, escaped;
- *variants*: ``{% readerhole kind key %}…{% endreaderhole %}`` (templatetags
  ``readerholes``) renders its body once per state of ``kind`` (the ``vote`` hole: not
  voted, up, down; ``follow``, ``requested``, ``bell``), and the reader's state, read
  for all the keys on the page at once, picks one.

Markers carry a secret derived from SECRET_KEY, so no text a person writes can
forge one; a copy with an unknown marker is not kept.

Who gets a whole page instead (never the shared copy, and nothing of theirs goes
into it): moderators, suspended people, people marked as spammers or whose profile
is held or hidden, anyone who muted or blocked someone or was blocked, anyone with
messages to show or who wrote in the last few seconds
(pagecache.FRESH_WRITE_COOKIE: the writer sees their write at once), and whoever
owns something on the page: the stand-in's id notes every id a template or view
compares it with (``ReaderId``), and a reader whose id is among them (the author of
a summary or comment shown there, the person whose profile it is) gets the page
rendered for them. A view passes ``unless`` for what the stand-in cannot see but
the reader could (their own private summary of the paper, their hidden question).

A hit costs one statement, whatever the page holds: the reader's session (where this
process has read it before and so can guess whom it names), the reader, and all of
their state on the page (``_reader_and_state``). The session and the row then go
through Django's own checks (the session must still name that reader, and its hash
match their password), and the copy's parts are joined with the reader's values.

Copies live in the pages cache beside the signed-out ones, keyed by address, and
are served while the data generation (and, within VOTE_STALENESS_SECONDS, the soft
generation that votes move) is the one they were rendered in. A copy holds those
generations, its body (parts, holes, owners, headers) already pickled, and the body's
digest. Each process keeps the bodies it last used by digest (``_bodies``), so a hit
mostly unpickles only the few numbers around the body: unpickling a venue page's whole
copy, its hundreds of small strings, cost a tenth of its hit (bench/reader_profile.py).
"""

import hashlib
import hmac
import pickle
import re
import threading
import time
from contextlib import contextmanager
from functools import cache, wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.module_loading import import_string

from . import contentpolicy, generations, pagecache
from .postgresql import prepared_cursor
from .replicas import PIN_COOKIE

# The values a copy may ask for; anything else in a copy means it is not kept.
VALUES = ("csrf", "name", "username", "profileurl", "unread")


@cache
def _secret() -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), b"precis.readerpages", hashlib.sha256)
    return digest.hexdigest()[:20]


def marker(kind: str, name: str) -> str:
    """A placeholder in a shared copy: ``kind`` "v" (a value) or "h" (a hole's number).
    Letters, digits and underscores only, so it survives escaping and URLs unchanged."""
    return f"xq{_secret()}_{kind}{name}_"


@cache
def _marker_pattern():
    return re.compile(f"xq{_secret()}_([hv])([a-z0-9]+)_")


class ReaderId(int):
    """The stand-in's id: 0, no one's, noting every id it is compared with, so that
    whoever owns something on the page (``summary.author_id == user.pk``) can be told."""

    def __new__(cls, seen: set):
        self = super().__new__(cls, 0)
        self.seen = seen
        return self

    def __eq__(self, other):
        if isinstance(other, int):
            self.seen.add(int(other))
            return int(other) == 0
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = int.__hash__


class Recorder:
    """What one shared render found: its variant holes and the ids compared with the
    stand-in's (``owners``)."""

    def __init__(self):
        self.owners: set[int] = set()
        self.holes: list[tuple[str, str, list[str]]] = []

    def add(self, kind: str, key: str, variants: list[str]) -> str:
        self.holes.append((kind, key, variants))
        return marker("h", str(len(self.holes) - 1))


def stand_in(recorder: Recorder):
    """A signed-in reader who owns, follows, voted on and moderates nothing, with
    markers for a name and a profile address."""
    from precis.accounts.models import User

    reader = User(
        id=ReaderId(recorder.owners),
        username=marker("v", "username"),
        display_name=marker("v", "name"),
        is_active=True,
    )
    reader._is_moderator = False
    reader.get_absolute_url = lambda: marker("v", "profileurl")
    return reader


# --- holes: kind -> (variants, how to render each, how to read a reader's states) ----


@contextmanager
def _with_context(context, name, value):
    context.push({name: value})
    try:
        yield
    finally:
        context.pop()


@contextmanager
def _with_my_vote(context, value):
    summary = context["summary"]
    missing = object()
    before = summary.__dict__.get("my_vote", missing)
    summary.my_vote = value
    try:
        yield
    finally:
        if before is missing:
            del summary.my_vote
        else:
            summary.my_vote = before


# Each hole kind reads a reader's states with one SELECT of (tag, id, value) rows; all
# of a page's SELECTs, and the check for blocks, go to the database as one statement.
# Only quoted table and column names and "%s" are formatted in; values are parameters.


@cache
def _table(model_path: str):
    from django.apps import apps
    from django.db import connection

    model = apps.get_model(model_path)
    quote = connection.ops.quote_name

    @cache
    def column(field: str) -> str:
        return quote(model._meta.get_field(field).column)

    return quote(model._meta.db_table), column


def _ids(keys) -> list[int]:
    return sorted({int(key) for key in keys if key.isdigit()})


def _in(ids) -> str:
    return ", ".join(["%s"] * len(ids))


def _votes_sql(keys):
    ids = _ids(keys)
    if not ids:
        return []
    table, column = _table("summaries.Vote")
    sql = (
        f"SELECT 'vote', {column('summary')}, {column('value')} FROM {table} "  # noqa: S608 (quoted names, %s values)
        f"WHERE {column('voter')} = %s AND {column('summary')} IN ({_in(ids)})"
    )
    return [(sql, ids)]


def _votes_read(rows, values):
    return {str(pk): 1 if value == 1 else 2 for _, pk, value in rows}


FOLLOWABLE = ("paper", "venue", "user", "collection")


def _follows_sql(keys):
    table, column = _table("notifications.Follow")
    statements = []
    for kind in FOLLOWABLE:
        ids = _ids(key.partition(":")[2] for key in keys if key.startswith(kind + ":"))
        if ids:
            sql = (
                f"SELECT 'follow:{kind}', {column(kind)}, 1 FROM {table} "  # noqa: S608 (quoted names, %s values)
                f"WHERE {column('follower')} = %s AND {column(kind)} IN ({_in(ids)})"
            )
            statements.append((sql, ids))
    return statements


def _follows_read(rows, values):
    return {f"{tag.partition(':')[2]}:{pk}": 1 for tag, pk, _ in rows}


def _requests_sql(keys):
    ids = _ids(keys)
    if not ids:
        return []
    table, column = _table("papers.SummaryRequest")
    sql = (
        f"SELECT 'requested', {column('paper')}, 1 FROM {table} "  # noqa: S608 (quoted names, %s values)
        f"WHERE {column('requester')} = %s AND {column('paper')} IN ({_in(ids)})"
    )
    return [(sql, ids)]


def _requests_read(rows, values):
    return {str(pk): 1 for _, pk, _ in rows}


def _unread_sql(keys):
    # As notifications.services.unread_count counts them.
    table, column = _table("notifications.Notification")
    sql = (
        f"SELECT 'bell', 0, COUNT(*) FROM {table} "  # noqa: S608 (quoted names, %s values)
        f"WHERE {column('recipient')} = %s AND {column('read_at')} IS NULL"
    )
    return [(sql, [])]


def _unread_read(rows, values):
    count = sum(value for _, _, value in rows)
    values["unread"] = str(count)
    return {"": 1} if count else {}


class Hole:
    def __init__(self, variants, render_as, sql, read):
        self.variants = variants  # the states, in the order the copy holds them
        self.render_as = render_as  # (context, state) -> context manager
        # keys -> [(SELECT of (tag, id, value) whose first %s is the reader's id, the
        # values of the others)], made once per copy
        self.sql = sql
        self.read = read  # (rows, values) -> {key: variant index}; absent keys: 0


HOLES = {
    "vote": Hole([None, 1, -1], _with_my_vote, _votes_sql, _votes_read),
    "follow": Hole(
        [False, True],
        lambda c, v: _with_context(c, "following", v),
        _follows_sql,
        _follows_read,
    ),
    "requested": Hole(
        [False, True],
        lambda c, v: _with_context(c, "requested", v),
        _requests_sql,
        _requests_read,
    ),
    "bell": Hole(
        [0, marker("v", "unread")],
        lambda c, v: _with_context(c, "unread_notifications", v),
        _unread_sql,
        _unread_read,
    ),
}


def _blocks_sql(reader_id):
    """Whether the reader muted or blocked anyone, or was blocked (their pages differ)."""
    table, column = _table("accounts.Block")
    # First of the state's SELECTs, so its names are the rows' (_reader_and_state).
    sql = (
        f"SELECT 'block' AS state_kind, 0 AS state_key, 1 AS state_value WHERE EXISTS ("  # noqa: S608 (quoted names, %s values)
        f"SELECT 1 FROM {table} WHERE {column('who')} = %s OR {column('whom')} = %s)"
    )
    return sql, [reader_id, reader_id]


def holes_context(request) -> dict:
    """Context processor: while a shared copy renders, the CSRF token is a marker."""
    if getattr(request, "reader_holes", None) is None:
        return {}
    return {"csrf_token": marker("v", "csrf")}


# --- the decorator ---------------------------------------------------------------------


def exists(model_path: str, *, excluding: dict | None = None, **equals) -> tuple[str, list]:
    """For ``unless``: a SELECT that yields a row when a row of ``model_path``
    ("app.Model") has these field values (ids for relations) and not the ``excluding``
    ones."""
    table, column = _table(model_path)
    where = [f"{column(field)} = %s" for field in equals]
    params = list(equals.values())
    for field, value in (excluding or {}).items():
        where.append(f"{column(field)} <> %s")
        params.append(value)
    sql = f"SELECT 'stop', 0, 1 WHERE EXISTS (SELECT 1 FROM {table} WHERE {' AND '.join(where)})"  # noqa: S608 (quoted names)
    return sql, params


def shared_for_readers(unless=None):
    """Serve signed-in readers this view's page from one shared copy (module docstring).

    ``unless(reader_id, *args, **kwargs)``, if given, returns SELECTs (``exists``) that
    yield a row when this reader may see something on the page that the stand-in does
    not (their own private or held work there): they get the page rendered for them.
    They run in the one statement that reads the reader's state."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _may_share_request(request):
                return view(request, *args, **kwargs)
            # Where this process has seen the session before, the reader it named then:
            # a hit reads the session with the reader, and checks that it still does.
            guessed = _guessed_reader(request)
            reader_id = guessed if guessed is not None else _reader_id(request)
            if reader_id is None:
                return view(request, *args, **kwargs)
            if guessed is None:
                _remember_reader(request, reader_id)
            key = _key(request)
            hard, soft, cached = generations.current_both_and_page(key)
            entry = None
            if cached is not None and generations.is_fresh(cached, hard, soft):
                entry = _body(cached)
            stops = unless(reader_id, *args, **kwargs) if unless is not None else []
            # A hit reads the reader and their state on the page in one statement.
            states = None
            if entry is not None:
                states = _reader_and_state(request, reader_id, entry, stops, guessed is not None)
            if not _may_share_with(request.user) or request.user.pk != reader_id:
                return view(request, *args, **kwargs)
            if entry is None:
                entry = _render_shared(view, request, args, kwargs)
                if entry is None:
                    return view(request, *args, **kwargs)
                # As long as a signed-out copy (shorter when read from a replica).
                _keep(key, entry, hard, soft, pagecache._lifetime(request))
            if states is None:
                states = _state(request.user.pk, entry, stops)
            values = _reader_values(request, entry, states)
            if values is None:
                return view(request, *args, **kwargs)
            if entry["hook"]:
                handler, hook_args = entry["hook"]
                import_string(handler)(request, *hook_args)
            return _fill(entry, values)

        wrapper.shares_reader_pages = True
        return wrapper

    return decorate


def _may_share_request(request) -> bool:
    """What can be told before the reader is loaded."""
    if not settings.SHARED_READER_PAGES or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if request.method != "GET":
        return False
    if pagecache.FRESH_WRITE_COOKIE in request.COOKIES or PIN_COOKIE in request.COOKIES:
        return False
    if "application/json" in request.headers.get("Accept", ""):
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return False
    return pagecache._is_plain_query(request)


def _may_share_with(user) -> bool:
    from precis.lib.moderation import is_moderator

    if not user.is_authenticated or is_moderator(user) or user.is_suspended:
        return False
    # Pages offer them less than the stand-in is offered (papers/claims.may_claim).
    return not user.is_spammer and user.is_shown


def _reader_id(request) -> int | None:
    """The id the session says is signed in, without loading them; None: no one."""
    from precis.accounts.backends import user_id_or_none

    try:
        return user_id_or_none(request.session[SESSION_KEY])
    except KeyError:
        return None


# The reader each session last named, by a digest of its key (the keys stay secret);
# the oldest goes first past the limit. A guess: what the session says is checked.
SESSIONS_REMEMBERED = 10_000
_readers_of_sessions: dict[bytes, int] = {}
_readers_lock = threading.Lock()


def _session_digest(request) -> bytes | None:
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    return hashlib.blake2b(key.encode(), digest_size=16).digest()


def _remember_reader(request, reader_id: int) -> None:
    digest = _session_digest(request)
    if digest is None or _readers_of_sessions.get(digest) == reader_id:
        return
    with _readers_lock:
        _readers_of_sessions[digest] = reader_id
        while len(_readers_of_sessions) > SESSIONS_REMEMBERED:
            del _readers_of_sessions[next(iter(_readers_of_sessions))]


def _forget_reader(request) -> None:
    digest = _session_digest(request)
    with _readers_lock:
        _readers_of_sessions.pop(digest, None)


def _guessed_reader(request) -> int | None:
    """The reader this request's session named when this process last read it, while
    the session is still unread here (once read, it says so itself)."""
    from precis.accounts import sessions

    if sessions.is_loaded(request.session):
        return None
    digest = _session_digest(request)
    return None if digest is None else _readers_of_sessions.get(digest)


def _key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "reader:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()


# Bodies this process read or rendered, by digest; the oldest goes first past the limit.
BODIES_KEPT = 256
_bodies: dict[bytes, dict] = {}
_bodies_lock = threading.Lock()


def _body(entry: dict) -> dict | None:
    """The body of a cached copy (None for a copy kept in another shape)."""
    digest = entry.get("digest")
    body = _bodies.get(digest)
    if body is None and digest is not None:
        # Our own pickle, from the pages cache, which pickles every value it holds.
        body = pickle.loads(entry["body"])  # noqa: S301
        if "reads" not in body:  # kept by a release that read holes differently
            return None
        _hold(digest, body)
    return body


def _hold(digest: bytes, body: dict) -> None:
    with _bodies_lock:
        _bodies[digest] = body
        while len(_bodies) > BODIES_KEPT:
            del _bodies[next(iter(_bodies))]


def _keep(key: str, body: dict, hard: int, soft: int, lifetime: int) -> None:
    pickled = pickle.dumps(body, pickle.HIGHEST_PROTOCOL)
    digest = hashlib.blake2b(pickled, digest_size=16).digest()
    entry = {
        "generation": hard,
        "soft": soft,
        "rendered_at": time.time(),
        "body": pickled,
        "digest": digest,
    }
    generations.keep_page(key, entry, lifetime)
    _hold(digest, body)


def _render_shared(view, request, args, kwargs) -> dict | None:
    """Render the view for the stand-in; its copy's body (``None`` if it may not be
    kept)."""
    recorder = Recorder()
    reader, session = request.user, request.session
    request.user = stand_in(recorder)
    request.session = SessionBase()  # nothing of the reader's session reaches the copy
    request.reader_holes = recorder
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
    except (Http404, PermissionDenied):
        # Not the stand-in's to see (someone's private summary): the reader may be its
        # writer, so their own render decides.
        return None
    finally:
        request.user, request.session = reader, session
        del request.reader_holes
    if not pagecache._may_keep(response) or contentpolicy.has_own_policy(request, response):
        return None
    try:
        parts = _compile(response.content.decode(response.charset))
        holes = [
            (kind, key, [_compile(variant) for variant in variants])
            for kind, key, variants in recorder.holes
        ]
    except (UnicodeDecodeError, LookupError):
        return None
    keys: dict[str, list[str]] = {}
    for kind, key, _ in recorder.holes:
        keys.setdefault(kind, []).append(key)
    return {
        "parts": parts,
        "holes": holes,
        # What each reader's state is read with: the hole kinds, and their SELECTs.
        "kinds": list(keys),
        "reads": [(sql, ids) for kind in keys for sql, ids in HOLES[kind].sql(keys[kind])],
        "owners": frozenset(recorder.owners),
        "headers": [
            (k, v) for k, v in response.items() if k.lower() not in ("content-length", "vary")
        ],
        "hook": getattr(response, "page_cache_hook", None),
    }


def _compile(text: str) -> list:
    """``text`` as literal strings and ("v", name) / ("h", number) markers."""
    parts, start = [], 0
    for found in _marker_pattern().finditer(text):
        if found.start() > start:
            parts.append(text[start : found.start()])
        kind, name = found.groups()
        if kind == "v":
            if name not in VALUES:
                raise LookupError(name)
            parts.append(("v", name))
        else:
            parts.append(("h", int(name)))
        start = found.end()
    parts.append(text[start:])
    return parts


def _state_statement(reader_id: int, entry: dict, stops: list) -> tuple[str, list]:
    """One SELECT of (kind, key, value) rows: the reader's state on ``entry``'s page, a
    block, and a row for any of ``stops``."""
    statements = [_blocks_sql(reader_id), *stops]
    statements += [(sql, [reader_id, *ids]) for sql, ids in entry["reads"]]
    sql = " UNION ALL ".join(sql for sql, _ in statements)
    return sql, [param for _, params in statements for param in params]


def _state(reader_id: int, entry: dict, stops: list) -> list:
    from precis.accounts.models import User

    sql, params = _state_statement(reader_id, entry, stops)
    with prepared_cursor(connections[router.db_for_read(User)]) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _reader_and_state(
    request, reader_id: int, entry: dict, stops: list, guessed: bool
) -> list | None:
    """The reader's row and their state on ``entry``'s page, in one statement, and
    where ``reader_id`` was ``guessed``, the session's stored text too; the session and the row then
    become ``request.session`` and ``request.user`` through Django's own checks. The
    state's rows, or None where the row is not the signed-in reader's (``request.user``
    is then whoever Django finds)."""
    from precis.accounts import backends, sessions
    from precis.accounts.models import User

    alias = router.db_for_read(User)
    reader_sql, reader_params = backends.user_row_statement(reader_id)
    state_sql, state_params = _state_statement(reader_id, entry, stops)
    sql = f"SELECT r.*, s.* FROM ({reader_sql}) r LEFT JOIN ({state_sql}) s ON 1 = 1"  # noqa: S608 (our own statements)
    params = reader_params + state_params
    session = sessions.stored_data_statement(request.session) if guessed else None
    reads_session = session is not None and session[0] == alias
    if reads_session:
        _, session_sql, session_params = session
        sql = f"SELECT stored.*, t.* FROM ({session_sql}) stored LEFT JOIN ({sql}) t ON 1 = 1"  # noqa: S608 (our own statements)
        params = session_params + params
    with prepared_cursor(connections[alias]) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if reads_session:
        # No row: the session has expired or gone; Django reads it again and finds so.
        if rows:
            sessions.read_ahead(request.session, rows[0][0])
            rows = [row[1:] for row in rows]
        if not rows or _reader_id(request) != reader_id:
            _forget_reader(request)
            return None
    if not rows:
        return None
    width = len(rows[0]) - 3  # the state's three columns come last
    if rows[0][0] is None:  # no such reader
        return None
    with backends.rows_read_ahead(alias, reader_id, rows[0][:width]):
        reader = request.user.pk  # the lazy user, made from the row if still unmade
    if reader != reader_id:
        return None
    return [row[width:] for row in rows if row[width] is not None]


def _reader_values(request, entry: dict, rows: list) -> dict | None:
    """The reader's values and hole states for ``entry`` from their state's ``rows``;
    None: render the page for them."""
    user = request.user
    if user.pk in entry["owners"]:
        return None
    by_tag: dict[str, list] = {}
    for row in rows:
        by_tag.setdefault(row[0].partition(":")[0], []).append(row)
    if by_tag.get("block") or by_tag.get("stop"):
        return None
    values = {
        "csrf": get_token(request),
        "name": escape(user.public_name),
        "username": escape(user.username),
        "profileurl": escape(user.get_absolute_url()),
    }
    states = {}
    for kind in entry["kinds"]:
        for key, index in HOLES[kind].read(by_tag.get(kind, []), values).items():
            states[(kind, key)] = index
    values["states"] = states
    return values


def _fill(entry: dict, values: dict) -> HttpResponse:
    out: list[str] = []
    holes, states = entry["holes"], values["states"]

    def emit(parts):
        for part in parts:
            if part.__class__ is str:
                out.append(part)
            elif part[0] == "v":
                out.append(values[part[1]])
            else:
                kind, key, variants = holes[part[1]]
                emit(variants[states.get((kind, key), 0)])

    emit(entry["parts"])
    response = HttpResponse("".join(out))
    for header, value in entry["headers"]:
        response[header] = value
    contentpolicy.takes_the_site_policy(response)
    return response
