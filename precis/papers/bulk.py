"""Fast multi-row writes for bulk imports, on SQLite and PostgreSQL.

Django's bulk_create prepares every field of every object through the full field
machinery; at tens of thousands of rows a second that is most of the cost. These
helpers convert only the fields that need it and hand plain tuples to the
driver: to executemany on SQLite, to COPY on PostgreSQL. Callers run inside a
transaction.

On PostgreSQL, a foreign key is checked by a trigger per inserted row, each a query
of its own run at commit: for an arXiv import (four or five authors a paper) that
was two fifths of the server's work (perf on ``bench/import_bench.py``). Where the
database role may set ``session_replication_role`` (a superuser, or PostgreSQL 15's
``GRANT SET ON PARAMETER``), COPY runs without those triggers and the references
are checked afterwards, one statement per foreign key for the whole batch, taking
the same row locks the triggers would (FOR KEY SHARE); a reference to a missing row
still fails the transaction with an IntegrityError.
"""

import json
import operator

from django.db import IntegrityError, connection, models, transaction

#: SQLite page cache for a connection that writes in bulk (KiB; SQLite's default is 2 MiB).
#: An import inserts into a dozen B-trees at random places; with the default cache
#: nearly every insert re-reads index pages from the operating system.
BULK_CACHE_KIB = 64 * 1024


def prepare_for_bulk_writes() -> None:
    """Let this connection keep more of the database in memory while it writes in bulk.

    SQLite only (PostgreSQL's cache is the server's); the cache only grows as pages
    are read, so a connection that imports one paper pays nothing for it.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        if 0 <= -cursor.fetchone()[0] < BULK_CACHE_KIB:  # negative: KiB; positive: pages
            cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys no row has ever used, for rows inserted with explicit ids.

    On SQLite the caller's transaction holds the write lock (transaction_mode
    IMMEDIATE), so reading the high-water mark is safe; AUTOINCREMENT's sequence
    is consulted so ids of deleted (e.g. merged) rows are never reused.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("{pk_column}"), 0) FROM "{table}"')
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


def insert_rows(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT plain tuples (already in database form) into ``model``'s table.

    SQLite runs in-process and prepares the statement once, so executemany is
    as cheap as it gets. On PostgreSQL, executemany would have the server parse
    and plan one statement per row (Django's psycopg cursor binds parameters
    client-side) and multi-row VALUES would have psycopg scan a huge query for
    placeholders; both cost more CPU than the rest of an import. So rows go in
    by COPY, and rows that may conflict are COPied into a temporary table first
    and moved with one INSERT … SELECT … ON CONFLICT DO NOTHING.
    """
    if not rows:
        return
    if connection.vendor == "postgresql" and _can_copy():
        _copy_rows(model, columns, rows, ignore_conflicts=ignore_conflicts)
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({column_list}) VALUES ({placeholders}){conflict}", rows
        )


def delete_rows(queryset: models.QuerySet) -> int:
    """Delete ``queryset``'s rows in one DELETE; returns how many.

    ``QuerySet.delete()`` loads every row first, and sends a signal per row, whenever a
    delete signal has a receiver for every model (ours keeps the data generation, which
    the DELETE moves anyway). Rows nothing refers to, deleted in bulk, need neither.
    """
    return queryset._raw_delete(queryset.db)


#: The temporary table conflicting rows are staged in; dropped after each use.
STAGING_TABLE = "precis_bulk_staging"


def _can_copy() -> bool:
    """Whether the driver is psycopg 3, whose cursors have ``copy()`` (psycopg2's do not)."""
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


def _copy_rows(model, columns: list[str], rows: list[tuple], *, ignore_conflicts: bool) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(column) for column in columns)
    references = _references(model, columns)
    checked_per_batch = bool(references) and _may_skip_reference_triggers()
    # atomic: the staging table must not vanish between statements (ON COMMIT DROP
    # in autocommit); inside the caller's transaction, as usual, it adds nothing.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if checked_per_batch:
            # LOCAL: undone with the transaction, however it ends. Only these
            # statements skip the triggers; nothing else this transaction does.
            cursor.execute("SET LOCAL session_replication_role = replica")
        target = table
        if ignore_conflicts:
            target = quote(STAGING_TABLE)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "
                f"SELECT {column_list} FROM {table} WITH NO DATA"
            )
        with cursor.cursor.copy(f"COPY {target} ({column_list}) FROM STDIN") as copy:
            if (text := _integer_rows_text(rows)) is not None:
                copy.write(text)
            else:  # psycopg adapts each value exactly as it would for a query parameter
                for row in rows:
                    copy.write_row(row)
        if ignore_conflicts:
            # a fresh heap is read back in the order it was written: the first of
            # two conflicting rows wins, as with one INSERT per row
            cursor.execute(
                f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {target} "
                "ON CONFLICT DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {target}")
        if checked_per_batch:
            cursor.execute("SET LOCAL session_replication_role = origin")
            _check_references(cursor, model, references, rows)


def _integer_rows_text(rows: list[tuple]) -> str | None:
    """Rows of plain integers (link rows) in COPY's text format, or None for any other
    rows: written whole, they skip psycopg's per-row call."""
    if not all(type(value) is int for value in rows[0]):
        return None  # most likely: a paper's row, found at once
    if {type(value) for row in rows for value in row} != {int}:
        return None
    return "".join("\t".join(map(str, row)) + "\n" for row in rows)


def _references(model, columns: list[str]) -> list[tuple[int, models.ForeignKey]]:
    """The foreign keys among ``columns``, with their positions in a row."""
    by_column = {
        field.column: field
        for field in model._meta.concrete_fields
        if field.is_relation and field.db_constraint
    }
    return [
        (index, by_column[column]) for index, column in enumerate(columns) if column in by_column
    ]


def _check_references(cursor, model, references, rows) -> None:
    """What the skipped triggers would have done, once per foreign key: each row a
    batch refers to must exist, and is locked against deletion until commit."""
    quote = connection.ops.quote_name
    for index, field in references:
        wanted = {row[index] for row in rows} - {None}
        if not wanted:
            continue
        target = field.target_field
        key = quote(target.column)
        any_of, array = equals_any(wanted)
        cursor.execute(
            f"SELECT {key} FROM {quote(target.model._meta.db_table)} "
            f"WHERE {key} {any_of} FOR KEY SHARE",
            [array],
        )
        missing = wanted - {found for (found,) in cursor.fetchall()}
        if missing:
            raise IntegrityError(
                f"{model._meta.db_table}.{field.column} refers to rows of "
                f"{target.model._meta.db_table} that do not exist: {sorted(missing)[:5]}"
            )


def equals_any(values) -> tuple[str, object]:
    """SQL for "equals one of ``values``" on PostgreSQL, and its one parameter.

    psycopg adapts a list element by element in Python, which for the thousands of
    values of a batch cost more than the query; integers or strings go as one array
    literal instead. Anything else is left to psycopg.
    """
    values = list(values)
    kinds = {type(value) for value in values}
    if kinds == {int}:
        return "= ANY(%s::bigint[])", "{" + ",".join(map(str, values)) + "}"
    if kinds == {str}:
        quoted = ('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)
        return "= ANY(%s::text[])", "{" + ",".join(quoted) + "}"
    return "= ANY(%s)", values


def _may_skip_reference_triggers() -> bool:
    """``role_may_skip_reference_triggers``, asked once per connection to the server."""
    remembered = getattr(connection, "_may_skip_reference_triggers", None)
    if remembered is not None and remembered[0] is connection.connection:
        return remembered[1]
    with connection.cursor() as cursor:
        allowed = role_may_skip_reference_triggers(cursor)
    connection._may_skip_reference_triggers = (connection.connection, allowed)
    return allowed


def role_may_skip_reference_triggers(cursor) -> bool:
    """Whether the current PostgreSQL role may set session_replication_role."""
    if cursor.connection.info.server_version >= 150000:
        cursor.execute(
            "SELECT current_setting('is_superuser') = 'on' "
            "OR has_parameter_privilege('session_replication_role', 'SET')"
        )
    else:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    return cursor.fetchone()[0]


class RowBuilder:
    """Turns model instances into database tuples, converting only fields that need it."""

    def __init__(self, model: type[models.Model], field_names: list[str] | None = None):
        fields = [
            field
            for field in model._meta.concrete_fields
            if field_names is None or field.name in field_names or field.attname in field_names
        ]
        self.columns = [field.column for field in fields]
        self._getters = [(field.attname, self._converter(field)) for field in fields]
        self._defaults = {field.attname: field.get_default() for field in fields}
        self._list_defaults = [n for n, value in self._defaults.items() if isinstance(value, list)]
        # Every attribute in one C call; then only the few columns that need converting.
        attnames = [attname for attname, _ in self._getters]
        self._values = operator.attrgetter(*attnames) if attnames else lambda instance: ()
        self._conversions = [
            (index, convert) for index, (_, convert) in enumerate(self._getters) if convert
        ]
        self._single = len(fields) == 1

    @staticmethod
    def _converter(field):
        if isinstance(field, models.JSONField):
            return _memoized(lambda value: _json_for_bulk(field, value))
        if isinstance(field, (models.DateTimeField, models.DateField)):
            return _memoized(lambda value: field.get_db_prep_save(value, connection))
        return None

    def new_instance(self):
        """A plain object with every column's default, cheaper than a model instance."""
        return _Row(self._defaults, self._list_defaults)

    def row(self, instance) -> tuple:
        values = self._values(instance)
        if self._single:
            values = (values,)
        if not self._conversions:
            return values
        values = list(values)
        for index, convert in self._conversions:
            values[index] = convert(values[index])
        return tuple(values)


def _json_for_bulk(field: models.JSONField, value):
    if connection.vendor == "postgresql" and value is not None:
        # COPY reads JSON as text; a Jsonb value would be dumped again for every row
        return json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)


class _Row:
    """Attribute bag standing in for a model instance that is only ever inserted."""

    def __init__(self, defaults: dict, list_names=()):
        self.__dict__.update(defaults)
        for name in list_names:  # each row gets its own list, as a model instance would
            setattr(self, name, list(defaults[name]))

    pk = property(operator.attrgetter("id"))  # read for every link row: no Python frame


def _memoized(convert, limit: int = 4096):
    """Bulk rows repeat values (one timestamp, empty lists, a few dates): convert each once."""
    cache: dict = {}

    def converted(value):
        key = tuple(value) if isinstance(value, list) else value
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # unhashable contents
            return convert(value)
        if len(cache) >= limit:
            cache.clear()
        cache[key] = result = convert(value)
        return result

    return converted
