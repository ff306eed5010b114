"""manage.py backup and restore, run as an operator runs them, each site on a database of its own.

The suite's engine decides which round trips run: the SQLite pass tests SQLite files,
the PostgreSQL pass (DATABASE_URL=postgres://…) tests PostgreSQL databases. Every
site starts as a copy of one demo database (migrate + load_demo, built once).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from precis.testing import manage, manage_python

ROOT = Path(__file__).resolve().parents[3]
ON_SQLITE = connection.vendor == "sqlite"
ON_POSTGRES = connection.vendor == "postgresql"
sqlite_only = pytest.mark.skipif(not ON_SQLITE, reason="the SQLite pass covers SQLite files")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://…")

# One xdist worker builds the demo database once for the whole module.
pytestmark = pytest.mark.xdist_group("backup")

# Every model's rows by primary key, plus the full-text index itself.
SNAPSHOT = """
import json
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

tables = {}
for model in apps.get_models(include_auto_created=True):
    if not model._meta.proxy and model._meta.managed:
        tables[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        # The full-text index's own terms, read through a vocabulary table made for this.
        cursor.execute("CREATE VIRTUAL TABLE temp.probe_vocab USING fts5vocab(main, search_fts, 'row')")
        cursor.execute("SELECT term, doc, cnt FROM temp.probe_vocab ORDER BY term")
    else:
        cursor.execute("SELECT paper_id, vector::text FROM search_searchdocument ORDER BY 1")
    tables["search index"] = cursor.fetchall()
print(json.dumps(tables, cls=DjangoJSONEncoder))
"""

# The pages a visitor opens and a search for one paper's title.
PROBE = """
import json
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from precis.search.services import search
from precis.summaries.models import Summary

# As in conftest.py: no collectstatic manifest is needed to render pages.
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
settings.STORAGES = {**settings.STORAGES, "staticfiles": static}
summary = Summary.objects.listed().order_by("pk").first()
paper = summary.paper
client = Client()
urls = ["/", paper.get_absolute_url(), summary.get_absolute_url()]
found = search(paper.title, user=AnonymousUser())
print(json.dumps({
    "pages": {url: client.get(url).status_code for url in urls},
    "paper": paper.pk,
    "found": [result.paper.pk for result in found.results],
    "search page": paper.title in client.get("/search", {"q": paper.title}).content.decode(),
}))
"""

# Whether every paper has a search document and is found by its title.
SEARCHABLE = """
import json
from django.contrib.auth.models import AnonymousUser
from precis.papers.models import Paper
from precis.search.models import SearchDocument
from precis.search.services import search

def found(paper):
    return paper.pk in {r.paper.pk for r in search(paper.title, user=AnonymousUser()).results}

papers = list(Paper.objects.order_by("pk"))
print(json.dumps({
    "documents": SearchDocument.objects.count(),
    "papers": len(papers),
    "not found": [paper.pk for paper in papers if not found(paper)],
}))
"""

# A reindex stopped half-way: the later half of the papers not indexed yet.
HALF_INDEXED = """
from precis.papers.models import Paper
from precis.search.models import ReindexState
from precis.search.services import remove_papers

ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
half = len(ids) // 2
remove_papers(ids[half:])
ReindexState.objects.create(last_paper_id=ids[half - 1], papers_done=half)
"""

# After the backup: a paper goes (with its summaries and index entry), another is
# retitled, a user joins.
CHANGE = """
from precis.accounts.models import User
from precis.papers.models import Paper
from precis.search.services import index_papers, remove_papers
from precis.summaries.models import Summary

paper = Summary.objects.listed().order_by("pk").first().paper
remove_papers([paper.pk])
paper.delete()
other = Paper.objects.order_by("pk").last()
other.title = "Retitled after the backup"
other.save()
index_papers([other.pk])
User.objects.create_user("mallory", "mallory@example.org", "changed-after-backup")
"""


# One process sets the demo site up: migrate, load_demo, a backup, and its rows.
DEMO = f"""
import json, os
from django.core.management import call_command

call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo", verbosity=0)
call_command("backup", *json.loads(os.environ["BACKUP_TEST_FILES"]), verbosity=0)
{SNAPSHOT}
"""


class Site:
    """One Precis database of our own, driven through manage.py in child processes."""

    def __init__(self, database_url: str, var_dir: Path):
        self.database_url = database_url
        self.var_dir = var_dir

    @property
    def database_file(self) -> Path:
        return Path(urlsplit(self.database_url).path)

    @property
    def database_name(self) -> str:
        return urlsplit(self.database_url).path.removeprefix("/")

    def environment(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
        env.update(
            DATABASE_URL=self.database_url,
            VAR_DIR=str(self.var_dir),
            ALLOWED_HOSTS="testserver",
            LOG_LEVEL="WARNING",
        )
        return env

    def manage(self, *args: str, stdin: str = "", check: bool = True, env=None):
        environment = {**self.environment(), **(env or {})}
        return manage(*args, env=environment, stdin=stdin, timeout=300, check=check)

    def python(self, code: str, **env: str):
        """Run ``code`` in `manage.py shell`; it prints one JSON value."""
        return manage_python(code, env={**self.environment(), **env}, timeout=300)

    def snapshot(self) -> dict:
        return self.python(SNAPSHOT)

    def probe(self) -> dict:
        return self.python(PROBE)


# --- Sites on SQLite: a file each ---------------------------------------------


def sqlite_site(folder: Path) -> Site:
    folder.mkdir(parents=True, exist_ok=True)
    return Site(f"sqlite:///{folder / 'precis.sqlite3'}", folder)


def integrity(path: Path) -> list[str]:
    """SQLite's own check, read-only: nothing is checkpointed into the file."""
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            return [row[0] for row in db.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]


# --- Sites on PostgreSQL: a database each, created and dropped here --------------


def postgres(sql: str, *, database: str = "postgres") -> None:
    """Run ``sql`` as the suite's own (administrator) user."""
    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=database,
        host=db["HOST"],
        port=db["PORT"] or None,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def database_url(name: str, *, user: str = "", password: str = "") -> str:
    url = urlsplit(os.environ["DATABASE_URL"])
    if user:
        url = url._replace(netloc=f"{user}:{password}@{url.hostname}:{url.port or 5432}")
    return url._replace(path=f"/{name}").geturl()


def database_name(what: str) -> str:
    return f"precis_backup_{what}_{uuid.uuid4().hex[:8]}"


@dataclass
class Demo:
    site: Site
    backup: Path
    rows: dict


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo database every site starts as a copy of, its rows, and a backup of it."""
    folder = tmp_path_factory.mktemp("backup-demo")
    if ON_SQLITE:
        site = sqlite_site(folder)
    else:
        name = database_name("demo")
        postgres(f"CREATE DATABASE {name}")
        site = Site(database_url(name), folder)
    backup = folder / "demo.backup"
    rows = site.python(DEMO, BACKUP_TEST_FILES=json.dumps([str(backup)]))
    yield Demo(site, backup, rows)
    if ON_SQLITE:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def new_site(demo, tmp_path):
    """Makes sites: copies of the demo database, or empty ones; dropped afterwards."""
    databases = []

    def make(*, empty: bool = False, owner: str = "", password: str = "") -> Site:
        folder = tmp_path / f"site-{len(databases)}"
        if ON_SQLITE:
            site = sqlite_site(folder)
            assert not Path(f"{demo.site.database_file}-wal").exists()
            if not empty:
                shutil.copyfile(demo.site.database_file, site.database_file)
            return site
        name = database_name("site")
        template = "" if empty else f" TEMPLATE {demo.site.database_name}"
        postgres(f"CREATE DATABASE {name}{template}" + (f" OWNER {owner}" if owner else ""))
        databases.append(name)
        folder.mkdir()
        return Site(database_url(name, user=owner, password=password), folder)

    yield make
    for name in databases:
        postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def site(new_site) -> Site:
    return new_site()


def backup_path(output: str) -> Path:
    """The file `manage.py backup` reports it wrote."""
    line = next(line for line in output.splitlines() if line.startswith("Wrote and checked "))
    return Path(line.removeprefix("Wrote and checked ").split(" (")[0])


# --- Both engines -------------------------------------------------------------


def test_a_restore_brings_back_every_row_and_the_site_serves_and_finds(site, demo):
    done = site.manage("backup")
    backup = backup_path(done.stdout)
    assert backup.parent == site.var_dir / "backups"
    assert f"({backup.stat().st_size:,} bytes)" in done.stdout
    assert backup.stat().st_mode & 0o777 == 0o600  # password hashes, e-mail addresses

    site.manage("shell", "--no-imports", "-c", CHANGE)
    assert site.snapshot() != demo.rows

    cache.set("precis-backup-test", "from before the restore")
    done = site.manage("restore", str(backup), "--yes")
    assert "Search index: restored with the rows it indexes" in done.stdout
    assert "Cleared the cache." in done.stdout

    assert site.snapshot() == demo.rows
    # The paper CHANGE deleted is back, and search finds it again.
    seen = site.probe()
    assert set(seen["pages"].values()) == {200}
    assert seen["found"][0] == seen["paper"]
    assert seen["search page"]
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        assert cache.get("precis-backup-test") is None  # the cache the site shares


def test_it_asks_before_replacing_the_database_and_takes_only_yes(site, demo):
    site.manage("shell", "--no-imports", "-c", CHANGE)
    changed = site.snapshot()

    for answer in ["", "no\n"]:  # no terminal at all (cron), and a plain no
        done = site.manage("restore", str(demo.backup), stdin=answer, check=False)
        assert done.returncode == 1
        assert "Type 'yes' to continue" in done.stdout
        assert "Restore cancelled; nothing was changed." in done.stderr
    assert site.snapshot() == changed

    done = site.manage("restore", str(demo.backup), stdin="yes\n")
    assert "Restored" in done.stdout


def test_a_reindex_under_way_at_backup_time_is_finished_by_the_restore(site, tmp_path):
    site.manage("shell", "--no-imports", "-c", HALF_INDEXED)
    assert site.python(SEARCHABLE)["not found"]
    backup = tmp_path / "backup"
    site.manage("backup", str(backup))

    done = site.manage("restore", str(backup), "--yes")

    assert "A reindex was under way when the backup was made; finishing it" in done.stdout
    searchable = site.python(SEARCHABLE)
    assert searchable["documents"] == searchable["papers"]
    assert searchable["not found"] == []


# Each file through restore in one process: the messages, or "restored" if one got through.
REFUSALS = """
import json, os
from django.core.management import call_command
from django.core.management.base import CommandError

messages = {}
for path in json.loads(os.environ["BACKUP_TEST_FILES"]):
    try:
        call_command("restore", path, "--yes")
        messages[path] = "restored"
    except CommandError as error:
        messages[path] = str(error)
print(json.dumps(messages))
"""


def test_a_missing_damaged_or_foreign_file_is_refused_clearly_and_changes_nothing(
    site, demo, tmp_path
):
    data = demo.backup.read_bytes()
    (tmp_path / "truncated").write_bytes(data[: len(data) // 2])
    damaged = bytearray(data)
    damaged[len(data) // 2 : len(data) // 2 + 8192] = b"\xab" * 8192
    (tmp_path / "damaged").write_bytes(bytes(damaged))
    (tmp_path / "notes.txt").write_text("Not a backup at all.\n" * 100)
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "plain.sql").write_text("--\n-- PostgreSQL database dump\n--\n")
    if ON_SQLITE:  # a pg_dump archive starts so; no PostgreSQL needed to refuse one
        (tmp_path / "other-engine").write_bytes(b"PGDMP\x01\x0e\x00" + bytes(4096))
        other_engine = "is a PostgreSQL backup, but this site's database is SQLite."
    else:
        with closing(sqlite3.connect(tmp_path / "other-engine")) as other:
            other.execute("CREATE TABLE django_migrations (id integer)")
            other.commit()
        other_engine = "is a SQLite backup, but this site's database is PostgreSQL."
    expected = {
        "missing": "There is no file",
        "truncated": "is damaged",
        "damaged": "is damaged",
        "notes.txt": "is not a backup",
        "empty": "is not a backup",
        "plain.sql": "looks like a plain SQL dump",
        "other-engine": other_engine,
    }
    files = {str(tmp_path / name): name for name in expected}
    site.manage("shell", "--no-imports", "-c", CHANGE)
    before = site.snapshot()

    messages = site.python(REFUSALS, BACKUP_TEST_FILES=json.dumps(list(files)))

    assert set(messages) == set(files)
    for path, message in messages.items():
        assert expected[files[path]] in message, (files[path], message)
    assert site.snapshot() == before


def test_a_tool_that_quotes_damaged_bytes_is_reported_not_crashed_on():
    """pg_restore echoes what it read from a damaged archive, bytes that are no UTF-8;
    the refusal quotes them replaced, instead of failing to decode them."""
    from precis.core import backups

    with pytest.raises(backups.BackupError) as refused:
        backups._run(
            "sh", "-c", "printf 'bad header \\253\\253' >&2; exit 1", failure="x is damaged"
        )
    assert str(refused.value) == "x is damaged: bad header \ufffd\ufffd"


# --- SQLite ----------------------------------------------------------------------


@sqlite_only
def test_a_sqlite_backup_is_one_self_contained_file(site):
    backup = site.var_dir / "copy.sqlite3"
    site.manage("backup", str(backup))

    beside = sorted(path.name for path in site.var_dir.iterdir() if "copy" in path.name)
    assert beside == ["copy.sqlite3"]
    header = backup.read_bytes()[:100]
    assert (header[18], header[19]) == (1, 1)  # rollback journal: opens without a -wal
    assert integrity(backup) == ["ok"]

    done = site.manage("backup", str(site.database_file), check=False)
    assert "is the live database" in done.stderr


def change_then_crash(database: Path) -> None:
    """Changes that reach the file (a VACUUM renumbers its pages), then more left in the
    -wal by a writer that died before any checkpoint, as a killed app server leaves it."""
    code = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute('DELETE FROM summaries_revision')\n"
        "db.commit()\n"
        "db.execute('VACUUM')\n"
        "db.close()\n"  # the last connection out checkpoints the -wal into the file
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute('PRAGMA wal_autocheckpoint=0')\n"
        "db.execute(\"UPDATE papers_paper SET abstract = abstract || ' (crashed)'\")\n"
        "db.execute('DELETE FROM summaries_vote')\n"
        "db.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(database)], check=True)
    assert Path(f"{database}-wal").stat().st_size > 0


@sqlite_only
def test_a_leftover_wal_is_not_replayed_onto_the_restored_database(site, demo, tmp_path):
    change_then_crash(site.database_file)

    # The hazard: the old instructions (copy the backup over the file) replay this -wal.
    copied = tmp_path / "copied" / "precis.sqlite3"
    copied.parent.mkdir()
    shutil.copyfile(demo.backup, copied)
    shutil.copyfile(f"{site.database_file}-wal", f"{copied}-wal")
    assert integrity(copied) != ["ok"]

    site.manage("restore", str(demo.backup), "--yes")

    wal = Path(f"{site.database_file}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert integrity(site.database_file) == ["ok"]
    assert site.snapshot() == demo.rows


@sqlite_only
def test_it_rebuilds_a_full_text_index_that_does_not_match_its_documents(site, tmp_path):
    with closing(sqlite3.connect(site.database_file)) as db:
        # The documents stay; the index forgets them (as a loaddata would leave it).
        db.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        db.commit()
    searchable = site.python(SEARCHABLE)
    assert len(searchable["not found"]) == searchable["papers"]  # search finds nothing
    backup = tmp_path / "backup.sqlite3"
    site.manage("backup", str(backup))

    done = site.manage("restore", str(backup), "--yes")

    assert "The search index does not match the search documents; rebuilding it" in done.stdout
    assert site.python(SEARCHABLE)["not found"] == []


# Answers "what are the titles now?" on its one connection, opened once, for each line in.
READER = """
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for _ in sys.stdin:
    titles = "|".join(row[0] for row in db.execute("SELECT title FROM papers_paper ORDER BY id"))
    print(hashlib.sha256(titles.encode()).hexdigest(), flush=True)
"""


@sqlite_only
def test_a_process_with_the_database_open_sees_the_restored_rows(site, demo):
    """As a worker with a long-lived connection does: it is never handed a stale file."""
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(site.database_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def titles() -> str:
        reader.stdin.write("?\n")
        reader.stdin.flush()
        return reader.stdout.readline().strip()

    try:
        in_the_backup = titles()
        with closing(sqlite3.connect(site.database_file)) as db:
            db.execute("UPDATE papers_paper SET title = 'Changed after the backup'")
            db.commit()
        assert titles() != in_the_backup

        site.manage("restore", str(demo.backup), "--yes")

        assert titles() == in_the_backup
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    assert site.snapshot() == demo.rows


@sqlite_only
@pytest.mark.parametrize("damage", ["missing", "not a database", "copied over a leftover wal"])
def test_it_restores_over_a_missing_or_broken_database_file(site, demo, damage):
    change_then_crash(site.database_file)
    if damage == "missing":
        site.database_file.unlink()
    elif damage == "not a database":
        site.database_file.write_bytes(b"overwritten by mistake\n" * 1000)
    else:
        shutil.copyfile(demo.backup, site.database_file)
        assert integrity(site.database_file) != ["ok"]

    site.manage("restore", str(demo.backup), "--yes")

    assert integrity(site.database_file) == ["ok"]
    assert site.snapshot() == demo.rows


# --- PostgreSQL ---------------------------------------------------------------------


@postgres_only
def test_a_backup_restores_into_an_empty_database(new_site, demo):
    empty = new_site(empty=True)

    empty.manage("restore", str(demo.backup), "--yes")

    assert empty.snapshot() == demo.rows
    seen = empty.probe()
    assert set(seen["pages"].values()) == {200}
    assert seen["found"][0] == seen["paper"]


@postgres_only
def test_a_database_owner_who_is_not_a_superuser_can_restore(new_site, demo):
    """An administrator made the extension: pg_restore --clean alone would try to drop it."""
    role = database_name("role")
    postgres(f"CREATE ROLE {role} LOGIN PASSWORD 'restore-test'")
    owned = None
    try:
        owned = new_site(empty=True, owner=role, password="restore-test")
        postgres("CREATE EXTENSION pg_trgm", database=owned.database_name)

        owned.manage("restore", str(demo.backup), "--yes")  # into an empty database
        owned.manage("shell", "--no-imports", "-c", CHANGE)
        owned.manage("restore", str(demo.backup), "--yes")  # over its own tables

        assert owned.snapshot() == demo.rows
    finally:
        if owned is not None:  # the role owns it, so it goes first
            postgres(f"DROP DATABASE IF EXISTS {owned.database_name} WITH (FORCE)")
        postgres(f"DROP ROLE IF EXISTS {role}")
