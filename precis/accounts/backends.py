"""Django's and allauth's sign-in backends, loading the signed-in person with whether
they moderate, so that no page spends a query of its own to ask (``is_moderator``)."""

import threading
from contextlib import contextmanager
from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections, router

from precis.core.postgresql import prepared_cursor
from precis.lib.moderation import MODERATORS_GROUP

from .models import User


def user_id_or_none(value) -> int | None:
    """``value`` (a session's user id) as an id a user could have, or None."""
    try:
        user_id = int(value)
    except (TypeError, ValueError):
        return None
    return user_id if 0 < user_id < 2**63 else None  # what a 64-bit id column holds


def user_row_statement(user_id: int) -> tuple[str, list]:
    """The SELECT of user ``user_id``'s row with whether they moderate, and its values:
    for a caller that reads it along with more (readerpages) and passes the row to
    ``rows_read_ahead``."""
    return _user_with_flag_sql(), [MODERATORS_GROUP, user_id]


_read_ahead = threading.local()


@contextmanager
def rows_read_ahead(alias: str, user_id: int, row: tuple):
    """While this lasts, ``get_user(user_id)`` in this thread builds the user from
    ``row`` (as ``user_row_statement`` selected it on ``alias``) instead of asking the
    database."""
    _read_ahead.row = (alias, user_id, row)
    try:
        yield
    finally:
        _read_ahead.row = None


class LoadsModeratorFlag:
    def get_user(self, user_id):
        user_id = user_id_or_none(user_id)
        if user_id is None:
            return None
        alias = router.db_for_read(User)
        connection = connections[alias]
        read_ahead = getattr(_read_ahead, "row", None)
        if read_ahead is not None and read_ahead[:2] == (alias, user_id):
            row = read_ahead[2]
        else:
            # Every signed-in request asks this. One raw statement: building the annotated
            # ORM query took most of a signed-in reader's cached page (bench/reader_profile.py).
            with prepared_cursor(connection) as cursor:
                cursor.execute(*user_row_statement(user_id))
                row = cursor.fetchone()
        if row is None:
            return None
        # A cursor and from_db, not User.objects.raw: a RawQuerySet's machinery cost a
        # third of a signed-in reader's shared page. The values get the converters that
        # Django's compiler would apply.
        *values, in_moderators = row
        for index, column, converters in _converters(alias):
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        user = User.from_db(alias, None, values)
        if not self.user_can_authenticate(user):
            return None
        user._is_moderator = user.is_staff or bool(in_moderators)
        return user


@cache
def _user_with_flag_sql() -> str:
    """The user row and whether they are in the moderators group, by id."""
    from django.db import connection

    quote = connection.ops.quote_name
    memberships = User.groups.through._meta
    user_column = quote(memberships.get_field("user").column)
    group_column = quote(memberships.get_field("group").column)
    columns = ", ".join(f"u.{quote(field.column)}" for field in User._meta.concrete_fields)
    return (
        f"SELECT {columns}, EXISTS (SELECT 1 FROM {quote(memberships.db_table)} m "  # noqa: S608 (quoted names)
        f"JOIN {quote(Group._meta.db_table)} g ON g.{quote(Group._meta.pk.column)} = m.{group_column} "
        f"WHERE m.{user_column} = u.{quote(User._meta.pk.column)} AND g.name = %s) "
        f"AS in_moderators FROM {quote(User._meta.db_table)} u "
        f"WHERE u.{quote(User._meta.pk.column)} = %s"
    )


@cache
def _converters(alias: str) -> list[tuple[int, object, list]]:
    """(index, column, converters) for each user column that needs converting on
    ``alias`` (SQLite's dates and booleans, a field's from_db_value)."""
    connection = connections[alias]
    found = []
    for index, field in enumerate(User._meta.concrete_fields):
        column = field.get_col(User._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if converters:
            found.append((index, column, converters))
    return found


class PasswordBackend(LoadsModeratorFlag, ModelBackend):
    """Username and password (Django's ``ModelBackend``)."""


class AccountBackend(LoadsModeratorFlag, AuthenticationBackend):
    """allauth's: e-mail or username, and the ORCID sign-in."""
