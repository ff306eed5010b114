"""Read replicas: the router's choices, the pin cookie, the settings, and a real replica.

The first part needs no replica server: "replica1" is a second connection to the test
database (a copy that never lags) or a connection to a server that is not there. The
last part makes a PostgreSQL primary of its own and a streaming replica of it with
pg_basebackup, serves the site from them with gunicorn, and reads it over HTTP while
the replica lags and after it has gone; it runs on the PostgreSQL pass only.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core import signing
from django.db import connection, connections
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from precis.collections.models import Collection
from precis.core import replicas
from precis.core.replicas import (
    DOWN_SECONDS,
    LAG_CHECK_SECONDS,
    PIN_COOKIE,
    PIN_SALT,
    ReplicaMiddleware,
    ReplicaRouter,
    recently_wrote,
    replica_reads,
)
from precis.papers.models import Paper
from precis.testing import manage_python

ROOT = Path(__file__).resolve().parents[3]
ON_POSTGRES = connection.vendor == "postgresql"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
REPLICA_MIDDLEWARE = "precis.core.replicas.ReplicaMiddleware"
router = ReplicaRouter()


@pytest.fixture(autouse=True)
def _forget_replica_health():
    """Each test starts with every replica healthy and no lag measured."""
    replicas._down_until.clear()
    replicas._lag.clear()
    yield
    replicas._down_until.clear()
    replicas._lag.clear()


@pytest.fixture
def clock(monkeypatch):
    """The replica module's monotonic clock, moved on by hand: ``clock.now += 5``."""

    class Clock:
        now = 1000.0

    monkeypatch.setattr(replicas, "monotonic", lambda: Clock.now)
    return Clock


@pytest.fixture
def connect_replica(settings, django_db_setup, django_db_blocker):
    """Makes "replica1" from the test database's settings with ``changes``.

    The site routes and pins as configured with a replica. Tests using it only read,
    outside any transaction, as a request in production does.
    """
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.DATABASE_ROUTERS = ["precis.core.replicas.ReplicaRouter"]
    settings.PAGE_CACHE_SECONDS = 0  # every page from the database, none from the page cache
    after_auth = settings.MIDDLEWARE.index(AUTH_MIDDLEWARE) + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:after_auth],
        REPLICA_MIDDLEWARE,
        *settings.MIDDLEWARE[after_auth:],
    ]
    made = []

    def connect(**changes):
        primary = connections["default"]
        replica = type(primary)({**primary.settings_dict, **changes}, alias="replica1")
        connections["replica1"] = replica
        made.append(replica)
        return replica

    with django_db_blocker.unblock():
        yield connect
        for replica in made:
            replica.close()
        if made:
            del connections["replica1"]


@pytest.fixture
def replica(connect_replica):
    """A replica that answers and holds exactly the primary's rows."""
    return connect_replica()


@pytest.fixture
def unreachable_replica(connect_replica):
    """A replica whose server is not there: a closed port, or a file in a missing folder."""
    if ON_POSTGRES:
        return connect_replica(HOST="127.0.0.1", PORT=free_port())
    return connect_replica(NAME="/nonexistent/precis-replica/replica.sqlite3")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pin_cookie(age_seconds: int) -> str:
    """The pin cookie's value as the site would have set it ``age_seconds`` ago."""
    signer = signing.get_cookie_signer(salt=PIN_COOKIE + PIN_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - age_seconds)
    return signer.sign("1")


# --- The router's choices -----------------------------------------------------


def test_outside_a_request_every_read_goes_to_the_primary(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    assert router.db_for_read(Paper) == "default"
    assert router.db_for_write(Paper) == "default"


def test_a_request_reads_the_replica_until_its_first_write(settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica1"]
    monkeypatch.setattr(replicas, "is_usable", lambda alias: True)
    with replica_reads() as scope:
        assert router.db_for_read(Paper) == "replica1"
        assert router.db_for_write(Paper) == "default"
        assert router.db_for_read(Paper) == "default"  # it reads what it wrote
    assert scope.wrote
    with replica_reads(pinned=True):
        assert router.db_for_read(Paper) == "default"


def test_inside_a_transaction_reads_go_to_the_primary(db, settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica1"]
    monkeypatch.setattr(replicas, "is_usable", lambda alias: True)
    # pytest-django runs this test inside a transaction on the primary.
    with replica_reads():
        assert router.db_for_read(Paper) == "default"


def test_rows_of_the_primary_and_a_replica_may_be_related_and_only_the_primary_migrates(
    settings,
):
    settings.DATABASE_REPLICAS = ["replica1"]
    paper, collection, elsewhere = Paper(), Collection(), Collection()
    paper._state.db, collection._state.db, elsewhere._state.db = "default", "replica1", "archive"
    assert router.allow_relation(paper, collection) is True
    assert router.allow_relation(paper, elsewhere) is None
    assert router.allow_migrate("replica1", "papers") is False
    assert router.allow_migrate("default", "papers") is None


def test_a_safe_request_reads_only_the_replica(replica, client):
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/")
    assert response.status_code == 200
    assert on_replica.captured_queries
    assert not on_primary.captured_queries
    assert response.wsgi_request.read_replica == "replica1"  # for the page cache around it
    assert PIN_COOKIE not in response.cookies


def test_after_a_write_its_person_reads_the_primary(replica, client):
    response = client.post("/")  # any unsafe request counts as a write
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get("/")
    assert page.status_code == 200
    assert not on_replica.captured_queries
    assert on_primary.captured_queries
    assert page.wsgi_request.read_replica is None


@pytest.mark.parametrize("write", ["saves a row", "changes its session"])
def test_a_safe_request_that_wrote_pins_its_person(rf, settings, write):
    settings.DATABASE_REPLICAS = ["replica1"]

    def view(request):
        if write == "saves a row":
            router.db_for_write(Paper)
        else:
            request.session["seen"] = True
        return HttpResponse()

    request = rf.get("/")
    request.session = SessionStore()
    response = ReplicaMiddleware(view)(request)
    assert PIN_COOKIE in response.cookies


@pytest.mark.parametrize(
    ("cookie", "pinned"),
    [
        (lambda: pin_cookie(0), True),
        (lambda: pin_cookie(9), True),
        (lambda: pin_cookie(11), False),  # REPLICA_PIN_SECONDS has passed
        (lambda: "1", False),  # not signed
        (lambda: pin_cookie(0)[:-2] + "xx", False),  # signed by someone else
    ],
    ids=["just now", "9 s ago", "11 s ago", "unsigned", "forged"],
)
def test_the_pin_lasts_replica_pin_seconds_and_cannot_be_forged(rf, settings, cookie, pinned):
    settings.REPLICA_PIN_SECONDS = 10
    request = rf.get("/")
    request.COOKIES[PIN_COOKIE] = cookie()
    assert recently_wrote(request) is pinned
    settings.REPLICA_PIN_SECONDS = 0
    assert not recently_wrote(request)


# --- A replica that fails or lags ---------------------------------------------


def test_an_unreachable_replica_is_left_alone_for_a_while_then_tried_again(
    unreachable_replica, client, clock, monkeypatch, caplog
):
    checked = []
    is_usable = replicas.is_usable
    monkeypatch.setattr(
        replicas, "is_usable", lambda alias: checked.append(alias) or is_usable(alias)
    )

    assert client.get("/").status_code == 200
    assert checked == ["replica1"]
    assert "Replica 'replica1' failed" in caplog.text

    clock.now += DOWN_SECONDS - 1
    assert client.get("/").status_code == 200
    assert checked == ["replica1"]

    clock.now += 2
    with replica_reads():
        assert router.db_for_read(Paper) == "default"
    assert checked == ["replica1", "replica1"]


def test_a_replica_that_fails_in_the_middle_of_a_page_is_answered_from_the_primary(
    unreachable_replica, client, monkeypatch, caplog
):
    # It passed the check at the request's first read, then went away.
    monkeypatch.setattr(replicas, "is_usable", lambda alias: True)

    response = client.get("/")

    assert response.status_code == 200
    assert response.wsgi_request.read_replica is None
    assert "Replica 'replica1' failed" in caplog.text
    with replica_reads():
        assert router.db_for_read(Paper) == "default"  # and is left alone for a while


def test_a_replica_too_far_behind_is_skipped_and_its_lag_measured_only_now_and_then(
    replica, settings, clock, monkeypatch
):
    settings.REPLICA_MAX_LAG_SECONDS = 5
    lags = [30.0, 0.0]
    monkeypatch.setattr(replicas, "lag_seconds", lambda alias: lags.pop(0))

    with replica_reads():
        assert router.db_for_read(Paper) == "default"
    clock.now += LAG_CHECK_SECONDS - 1
    with replica_reads():
        assert router.db_for_read(Paper) == "default"
    assert lags == [0.0]  # measured once

    clock.now += 1
    with replica_reads():
        assert router.db_for_read(Paper) == "replica1"
    assert lags == []


# --- Settings -----------------------------------------------------------------

SETTINGS = """
import json
from precis import settings
print(json.dumps({
    "databases": settings.DATABASES,
    "replicas": settings.DATABASE_REPLICAS,
    "routers": getattr(settings, "DATABASE_ROUTERS", []),
    "middleware": settings.MIDDLEWARE,
}, default=str))
"""


def read_settings(tmp_path, **environment) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process, as a server would, with ``environment``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REPLICA_"))
    }
    return subprocess.run(
        [sys.executable, "-c", SETTINGS],
        cwd=ROOT,
        env={**inherited, "VAR_DIR": str(tmp_path), **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_replica_urls_add_a_database_each_the_router_and_the_middleware(tmp_path):
    done = read_settings(
        tmp_path,
        DATABASE_URL="postgres://precis@primary.internal/precis",
        DATABASE_REPLICA_URLS="postgres://precis@replica-a.internal/precis, "
        "postgres://precis@replica-b.internal:6432/precis?connect_timeout=10",
        REPLICA_PIN_SECONDS="5",
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["replicas"] == ["replica1", "replica2"]
    first, second = seen["databases"]["replica1"], seen["databases"]["replica2"]
    assert (first["HOST"], second["HOST"], second["PORT"]) == (
        "replica-a.internal",
        "replica-b.internal",
        6432,
    )
    assert first["TEST"] == {"MIRROR": "default"}
    engines = {alias: database["ENGINE"] for alias, database in seen["databases"].items()}
    assert set(engines.values()) == {"precis.core.postgresql"}, engines
    assert (first["OPTIONS"]["connect_timeout"], second["OPTIONS"]["connect_timeout"]) == (3, 10)
    assert seen["routers"] == ["precis.core.replicas.ReplicaRouter"]
    middleware = seen["middleware"]
    assert middleware.index(REPLICA_MIDDLEWARE) == middleware.index(AUTH_MIDDLEWARE) + 1


def test_without_replica_urls_nothing_is_routed(tmp_path):
    done = read_settings(tmp_path, DATABASE_URL="postgres://precis@primary.internal/precis")
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert list(seen["databases"]) == ["default"]
    assert seen["routers"] == []
    assert REPLICA_MIDDLEWARE not in seen["middleware"]


def test_replicas_of_a_sqlite_database_are_refused(tmp_path):
    done = read_settings(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'precis.sqlite3'}",
        DATABASE_REPLICA_URLS="postgres://precis@replica-a.internal/precis",
    )
    assert done.returncode != 0
    assert "Read replicas need PostgreSQL" in done.stderr


# --- A real streaming replica -------------------------------------------------


def server_binaries() -> Path | None:
    """The newest PostgreSQL server binaries that can make and run a replica, if any."""
    folders = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    for folder in reversed(folders):
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return folder
    return None


BIN = server_binaries()


def needs_real_replica(test):
    """Only on the PostgreSQL pass, with server binaries at hand, one worker for all."""
    marks = [
        pytest.mark.skipif(
            not ON_POSTGRES, reason="a real replica needs DATABASE_URL=postgres://…"
        ),
        pytest.mark.skipif(
            BIN is None,
            reason="PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl, "
            "pg_basebackup) are not installed",
        ),
        pytest.mark.xdist_group("replicas"),
    ]
    for mark in marks:
        test = mark(test)
    return test


DATABASE = "precis_replica"


def as_postgres(*command: str) -> None:
    """Run a server tool, as the postgres OS user when we are root (PostgreSQL refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    done = subprocess.run(
        [*prefix, *command], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}{done.stderr}"


@dataclass
class Cluster:
    """A PostgreSQL server of the test's own, on 127.0.0.1 with trust authentication."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        log = self.data.parent / f"{self.data.name}.log"
        as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "start")

    def stop(self) -> None:
        as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def query(self, sql: str, params=(), *, database: str = DATABASE) -> list[tuple]:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as db:
            cursor = db.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def until(self, sql: str, params=(), *, seconds: float = 15) -> None:
        """Wait until ``sql`` answers true."""
        deadline = time.monotonic() + seconds
        while not self.query(sql, params)[0][0]:
            assert time.monotonic() < deadline, f"timed out waiting for: {sql}"
            time.sleep(0.05)


PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{folder}'
port = {port}
wal_level = replica
max_wal_senders = 4
fsync = off
full_page_writes = off
"""
HBA_CONF = """
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


@pytest.fixture(scope="module")
def clusters():
    """A primary of our own and a streaming replica of it; stopped and removed afterwards."""
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("as root, the clusters need a postgres OS user to run them")
    folder = Path(tempfile.mkdtemp(prefix="precis-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    primary = Cluster(folder / "primary", free_port())
    replica = Cluster(folder / "replica", free_port())
    started = []
    try:
        as_postgres(
            str(BIN / "initdb"), "-D", str(primary.data), "-U", "postgres", "-A", "trust", "-N"
        )
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write(PRIMARY_CONF.format(folder=folder, port=primary.port))
        (primary.data / "pg_hba.conf").write_text(HBA_CONF)
        primary.start()
        started.append(primary)
        as_postgres(
            str(BIN / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
        )
        with (replica.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {replica.port}\n")
        replica.start()
        started.append(replica)
        primary.query(f"CREATE DATABASE {DATABASE}", database="postgres")
        yield primary, replica
    finally:
        for cluster in reversed(started):
            with suppress(AssertionError):  # already stopped
                cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


# The primary's starting rows: alice, signed in (her session's key), and a public list.
SETUP = """
import json
from django.core.management import call_command
from django.test import Client

call_command("migrate", interactive=False, verbosity=0)
from precis.accounts.tests.factories import UserFactory
from precis.collections.services import create_collection

alice = UserFactory(username="alice")
listed = create_collection(owner=alice, title="Papers read twice", visibility="public")
client = Client()
client.force_login(alice)
print(json.dumps({"session": client.cookies["sessionid"].value, "collection": listed.pk}))
"""

# The WSGI app as the test client sees it: pages render without a collectstatic manifest.
WSGI = """
from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
settings.STORAGES = {**settings.STORAGES, "staticfiles": static}
"""

# A stranger's request in a process that skips replicas more than a second behind.
LAG_PROBE = """
import json, os
from django.conf import settings
from django.test import Client
from precis.core.replicas import lag_seconds

static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
settings.STORAGES = {**settings.STORAGES, "staticfiles": static}
page = Client().get(os.environ["PROBE_URL"], follow=True)
print(json.dumps({"lag": lag_seconds("replica1"), "page": page.content.decode()}))
"""


@dataclass
class Site:
    primary: Cluster
    replica: Cluster
    url: str
    log: Path
    environment: dict
    session: str
    collection: int

    def python(self, code: str, **environment: str):
        return manage_python(code, env={**self.environment, **environment})

    def pause_replay(self) -> None:
        """Hold the replica's replay: from now on it lags behind every write."""
        self.replica.query("SELECT pg_wal_replay_pause()")
        self.replica.until("SELECT pg_get_wal_replay_pause_state() = 'paused'")

    def catch_up(self) -> None:
        if self.replica.query("SELECT pg_is_wal_replay_paused()")[0][0]:
            self.replica.query("SELECT pg_wal_replay_resume()")
        [(position,)] = self.primary.query("SELECT pg_current_wal_lsn()::text")
        self.replica.until("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])


def environment(folder: Path, primary: Cluster) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REPLICA_", "REDIS_URL", "DJANGO_SETTINGS"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "precis.settings",
        "DATABASE_URL": primary.url,
        "VAR_DIR": str(folder),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "LOG_LEVEL": "WARNING",
        # These tests are about where the database reads go: no page from the page cache.
        "PAGE_CACHE_SECONDS": "0",
    }


@pytest.fixture(scope="module")
def replicated_site(clusters, tmp_path_factory):
    """The site migrated on the primary and served by gunicorn, reading from the replica."""
    primary, replica = clusters
    folder = tmp_path_factory.mktemp("replica-site")
    rows = manage_python(SETUP, env=environment(folder, primary))
    (folder / "replica_site.py").write_text(WSGI)
    env = {**environment(folder, primary), "DATABASE_REPLICA_URLS": replica.url}
    port = free_port()
    log = folder / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"),
                *("--workers", "1", "--no-control-socket", "--pythonpath", str(folder)),
                "replica_site:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    site = Site(primary, replica, f"http://127.0.0.1:{port}", log, env, **rows)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                httpx.get(f"{site.url}/robots.txt")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def site(replicated_site):
    """The site with its replica caught up, and again afterwards."""
    replicated_site.catch_up()
    yield replicated_site
    replicated_site.catch_up()


@needs_real_replica
def test_strangers_read_the_replica_while_a_writer_reads_their_own_writes(site):
    stranger = httpx.Client(base_url=site.url, follow_redirects=True)
    listed = f"/collections/{site.collection}/"

    # Replay paused: a change on the primary does not reach strangers, who read the replica.
    site.pause_replay()
    site.primary.query(
        "UPDATE collections_collection SET title = 'Retitled on the primary' WHERE id = %s",
        [site.collection],
    )
    page = stranger.get(listed)
    assert page.status_code == 200
    assert "Papers read twice" in page.text
    assert "Retitled on the primary" not in page.text

    # Alice writes a new list; her next pages come from the primary, so she sees it.
    alice = httpx.Client(base_url=site.url, cookies={"sessionid": site.session})
    assert alice.get("/collections/new").status_code == 200  # her session, from the replica
    created = alice.post(
        "/collections/new",
        data={
            "csrfmiddlewaretoken": alice.cookies["csrftoken"],
            "title": "Written while the replica lags",
            "visibility": "public",
        },
    )
    assert created.status_code == 302, created.text
    assert PIN_COOKIE in created.cookies
    new = created.headers["location"].removesuffix("edit")
    own = alice.get(new, follow_redirects=True)
    assert own.status_code == 200
    assert "Written while the replica lags" in own.text
    assert "Retitled on the primary" in alice.get(listed, follow_redirects=True).text
    # A stranger, reading the replica, does not have it yet.
    assert stranger.get(new).status_code == 404

    # A process that skips replicas more than a second behind reads the primary.
    probe = site.python(LAG_PROBE, REPLICA_MAX_LAG_SECONDS="1", PROBE_URL=listed)
    assert probe["lag"] > 1
    assert "Retitled on the primary" in probe["page"]


@needs_real_replica
def test_pages_answer_from_the_primary_once_the_replica_has_gone(site):
    stranger = httpx.Client(base_url=site.url, follow_redirects=True)
    listed = f"/collections/{site.collection}/"
    assert stranger.get(listed).status_code == 200  # the server keeps its replica connection

    site.pause_replay()  # so that what the primary answers differs from the replica
    site.primary.query(
        "UPDATE collections_collection SET title = 'Retitled as the replica went' WHERE id = %s",
        [site.collection],
    )
    site.replica.stop()
    try:
        pages = [stranger.get(url) for url in ["/", listed, "/users/", "/search?q=read"]]
        assert [page.status_code for page in pages] == [200, 200, 200, 200]
        assert "Retitled as the replica went" in pages[1].text
        assert "Replica 'replica1' failed" in site.log.read_text()
    finally:
        site.replica.start()
