"""Sessions in the database, read with one raw SELECT.

Django's database session store, except that reading a session (what every signed-in
request does first) runs one raw SELECT, prepared on PostgreSQL, instead of building
an ORM query each time: that build cost more than a signed-in reader's whole cached
page (bench/reader_profile.py). Writing, expiry and everything else are Django's.
A shared reader's page reads the session's text in its own statement, with the
reader and their state (``stored_data_statement``, ``read_ahead``), for this store
and for Django's cached_db alike: both keep the database up to date.

Decoding a session (checking its signature, then reading its JSON) cost as much as
reading it, and a reader's session is the same text request after request until it
is written. So each process remembers what the last sessions it checked decode to,
by their exact stored text, and gives each request its own copy.
"""

import threading
from functools import cache

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import SessionBase
from django.core.signals import setting_changed
from django.db import connections, router
from django.dispatch import receiver
from django.utils import timezone

from precis.core.postgresql import prepared_cursor

DECODED_KEPT = 1024
# Only sessions of such values are remembered: a copy of the dict then shares nothing
# that a request could change in place.
SCALARS = (str, int, float, bool, type(None))
# Nor any longer than a reader's usual few hundred characters: a signed-out writer's
# session can hold a whole draft, and 1,024 of those would pin a quarter of a gigabyte.
# Stored text is compressed, so what it decodes to is measured too.
LONGEST_KEPT = 4096
_decoded: dict[str, dict] = {}
_decoded_lock = threading.Lock()


@receiver(setting_changed)
def _forget_decoded(setting, **_signal) -> None:
    # What a session's text decodes to depends on the keys that sign it.
    if setting in ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "SESSION_SERIALIZER"):
        with _decoded_lock:
            _decoded.clear()


@cache
def _select_sql(table: str, quote) -> str:
    return (
        f"SELECT {quote('session_data')} FROM {quote(table)} "  # noqa: S608 (quoted names)
        f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
    )


def _worth_keeping(session_data: str, decoded: dict) -> bool:
    if not decoded or len(session_data) > LONGEST_KEPT:
        return False
    if not all(isinstance(value, SCALARS) for value in decoded.values()):
        return False
    decoded_length = sum(len(key) for key in decoded) + sum(
        len(value) for value in decoded.values() if isinstance(value, str)
    )
    return decoded_length <= LONGEST_KEPT


def _decode_remembered(store: SessionBase, session_data: str) -> dict:
    remembered = _decoded.get(session_data)
    if remembered is not None:
        return dict(remembered)
    decoded = SessionBase.decode(store, session_data)
    if _worth_keeping(session_data, decoded):
        with _decoded_lock:
            _decoded[session_data] = dict(decoded)
            while len(_decoded) > DECODED_KEPT:
                del _decoded[next(iter(_decoded))]
    return decoded


def stored_data_statement(store) -> tuple[str, str, list] | None:
    """(alias, SELECT, values) of the stored text of ``store``'s session if unexpired:
    for a caller that reads it along with more (readerpages) and passes the text to
    ``read_ahead``. None where there is nothing to read: not a database session, or no
    key that could be one."""
    if not isinstance(store, db.SessionStore):
        return None
    key = store.session_key
    # Django makes keys of lowercase letters and digits; nothing else can be one.
    if not key or not (key.isascii() and key.isalnum()):
        return None
    alias = router.db_for_read(store.model)
    connection = connections[alias]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return alias, _select_sql(store.model._meta.db_table, connection.ops.quote_name), [key, now]


def is_loaded(store) -> bool:
    return hasattr(store, "_session_cache")


def read_ahead(store, session_data: str) -> None:
    """Give ``store`` (a request's session, not yet loaded) its data, from the stored
    text ``stored_data_statement`` selected."""
    store._session_cache = _decode_remembered(store, session_data)


class SessionStore(db.SessionStore):
    def load(self):
        data = self._stored_data()
        return {} if data is None else self.decode(data)

    def decode(self, session_data):
        return _decode_remembered(self, session_data)

    def _stored_data(self) -> str | None:
        """The session's stored text, or None (and no key) if it has none unexpired."""
        statement = stored_data_statement(self)
        row = None
        if statement is not None:
            alias, sql, params = statement
            with prepared_cursor(connections[alias]) as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return row[0]
