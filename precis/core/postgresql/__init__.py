"""Precis's PostgreSQL backend (base.py) and the one thing callers ask of it."""


def prepared_cursor(connection):
    """``connection``'s cursor for a statement of fixed text that every request runs:
    prepared once per connection on PostgreSQL (base.py), a plain cursor elsewhere."""
    prepared = getattr(connection, "prepared_cursor", None)
    return prepared() if prepared is not None else connection.cursor()
