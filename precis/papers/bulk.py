"""Fast multi-row writes for bulk imports, on SQLite and PostgreSQL.

Django's bulk_create prepares every field of every object through the full field
machinery; at tens of thousands of rows a second that is most of the cost. These
helpers convert only the fields that need it and hand plain tuples to the
driver's executemany. Callers run inside a transaction.
"""

from django.db import connection, models


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
    """INSERT plain tuples (already in database form) into ``model``'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({column_list}) VALUES ({placeholders}){conflict}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


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

    @staticmethod
    def _converter(field):
        if isinstance(field, (models.JSONField, models.DateTimeField, models.DateField)):
            return _memoized(lambda value: field.get_db_prep_save(value, connection))
        return None

    def new_instance(self):
        """A plain object with every column's default, cheaper than a model instance."""
        return _Row(self._defaults)

    def row(self, instance) -> tuple:
        return tuple(
            convert(getattr(instance, attname)) if convert else getattr(instance, attname)
            for attname, convert in self._getters
        )


class _Row:
    """Attribute bag standing in for a model instance that is only ever inserted."""

    def __init__(self, defaults: dict):
        for name, value in defaults.items():
            setattr(self, name, list(value) if isinstance(value, list) else value)

    @property
    def pk(self):
        return self.id


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
