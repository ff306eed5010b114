"""A throw-away Django for the benchmarks: a fresh SQLite database, migrated, and static files."""

import os
import subprocess
import tempfile


def setup_django(prefix: str, *, keep_database_url: bool = False) -> str:
    """Configure and set up Django on a new scratch folder (returned), migrated.

    ``keep_database_url`` leaves a DATABASE_URL from the environment in place (to bench
    PostgreSQL); otherwise the database is a SQLite file in the scratch folder.
    """
    scratch = tempfile.mkdtemp(prefix=prefix)
    database = f"sqlite:///{scratch}/bench.sqlite3"
    if keep_database_url:
        os.environ.setdefault("DATABASE_URL", database)
    else:
        os.environ["DATABASE_URL"] = database
    os.environ.update(
        SECRET_KEY="bench-only-" + "k" * 50,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="ERROR",
        STATIC_ROOT=f"{scratch}/static",
        DJANGO_SETTINGS_MODULE="precis.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return scratch


def fresh_postgres(database_url: str, *, keep: bool = False) -> None:
    """Create the PostgreSQL database named by ``database_url``, dropping it first unless
    ``keep`` (a kept benchmark database is reused)."""
    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    statements = [f"CREATE DATABASE {name}"]
    if not keep:
        statements.insert(0, f"DROP DATABASE IF EXISTS {name}")
    for statement in statements:  # CREATE fails harmlessly when a kept one exists
        subprocess.run(["psql", server, "-q", "-c", statement], check=False, capture_output=True)
