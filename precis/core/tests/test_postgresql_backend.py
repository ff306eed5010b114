"""Precis's PostgreSQL backend (precis/core/postgresql/base.py): the statements every
signed-in request runs are prepared once per connection and no others are, and the
health check trusts a quiet connection without a round trip but still replaces one
the server has ended."""

import select
import time

import pytest
from django.db import connection
from django.test import Client

from precis.accounts.tests.factories import UserFactory
from precis.core.postgresql import base
from precis.summaries.tests.factories import SummaryFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the PostgreSQL backend needs DATABASE_URL"
    ),
    # Outside a test transaction: the health check looks at idle connections only.
    pytest.mark.django_db(transaction=True),
]


def prepared_statements() -> dict[str, int]:
    """This connection's prepared statements, with how often each has run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def signed_in_reader() -> Client:
    reader = Client()
    reader.force_login(UserFactory())
    return reader


def test_a_signed_in_readers_statements_are_prepared_once_and_reused():
    SummaryFactory()
    reader = signed_in_reader()
    for _ in range(3):
        assert reader.get("/").status_code == 200
    statements = prepared_statements()
    # The first request made the shared copy and read the reader on their own; each hit
    # since read the reader with their state on the page, in one statement.
    reader_and_state = [
        runs
        for text, runs in statements.items()
        if "AS in_moderators" in text and "AS state_kind" in text
    ]
    assert reader_and_state == [2], statements


def test_no_other_statement_is_prepared():
    summary = SummaryFactory()
    reader = signed_in_reader()
    for address in ("/", summary.paper.get_absolute_url(), "/search?q=learning"):
        for _ in range(6):  # past psycopg's usual threshold for preparing on its own
            reader.get(address)
            Client().get(address)
    for text in prepared_statements():
        assert "AS in_moderators" in text or "AS state_kind" in text, text


def test_without_prepared_statements_nothing_is_prepared(settings):
    settings.PREPARED_STATEMENTS = False
    SummaryFactory()
    reader = signed_in_reader()
    for _ in range(3):
        assert reader.get("/").status_code == 200
    assert prepared_statements() == {}


def test_a_quiet_connection_passes_its_health_check_without_a_round_trip(monkeypatch):
    connection.ensure_connection()
    connection.close_if_unusable_or_obsolete()  # as each request's end: the next checks
    asked = []
    monkeypatch.setattr(
        base.DatabaseWrapper, "is_usable", lambda self: asked.append(self.alias) or True
    )
    kept = connection.connection
    connection.close_if_health_check_failed()
    assert asked == []
    assert connection.connection is kept


def test_a_connection_the_server_ended_is_replaced_before_it_is_used():
    connection.ensure_connection()
    ended = connection.connection.info.backend_pid
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute("SELECT pg_terminate_backend(%s)", [ended])
    finally:
        other.close()
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(100) and time.monotonic() < deadline:
        pass  # the server's goodbye reaches the socket
    connection.close_if_unusable_or_obsolete()
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended


def test_a_connection_inside_a_transaction_is_checked_as_django_does(monkeypatch):
    asked = []
    usable = base.DatabaseWrapper.is_usable
    monkeypatch.setattr(
        base.DatabaseWrapper, "is_usable", lambda self: asked.append(self.alias) or usable(self)
    )
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
    try:
        connection.health_check_done = False
        connection.close_if_health_check_failed()
        assert asked == ["default"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
