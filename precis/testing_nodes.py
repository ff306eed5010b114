"""Precis app nodes behind nginx on one machine, for test_multinode.py and test_microcache.py.

A Cluster is a throw-away production deployment: a PostgreSQL database of its own
(migrated, with the demo corpus), collected static files, gunicorn nodes and nginx
in front, all children of the test process, all stopped by ``Cluster.stop``. The
nodes share what production nodes share (SECRET_KEY, the database, Redis) and
nothing else: each has a VAR_DIR of its own, so whatever a node keeps on its own
disk the other never sees. nginx runs the config docs/deploy.md recommends, with
paths of its own and a header naming the node that answered; with ``microcache``, also
the guide's micro-cache for signed-out pages, read from the guide itself, and a header
saying whether nginx answered from it.
"""

import contextlib
import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
STARTUP_SECONDS = 60  # a node imports Django and connects; generous for a loaded CI machine
# What a deploy runs before starting the app servers, plus the demo corpus.
SETUP = """
from django.core.management import call_command

call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
"""
# The environment passed on to the nodes; everything else they get is set below.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- HTTP -----------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


def fetch(port, path, *, form=None, cookies=None, forwarded_for="") -> Response:
    """One request to 127.0.0.1:``port`` on a connection of its own: a POST when ``form``."""
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST" if form is not None else "GET", path, body, headers)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def wait_until_serving(port: int, process: subprocess.Popen, log: Path) -> None:
    """Return once ``port`` answers; fail with the server's log if it exits or never does."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.name}: exited with {process.returncode}\n{tail(log)}")
        try:
            fetch(port, "/about/")
            return
        except OSError:
            time.sleep(0.1)  # still importing; nothing to wait on but the port
    raise RuntimeError(f"{log.name}: not serving after {STARTUP_SECONDS} s\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def end(processes: list[tuple[subprocess.Popen | None, int]], timeout_seconds: float = 15) -> None:
    """Send each running process (a group we started) its quit signal, all at once; then
    SIGKILL to whatever is left of each group (workers whose master went first, say)."""
    # Only the running ones: a group that ended before must not be signalled again.
    running = [(process, sig) for process, sig in processes if process and process.poll() is None]
    for process, quit_signal in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, quit_signal)
    deadline = time.monotonic() + timeout_seconds
    for process, _ in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- The deployment ---------------------------------------------------------------


class Node:
    """One app server: a gunicorn master and its workers, in a process group of its own."""

    WORKERS = 2
    THREADS = 4
    # Longer than nginx's keepalive_timeout for upstreams, so that nginx, never gunicorn,
    # closes an idle kept-alive connection and no request is sent down a closing one.
    KEEP_ALIVE_SECONDS = 35
    GRACEFUL_SECONDS = 20  # how long a stopping node finishes the requests it holds

    def __init__(self, name: str, folder: Path, env: dict[str, str]):
        self.name = name
        self.port = free_port()
        self.log = folder / f"gunicorn-{name}.log"
        self.env = {**env, "VAR_DIR": str(folder / f"var-{name}")}
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def launch(self) -> None:
        command = [
            *(sys.executable, "-m", "gunicorn", "precis.wsgi"),
            *("--config", "python:precis.gunicorn_conf"),  # warm-up (precis/warmup.py)
            *("--bind", self.address, "--name", f"precis-node-{self.name}"),
            *("--workers", str(self.WORKERS), "--worker-class", "gthread"),
            *("--threads", str(self.THREADS), "--keep-alive", str(self.KEEP_ALIVE_SECONDS)),
            *("--graceful-timeout", str(self.GRACEFUL_SECONDS)),
            # gunicorn 27 opens ~/.gunicorn/gunicorn.ctl by default: one path per user.
            "--no-control-socket",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )

    def wait_until_serving(self) -> None:
        wait_until_serving(self.port, self.process, self.log)

    def stop(self) -> None:
        """What a deploy does: SIGTERM to the master, which finishes its requests and exits."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=self.GRACEFUL_SECONDS + 10)

    def crash(self) -> None:
        """What a dying machine does: SIGKILL to the master and every worker at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


class Cluster:
    """A database, gunicorn nodes and nginx, set up by ``start`` and torn down by ``stop``."""

    def __init__(
        self,
        folder: Path,
        *,
        database_url: str,
        redis_url: str,
        nodes=("a", "b"),
        microcache: bool = False,
    ):
        self.folder = folder
        self.microcache = microcache
        self.admin_url = urlsplit(database_url)
        self.database_name = f"precis_nodes_{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.env = {name: os.environ[name] for name in INHERITED if name in os.environ}
        self.env.update(
            DJANGO_SETTINGS_MODULE="precis.settings",
            DEBUG="false",
            # One strong key for every node: sessions, CSRF and signed links cross nodes.
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=self.admin_url._replace(path=f"/{self.database_name}").geturl(),
            REDIS_URL=redis_url,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=f"http://127.0.0.1:{self.port}",
            TRUSTED_PROXIES="127.0.0.1",
            # Plain HTTP here; in production nginx terminates TLS and these stay on.
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",
            SECURE_HSTS_SECONDS="0",
            STATIC_ROOT=str(folder / "static"),
            OUTBOUND_HTTP="false",
            # Low, so a test can spend it; the load run comes from many client addresses.
            API_READS_PER_MINUTE="20",
            LOG_LEVEL="WARNING",
        )
        self.nodes = {name: Node(name, folder, self.env) for name in nodes}
        self.nginx: subprocess.Popen | None = None
        self.nginx_log = folder / "nginx" / "error.log"
        self.created_database = False

    def node_at(self, address: str) -> str:
        """The node listening at ``address``, as nginx names it in X-Upstream."""
        return next(node.name for node in self.nodes.values() if node.address == address)

    def start(self) -> None:
        self._postgres(f"CREATE DATABASE {self.database_name}")
        self.created_database = True
        self._set_up_site()
        self.start_stopped_nodes()
        self._start_nginx()

    def start_stopped_nodes(self) -> None:
        stopped = [node for node in self.nodes.values() if not node.running]
        for node in stopped:
            node.launch()
        for node in stopped:
            node.wait_until_serving()

    def stop(self) -> None:
        """Stop everything started, whatever state it is in; safe to call more than once."""
        # The quick shutdowns, nginx's and gunicorn's: nothing is left to finish.
        end(
            [(self.nginx, signal.SIGTERM)]
            + [(node.process, signal.SIGINT) for node in self.nodes.values()]
        )
        if self.created_database:
            self._postgres(f"DROP DATABASE IF EXISTS {self.database_name} WITH (FORCE)")
            self.created_database = False

    def _set_up_site(self) -> None:
        """Migrate, load the demo corpus and collect static files, in one process (Django
        starts once); the immediate task backend indexes the corpus for search, no worker."""
        done = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETUP],
            cwd=ROOT,
            env={
                **self.env,
                "VAR_DIR": str(self.folder / "var-setup"),
                "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"setting the site up failed:\n{done.stderr}{done.stdout}")

    def _postgres(self, sql: str) -> None:
        url = self.admin_url
        with psycopg.connect(
            dbname="postgres",
            host=url.hostname,
            port=url.port,
            user=url.username,
            password=url.password,
            autocommit=True,
        ) as connection:
            connection.execute(sql)

    def _start_nginx(self) -> None:
        prefix = self.folder / "nginx"
        prefix.mkdir()
        config = prefix / "nginx.conf"
        upstreams = [node.address for node in self.nodes.values()]
        config.write_text(nginx_config(prefix, self.port, upstreams, microcache=self.microcache))
        self.nginx = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
            [NGINX, "-p", str(prefix), "-c", str(config), "-e", str(self.nginx_log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_serving(self.port, self.nginx, self.nginx_log)


DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"
MICROCACHE_HTTP_PART = "# Micro-cache, in http {}"
MICROCACHE_SERVER_PART = "# Micro-cache, in server {}"
MICROCACHE_PATH = "/var/cache/nginx/precis"
PLAIN_LOCATION = "location / {\n    proxy_pass http://precis;\n}\n"


def microcache_config(cache_path: Path) -> tuple[str, str]:
    """The guide's micro-cache as (what goes in http {}, what goes in server {}), with its
    pages kept under ``cache_path``: the text docs/deploy.md shows is the text tests run."""
    guide = DEPLOY_GUIDE.read_text(encoding="utf-8")
    blocks = [
        textwrap.dedent(block)
        for _, block in re.findall(r"^( *)```nginx\n(.*?)^\1```", guide, re.M | re.S)
    ]
    found = [block for block in blocks if block.startswith(MICROCACHE_HTTP_PART)]
    if len(found) != 1 or found[0].count(MICROCACHE_SERVER_PART) != 1:
        raise ValueError(
            f"{DEPLOY_GUIDE}: want one nginx block starting {MICROCACHE_HTTP_PART!r}"
            f" with one {MICROCACHE_SERVER_PART!r} line"
        )
    http, server = found[0].split(MICROCACHE_SERVER_PART)
    if MICROCACHE_PATH not in http:
        raise ValueError(f"{DEPLOY_GUIDE}: the micro-cache no longer keeps {MICROCACHE_PATH}")
    http = "\n" + http.strip().replace(MICROCACHE_PATH, str(cache_path)) + "\n"
    return http, MICROCACHE_SERVER_PART + server


def nginx_config(prefix: Path, port: int, upstreams: list[str], *, microcache: bool = False) -> str:
    """The config docs/deploy.md recommends, with the test's own paths, port and nodes;
    with ``microcache``, also the guide's micro-cache for signed-out pages."""
    servers = "\n".join(
        f"        server {address} max_fails=3 fail_timeout=5s;" for address in upstreams
    )
    cache, locations = "", PLAIN_LOCATION
    if microcache:
        cache, locations = microcache_config(prefix / "microcache")
    return f"""\
# --- Test only: a child process (no daemon) with every file under its prefix -----
daemon off;
# Workers as whoever runs the test, who can reach its private folders (the micro-cache
# writes there); nginx ignores this unless it runs as root, and then uses it.
user {pwd.getpwuid(os.geteuid()).pw_name};
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 512;
}}

http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    # --- As docs/deploy.md recommends ---------------------------------------------
    server_tokens off;  # no nginx version in headers and error pages
{textwrap.indent(cache, " " * 4)}
    upstream precis {{
        # Every app node. After 3 failed tries within 5 s a node rests for 5 s, then
        # one request tries it again (and goes on to another node if it fails).
{servers}
        keepalive 16;  # idle connections kept open to the nodes, per nginx worker
        keepalive_timeout 30s;  # shorter than gunicorn's --keep-alive, so nginx closes first
    }}

    server {{
        listen 127.0.0.1:{port};  # production: 443 ssl, with the certificate
        client_max_body_size 3m;  # MAX_REQUEST_BYTES: a bigger body never reaches a node

        proxy_http_version 1.1;  # HTTP/1.1 and no Connection header: keepalive works
        proxy_set_header Connection "";
        proxy_set_header Host $host;  # the public name, checked against ALLOWED_HOSTS
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;  # see TRUSTED_PROXIES
        proxy_set_header X-Forwarded-Proto $scheme;  # https: SECURE_PROXY_SSL_HEADER
        proxy_connect_timeout 2s;  # a node that cannot take a connection in 2 s is down
        proxy_read_timeout 35s;  # longer than gunicorn's --timeout (30 s): it gives up first
        # A node that refused, reset or timed out: the request goes to the next node.
        # Never on an HTTP answer (502 and 503 are the image proxy's and importers' own
        # answers) and never for a POST already sent.
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 2;
        proxy_next_upstream_timeout 10s;

        # Test only: which nodes nginx tried, in order; the last one answered.
        add_header X-Upstream $upstream_addr always;
        # Test only: HIT when the micro-cache answered (also MISS, EXPIRED, BYPASS, ...).
        add_header X-Cache-Status $upstream_cache_status always;

{textwrap.indent(locations, " " * 8)}
        # Each node serves the static files of its own release (WhiteNoise). While a
        # deploy goes round, a page from a new node may ask an old one for a file it has
        # not got: the next node is asked before the reader gets a 404.
        location /static/ {{
            proxy_pass http://precis;
            proxy_next_upstream error timeout http_404;
        }}
    }}
}}
"""


# --- Load -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    phase: str  # what the test was doing when the request was sent
    status: int  # 0: no HTTP answer at all (the connection failed or closed)
    upstreams: tuple[str, ...]  # the nodes nginx tried, in order
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status == 0 or self.status >= 500


class Load:
    """Threads sending GETs through nginx, each on one kept-alive connection, until stopped.

    Every request comes from a client address of its own (X-Forwarded-For, believed
    from a trusted proxy), as a crowd of readers would, so no per-address limit bites.
    """

    def __init__(self, port: int, paths: list[str], *, threads: int = 8):
        self.port = port
        self.paths = paths
        self.phase = "before"
        self.answers: list[Answer] = []
        self.in_flight = 0
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(threads)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stopping.set()
        for thread in self._threads:
            thread.join()

    def set_phase(self, phase: str) -> int:
        """Label the requests sent from now on; returns how many are in flight right now."""
        with self._changed:
            self.phase = phase
            return self.in_flight

    def wait_until(self, condition, *, timeout_seconds: float = 120) -> None:
        """Block until ``condition()`` holds; checked after every answer, with answers still."""
        with self._changed:
            if not self._changed.wait_for(condition, timeout_seconds):
                raise AssertionError(
                    f"load run stuck after {len(self.answers)} answers: {self.answers[-3:]}"
                )

    def _run(self, number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = 0
        while not self._stopping.is_set():
            path = self.paths[(number + sent) % len(self.paths)]
            sent += 1
            address = f"10.{number}.{sent // 256 % 256}.{sent % 256}"
            with self._changed:
                phase = self.phase
                self.in_flight += 1
            try:
                connection.request("GET", path, headers={"X-Forwarded-For": address})
                response = connection.getresponse()
                response.read()
                tried = response.getheader("X-Upstream", "")  # "127.0.0.1:8001, 127.0.0.1:8002"
                upstreams = tuple(part.strip() for part in tried.split(",") if part.strip())
                answer = Answer(phase, response.status, upstreams)
            except (OSError, http.client.HTTPException) as exc:
                answer = Answer(phase, 0, (), f"{path}: {exc!r}")
                connection.close()  # the next request opens a new connection
            with self._changed:
                self.in_flight -= 1
                self.answers.append(answer)
                self._changed.notify_all()
        connection.close()
