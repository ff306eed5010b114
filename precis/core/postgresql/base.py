"""Django's PostgreSQL backend, with two savings on what every signed-in request runs.

- *Prepared statements, where asked for* (``prepared_cursor``): the few statements each
  signed-in request runs (its session, the reader, the reader's state on a shared
  page) took the server longer to plan than to run (a quarter and a seventh of a
  millisecond to plan, a twentieth to run: EXPLAIN ANALYZE on the 100k benchmark
  corpus). Their cursor prepares each statement once per connection, server side.
  Every other statement stays as Django sends it (bound on the client, never
  prepared): a search planned once for every word would be planned badly for most.
  ``PREPARED_STATEMENTS=false`` turns this off, for a pooler that cannot keep
  prepared statements (pgbouncer in transaction mode before 1.21, or with
  ``max_prepared_statements = 0``).
- *A health check without a round trip*: CONN_HEALTH_CHECKS sends ``SELECT 1`` before
  each request's first statement. An idle connection has nothing to read unless the
  server has spoken since, and a server that ends a connection (a restart,
  ``pg_terminate_backend``, an idle timeout) says so before closing it; so a quiet
  socket is taken as healthy and only a connection that heard something is asked.
  A connection lost without a word (a cable pulled) is not caught either way: the
  ``SELECT 1`` would wait on it just as the request's own statement does.
"""

import select

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import pq

# Above any count a connection sees: no statement is prepared for being seen often,
# only those run through ``prepared_cursor``.
PREPARE_ONLY_WHEN_ASKED = 2**62


class PreparingCursor(base.ServerBindingCursor):
    """Binds on the server and prepares each statement on first use."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if settings.PREPARED_STATEMENTS:
            connection.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
        return connection

    def prepared_cursor(self):
        """A cursor whose statements are prepared on this connection the first time
        they run; a plain cursor with PREPARED_STATEMENTS off. For statements of fixed
        text that every request runs (their values go in as parameters)."""
        if not settings.PREPARED_STATEMENTS:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparingCursor(self.connection)
            # As create_cursor does: the connection's time zone, where it differs.
            loader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, pq.Format.TEXT)
            if self.timezone != loader.timezone:
                base.register_tzloader(self.timezone, cursor)
        return self._prepare_cursor(cursor)

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self._quiet_and_idle()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quiet_and_idle(self) -> bool:
        """Whether the connection is open, outside a transaction, and has heard nothing
        from the server since its last answer."""
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN)
        return not poller.poll(0)
