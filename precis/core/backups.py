"""Whole-database backups in each engine's own format, and restoring them.

SQLite: the online backup API copies every page inside one read transaction, so a
backup taken while the site writes is one consistent snapshot; the copy is then
switched to a rollback journal, so it is a single file that needs no ``-wal`` or
``-shm`` beside it. A restore copies pages the same way *into the live database*,
through SQLite's own locking and WAL: other processes see the old database or the
restored one, never a mix, and a leftover ``-wal`` belongs to the file it sits
beside, so it is never replayed over restored pages. (Copying a backup over the
live file does replay it, and corrupts the copy; docs/operations.md has the story.)

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` in one
transaction, so a failed restore leaves the database as it was. libpq reads the
connection from the environment built out of Django's DATABASES setting; the
password travels there, never on a command line.

Derived data comes back with the rows it is derived from, because it lives in the
same snapshot: vote counts and ranking scores (summaries, answers), the search
documents, SQLite's FTS5 index (its shadow tables are ordinary pages) and
PostgreSQL's generated tsvector columns (pg_dump leaves them out; PostgreSQL
computes them again as the rows load, and builds the indexes afterwards). What is
*not* in a backup is rebuilt by ``restore``: planner statistics (ANALYZE) and the
cache. The search index is checked, and rebuilt only when the check fails or a
reindex was under way when the backup was taken.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from precis.search.models import ReindexState
from precis.search.services import reindex

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# Files SQLite keeps beside a database; they belong to that one file.
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
# pg_restore --list lines of an extension and of its comment. Restoring leaves these
# out: dropping or commenting on an extension needs its owner, usually not the site's
# user (an administrator ran CREATE EXTENSION); ``_create_extensions`` stands in.
EXTENSION_ENTRY = re.compile(r"^\s*\d+;\s+\d+\s+\d+\s+(?:EXTENSION - |COMMENT - EXTENSION )(\S+)")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """A backup file that has been read whole and checked."""

    path: Path
    engine: str  # "sqlite" or "postgresql", as connection.vendor names them
    size_bytes: int
    made: str  # when (and, for PostgreSQL, of which database), as the file tells it

    def describe(self) -> str:
        return f"{ENGINE_NAMES[self.engine]} backup {self.path} ({self.size_bytes:,} bytes, {self.made})"


def current_engine() -> str:
    if connection.vendor not in ENGINE_NAMES:
        raise BackupError(f"Backups cover SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def describe_database() -> str:
    if current_engine() == "sqlite":
        return f"the SQLite database {_sqlite_path()}"
    db = connection.settings_dict
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    return f"the PostgreSQL database {db['NAME']} on {where}"


def make_backup(path: Path | None = None) -> Backup:
    """Back up the default database to ``path`` (a file or a folder; default under VAR_DIR).

    The file is written beside its final name and renamed only after it has been read
    back whole, so an existing file there is replaced only by a good backup. It is
    readable by its owner alone: it holds password hashes and e-mail addresses.
    """
    engine = current_engine()
    target = _backup_target(path, engine)
    partial = target.with_name(f"{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        if engine == "sqlite":
            _sqlite_backup(partial)
        else:
            _postgres_backup(partial)
        checked = _check(partial, engine)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, engine, checked.size_bytes, checked.made)


def check_backup(path: Path) -> Backup:
    """Read ``path`` whole and check it is a sound backup for this site's engine.

    Changes nothing; raises BackupError with the reason otherwise.
    """
    engine = current_engine()
    found = _engine_of(path)
    if found != engine:
        raise BackupError(
            f"{path} is a {ENGINE_NAMES[found]} backup, but this site's database is "
            f"{ENGINE_NAMES[engine]}. A backup restores only into the engine it was made from."
        )
    if engine == "sqlite" and path.resolve() == _sqlite_path().resolve():
        raise BackupError(f"{path} is the live database itself, not a backup of it.")
    return _check(path, engine)


def restore(backup: Backup, *, say: Callable[[str], None], rebuild_index: bool = False) -> None:
    """Replace every table of the default database with ``backup``'s, then rebuild what
    a backup does not hold. The caller has checked the backup and had it confirmed.
    """
    connections.close_all()
    if backup.engine == "sqlite":
        _sqlite_restore(backup.path, say)
    else:
        _postgres_restore(backup.path, say)
    connections.close_all()
    _migrate(say)
    _search_index(say, rebuild=rebuild_index)
    _clear_caches(say)


# --- Files ------------------------------------------------------------------


def _backup_target(path: Path | None, engine: str) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    name = f"precis-{stamp}{SUFFIXES[engine]}"
    if path is None:
        folder = Path(settings.VAR_DIR) / "backups"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder / name
    target = (path / name if path.is_dir() else path).absolute()
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent} to write {target.name} into.")
    if engine == "sqlite":
        live = _sqlite_path().resolve()
        if target.resolve() in {live, *(Path(f"{live}{end}") for end in SQLITE_SIDECARS)}:
            raise BackupError(f"{target} is the live database; choose another path.")
    return target


def _engine_of(path: Path) -> str:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror}.") from None
    if header.startswith(SQLITE_HEADER):
        return "sqlite"
    if header.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    if header.startswith(b"--"):
        raise BackupError(
            f"{path} looks like a plain SQL dump. Restore takes pg_dump's custom format "
            "(made by `manage.py backup`); a plain dump is replayed with psql."
        )
    raise BackupError(
        f"{path} is not a backup: neither a SQLite database nor a pg_dump custom-format archive."
    )


def _check(path: Path, engine: str) -> Backup:
    if engine == "sqlite":
        made = _check_sqlite(path)
    else:
        made = _check_postgres(path)
    return Backup(path, engine, path.stat().st_size, made)


# --- SQLite -----------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _sqlite_timeout_seconds() -> float:
    return float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 20))


def _open_backup_file(path: Path) -> sqlite3.Connection:
    # immutable: no locks, no -wal or -shm read or made beside it; a backup is one file.
    return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)


def _sqlite_backup(target: Path) -> None:
    live = _sqlite_path()
    if not live.is_file():
        raise BackupError(f"There is no database at {live} to back up.")
    try:
        source = sqlite3.connect(live, timeout=_sqlite_timeout_seconds())
        with closing(source), closing(sqlite3.connect(target)) as copy:
            # One step (pages=-1) is one read transaction: a consistent snapshot, and
            # in WAL mode the site's writers carry on meanwhile.
            source.backup(copy)
            # The copy inherits the live file's WAL flag; a rollback journal makes it a
            # self-contained file that opens without anything beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {live}: {error}.") from error


def _check_sqlite(path: Path) -> str:
    try:
        with closing(_open_backup_file(path)) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            is_precis = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged: {error}.") from error
    if problems != ["ok"]:
        raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}.")
    if not is_precis:
        raise BackupError(f"{path} is a SQLite database, but not a Precis one.")
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return f"last written {modified:%Y-%m-%d %H:%M:%S} UTC"


def _sqlite_restore(path: Path, say: Callable[[str], None]) -> None:
    live = _sqlite_path()
    say(f"Copying {path} into {live} …")
    with closing(_open_backup_file(path)) as source:
        try:
            _copy_into_live(source, live)
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorname", "") not in {"SQLITE_NOTADB", "SQLITE_CORRUPT"}:
                raise BackupError(
                    f"SQLite could not restore into {live}: {error}. Nothing was changed."
                ) from error
            # Nothing can be serving from a file SQLite cannot read, so it is safe to
            # replace it, with whatever -wal, -shm or -journal was beside it.
            say(f"{live} is not a readable database ({error}); replacing the file.")
            _replace_live_file(source, live)
    _quick_check(live)


def _copy_into_live(source: sqlite3.Connection, live: Path) -> None:
    """Write every page of ``source`` into the live database as one transaction.

    SQLite's own locking and WAL apply, so this is safe while the site runs (its
    writers wait); frames left in the live file's -wal are superseded, not replayed.
    """
    if not live.exists():
        # A -wal or -shm without its database file belongs to a file that is gone.
        _remove_sidecars(live)
    with closing(sqlite3.connect(live, timeout=_sqlite_timeout_seconds())) as target:
        target.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(target)
        # Fold the restored pages into the main file and empty the -wal, if no reader
        # holds it; otherwise SQLite does it at a later checkpoint.
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


def _replace_live_file(source: sqlite3.Connection, live: Path) -> None:
    partial = live.with_name(f"{live.name}.restoring")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    _remove_sidecars(live)
    partial.replace(live)


def _remove_sidecars(live: Path) -> None:
    for end in SQLITE_SIDECARS:
        Path(f"{live}{end}").unlink(missing_ok=True)


def _quick_check(live: Path) -> None:
    with closing(sqlite3.connect(live, timeout=_sqlite_timeout_seconds())) as db:
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise BackupError(f"The restored {live} fails SQLite's check: {'; '.join(problems[:3])}.")


def _fts_matches_documents() -> bool:
    """Whether SQLite's FTS5 index holds exactly the search documents' words.

    rank=1 asks FTS5 to compare the index with its external content table too.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    except DatabaseError:
        return False
    return True


# --- PostgreSQL -------------------------------------------------------------


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the default database: nothing secret on a command line."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGPASSFILE": options.get("passfile"),
        "PGSERVICE": options.get("service"),
    }
    return {**os.environ, **{name: str(value) for name, value in values.items() if value}}


def _run(program: str, *arguments: str, failure: str) -> str:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed; it comes with the PostgreSQL client programs "
            "(Debian and Ubuntu: apt install postgresql-client)."
        )
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [executable, *arguments],
        env=_pg_environment(),
        capture_output=True,
        text=True,
        # pg_restore quotes what it read from a damaged file, whatever the bytes
        errors="replace",
        check=False,
    )
    if done.returncode != 0:
        detail = done.stderr.strip() or f"exit status {done.returncode}"
        raise BackupError(f"{failure}: {detail}")
    return done.stdout


def _postgres_backup(target: Path) -> None:
    _run(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={target}",
        f"--dbname={connection.settings_dict['NAME']}",
        failure="pg_dump failed",
    )


def _check_postgres(path: Path) -> str:
    listing = _run("pg_restore", "--list", str(path), failure=f"{path} is damaged")
    if not re.search(r"^\s*\d+;.* TABLE DATA \S+ django_migrations ", listing, re.MULTILINE):
        raise BackupError(f"{path} is a PostgreSQL archive, but not of a Precis database.")
    # --list reads only the table of contents; turning the whole archive into SQL (and
    # throwing it away) reads every block, so a truncated or damaged file fails here.
    _run("pg_restore", f"--file={os.devnull}", str(path), failure=f"{path} is damaged")
    created = re.search(r"Archive created at (.+)", listing)
    source = re.search(r"dbname: (.+)", listing)
    made = f"made {created[1].strip()}" if created else "made at an unknown time"
    return f"{made} from database {source[1].strip()}" if source else made


def _postgres_restore(path: Path, say: Callable[[str], None]) -> None:
    listing = _run("pg_restore", "--list", str(path), failure=f"{path} is damaged")
    entries = listing.splitlines()
    _create_extensions(sorted({m[1] for line in entries if (m := EXTENSION_ENTRY.match(line))}))
    connections.close_all()
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as use_list:
        use_list.write("\n".join(line for line in entries if not EXTENSION_ENTRY.match(line)))
    try:
        say("Restoring with pg_restore, in one transaction …")
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",  # so --clean works on an empty database too
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--use-list={use_list.name}",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
            failure="pg_restore failed, and rolled back; nothing was changed",
        )
    finally:
        Path(use_list.name).unlink(missing_ok=True)
    say("Updating planner statistics (ANALYZE) …")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _create_extensions(names: list[str]) -> None:
    for name in names:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {connection.ops.quote_name(name)}")
        except DatabaseError as error:
            raise BackupError(
                f"The backup needs the {name} extension, and this database user may not "
                f"create it ({error}). An administrator can run `CREATE EXTENSION {name};` "
                f"in database {connection.settings_dict['NAME']}; then restore again. "
                "Nothing was restored."
            ) from error


# --- After the rows are back ------------------------------------------------


def _migrate(say: Callable[[str], None]) -> None:
    executor = MigrationExecutor(connection)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in executor.loader.applied_migrations
        if (app, name) not in executor.loader.disk_migrations
    )
    if unknown:
        say(
            "Warning: the backup was made by a newer version of Precis (migrations this "
            f"code lacks: {', '.join(unknown[:5])}); upgrade the code before serving."
        )
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        say("Schema: up to date.")
        return
    say(f"Applying {len(plan)} migrations the backup predates …")
    call_command("migrate", interactive=False, verbosity=0)


def _search_index(say: Callable[[str], None], *, rebuild: bool) -> None:
    state = ReindexState.objects.order_by("-pk").first()
    if rebuild:
        say("Rebuilding the search index, as asked …")
        restart = True
    elif state is not None and state.finished_at is None:
        say("A reindex was under way when the backup was made; finishing it …")
        restart = False
    elif connection.vendor == "sqlite" and not _fts_matches_documents():
        say("The search index does not match the search documents; rebuilding it …")
        restart = True
    else:
        say("Search index: restored with the rows it indexes; nothing to rebuild.")
        return
    started = time.monotonic()
    last_line = [started]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_line[0] >= 5 or done >= total:
            last_line[0] = now
            say(f"  {done:,}/{total:,} papers")

    done = reindex(restart=restart, progress=progress)
    say(f"Indexed {done:,} papers in {time.monotonic() - started:.1f} s.")


def _clear_caches(say: Callable[[str], None]) -> None:
    private = False
    for alias in settings.CACHES:
        cache = caches[alias]
        cache.clear()
        private = private or isinstance(cache, LocMemCache)
    say("Cleared the cache.")
    if private:
        say("Each app server keeps its own in-memory cache (no REDIS_URL): restart them.")
