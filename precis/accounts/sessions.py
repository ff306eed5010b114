"""Sessions in the database, read with one prepared statement.

Django's database session store, except that reading a session (what every signed-in
request does first) runs one raw SELECT instead of building an ORM query each time:
that build cost more than a signed-in reader's whole cached page
(bench/reader_profile.py). Writing, expiry and everything else are Django's.
"""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@cache
def _select_sql(table: str, quote) -> str:
    return (
        f"SELECT {quote('session_data')} FROM {quote(table)} "  # noqa: S608 (quoted names)
        f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        # Django makes keys of lowercase letters and digits; nothing else can be one.
        if not key or not (key.isascii() and key.isalnum()):
            self._session_key = None
            return None
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                _select_sql(self.model._meta.db_table, connection.ops.quote_name), [key, now]
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0])
