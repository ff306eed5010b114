"""Every page a reader sees against Django "hello world" on the same gunicorn, in one run.

Builds (or, with --keep, reuses) the corpus of bench/search_bench.py: 100,000 papers,
20,000 public summaries and 5,000 writers. Starts gunicorn twice with the same
worker settings, once for Precis and once for bench/hello.py, and loads them with
wrk at a fixed number of connections in interleaved rounds: hello world, then each
page, round after round. Each page's ratio is taken against the hello world of its
own round, so a busy machine slows both alike. Pages with many instances (papers,
summaries, profiles, searches) cycle through a few hundred distinct URLs.

It runs Precis twice: as configured (anonymous pages cached, signed-in readers served
from shared copies with their holes filled in) and with the page cache off
(PAGE_CACHE_SECONDS=0), which is what a page costs on a cache miss. With
--compare-shared, the first run also loads, in the same rounds, a second Precis with
signed-in readers' shared copies off (SHARED_READER_PAGES=false): before and after.
--signed-in-only loads only the signed-in pages.

    .venv/bin/python bench/pages_bench.py [--db sqlite|postgres] [--keep DIR] [--rounds 3]

Last, it loads every signed-out page at 200 connections for 60 s through nginx with
keep-alive in front of gthread workers (skipped without nginx).

Needs wrk (Debian: apt-get install wrk) and, for the last part, nginx. wrk is written in C and uses one thread
here; the hello-world line shows how far above Precis's rates it can drive a server.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from scratch import fresh_postgres  # noqa: E402  (bench/ is the script's folder)

VARIANTS_PER_PAGE = 200
ANONYMOUS_PAGES = (
    "home (popular)",
    "home (recent)",
    "home (best)",
    "paper",
    "summary",
    "venue",
    "venue-year",
    "profile",
    "search",
    "topic",
    "feed (site)",
    "feed (paper)",
)
SIGNED_IN_PAGES = (
    "home (popular)",
    "home (recent)",
    "home (best)",
    "paper",
    "summary",
    "venue",
    "venue-year",
    "profile",
    "search",
    "topic",
)


def prepare(scratch: Path, papers: int, summaries: int, writers: int) -> None:
    """Build the corpus once and write the URLs to load (targets.json) into scratch."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from search_bench import build_corpus, queries

    from precis.accounts.models import User
    from precis.papers.models import Venue
    from precis.search import services as search
    from precis.summaries.models import Summary

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Summary.objects.exists():
        started = time.perf_counter()
        build_corpus(papers, summaries, writers=writers)
        search.reindex(restart=True)
        print(f"corpus built and indexed in {time.perf_counter() - started:.0f} s", flush=True)
    call_command("analyze", verbosity=0)
    connection.close()

    sample = list(
        Summary.objects.listed().select_related("paper", "author").order_by("?")[:VARIANTS_PER_PAGE]
    )
    venue = Venue.objects.get(key="icml")
    years = sorted({s.paper.year for s in sample if s.paper.year})
    pages = {
        "home (popular)": ["/"],
        "home (recent)": ["/?tab=recent"],
        "home (best)": ["/?tab=best"],
        "paper": [s.paper.get_absolute_url() for s in sample],
        "summary": [s.get_absolute_url() for s in sample],
        "venue": [f"/venues/{v.key}/" for v in Venue.objects.all()],
        "venue-year": [f"/venues/{venue.key}/{year}/" for year in years],
        "profile": [s.author.get_absolute_url() for s in sample],
        "search": [
            "/search?" + urllib.parse.urlencode({"q": q}) for q in queries(VARIANTS_PER_PAGE)
        ],
        "topic": [
            f"/topics/{urllib.parse.quote(name)}/"
            for name in dict.fromkeys(
                name for s in sample for name in [*s.paper.categories, *s.paper.keywords]
            )
        ],
        "feed (site)": ["/feeds/summaries.atom"],
        "feed (paper)": [f"/feeds/papers/{s.paper_id}.atom" for s in sample],
    }
    reader = User.objects.create_user(f"reader{time.time_ns()}", "reader@example.org", "x")
    client = Client()
    client.force_login(reader)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    (scratch / "targets.json").write_text(json.dumps({"pages": pages, "cookie": cookie}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    app: str, env: dict, args, *, chdir: Path = ROOT, extra: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        app,
        "--chdir",
        str(chdir),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
        *extra,
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(server, base)
    return server, base


def wait_until_serving(server: subprocess.Popen, base: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()  # noqa: S310 (http://127.0.0.1)
            return
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit(f"{server.args[0]} did not start serving {base}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def lua_script(folder: Path, name: str, paths: list[str], cookie: str = "") -> Path:
    """A wrk script that cycles through ``paths`` (and sends a session cookie if given)."""
    script = folder / (re.sub(r"\W+", "_", name) + ("_in" if cookie else "") + ".lua")
    quoted = ", ".join(json.dumps(p) for p in paths)
    lines = [f"local paths = {{{quoted}}}", "local n = 0"]
    if cookie:
        lines.append(f"wrk.headers['Cookie'] = {json.dumps(cookie)}")
    lines += [
        "request = function()",
        "  n = n + 1",
        "  return wrk.format('GET', paths[(n % #paths) + 1])",
        "end",
    ]
    script.write_text("\n".join(lines) + "\n")
    return script


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load(base: str, script: Path | None, args) -> dict:
    """One wrk run: requests/s, p50 and p99 in ms, and failed requests."""
    command = [
        "wrk",
        "-t1",
        f"-c{args.connections}",
        f"-d{args.seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, base + "/"], capture_output=True, text=True, check=True)
    text = output.stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
        return float(value) * UNITS[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "failed": errors + (int(bad.group(1)) if bad else 0),
    }


def warm(base: str, paths: list[str], cookie: str = "") -> None:
    for path in paths:
        headers = {"Cookie": cookie} if cookie else {}
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
        try:
            urllib.request.urlopen(request, timeout=60).read()  # noqa: S310
        except urllib.error.HTTPError as error:
            raise SystemExit(
                f"{path} answered {error.code}; the benchmark needs every page"
            ) from error


def measure(label: str, env: dict, targets: dict, scratch: Path, args, *, without=None) -> None:
    """Hello world and every page, round after round; ``without``: a second Precis with
    these settings loaded with the signed-in pages in the same rounds."""
    hello, hello_base = start_gunicorn("hello:application", env, args, chdir=BENCH)
    precis, base = start_gunicorn("precis.wsgi", env, args)
    servers = [precis]
    try:
        plan = []
        if not args.signed_in_only:
            plan += [(name, "", base, "") for name in ANONYMOUS_PAGES]
        plan += [(name, targets["cookie"], base, "") for name in SIGNED_IN_PAGES]
        if without:
            other, other_base = start_gunicorn("precis.wsgi", {**env, **without}, args)
            servers.append(other)
            suffix = ", " + " ".join(f"{k}={v}" for k, v in without.items())
            plan += [(name, targets["cookie"], other_base, suffix) for name in SIGNED_IN_PAGES]

        def paths_of(name: str, cookie: str) -> list[str]:
            return targets["pages"][name][: args.signed_in_variants if cookie else None]

        for name, cookie, server, _ in plan:
            warm(server, paths_of(name, cookie), cookie)
        rows: dict[str, list[tuple[dict, float]]] = {}
        hello_runs = []
        for _ in range(args.rounds):
            ceiling = load(hello_base, None, args)
            hello_runs.append((ceiling, 1.0))
            for name, cookie, server, suffix in plan:
                if server == base:
                    # Copies last PAGE_CACHE_SECONDS; on a busy machine a round can take longer.
                    warm(server, paths_of(name, cookie), cookie)
                script = lua_script(scratch, name, paths_of(name, cookie), cookie)
                result = load(server, script, args)
                key = name + (", signed in" if cookie else "") + suffix
                rows.setdefault(key, []).append((result, result["rps"] / ceiling["rps"]))
    finally:
        for server in servers:
            stop(server)
        stop(hello)

    print(f"\n{label}: {args.workers} {args.worker_class} workers x {args.threads} threads, "
          f"{args.connections} connections, {args.rounds} rounds of {args.seconds} s "
          f"(medians over rounds)")  # fmt: skip
    width = max(26, *(len(key) for key in rows))
    print(
        f"{'page':{width}} {'req/s':>8} {'of hello':>8} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}"
    )
    for key, runs in [("hello world", hello_runs), *rows.items()]:
        print(
            f"{key:{width}} {statistics.median(r['rps'] for r, _ in runs):8.0f} "
            f"{statistics.median(ratio for _, ratio in runs):8.1%} "
            f"{statistics.median(r['p50'] for r, _ in runs):7.1f} "
            f"{statistics.median(r['p99'] for r, _ in runs):7.1f} "
            f"{sum(r['failed'] for r, _ in runs):6d}",
            flush=True,
        )


def start_nginx(
    prefix: Path, upstream: str, *, microcache: bool = False
) -> tuple[subprocess.Popen, str]:
    """nginx with keep-alive in front of ``upstream`` (host:port), configured as
    precis/testing_nodes.py and docs/deploy.md configure it; with ``microcache``, with
    the guide's few seconds of signed-out pages too."""
    from precis.testing_nodes import nginx_config

    prefix.mkdir(exist_ok=True)
    port = free_port()
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(prefix, port, [upstream], microcache=microcache))
    nginx = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")],
        start_new_session=True,
    )  # fmt: skip
    front = f"http://127.0.0.1:{port}"
    wait_until_serving(nginx, front)
    return nginx, front


def signed_out_paths(targets: dict) -> list[str]:
    return [path for name in ANONYMOUS_PAGES for path in targets["pages"][name]]


def proxy_load(env: dict, targets: dict, scratch: Path, args) -> None:
    """Many connections for a long while through nginx with keep-alive, every public page."""
    gthread = argparse.Namespace(**{**vars(args), "worker_class": "gthread", "threads": 4})
    precis, base = start_gunicorn("precis.wsgi", env, gthread)
    try:
        nginx, front = start_nginx(scratch / "nginx", base.removeprefix("http://"))
    except BaseException:
        stop(precis)
        raise
    try:
        paths = signed_out_paths(targets)
        warm(front, paths)
        script = lua_script(scratch, "every page", paths)
        loaded = argparse.Namespace(
            **{**vars(args), "connections": args.proxy_connections, "seconds": args.proxy_seconds}
        )
        result = load(front, script, loaded)
    finally:
        stop(nginx)
        stop(precis)
    print(f"\nThrough nginx (keep-alive), {args.workers} gthread workers x 4 threads, "
          f"{args.proxy_connections} connections for {args.proxy_seconds} s, "
          f"{len(paths)} signed-out URLs: {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, "
          f"p99 {result['p99']:.1f} ms, failed {result['failed']}", flush=True)  # fmt: skip


def build_corpus(scratch: Path, env: dict, papers: int, summaries: int, writers: int) -> dict:
    """Build the corpus in ``scratch`` (or reuse the one kept there) and return its targets."""
    subprocess.run(
        [sys.executable, str(BENCH / "pages_bench.py"), "--prepare", str(scratch),
         "--papers", str(papers), "--summaries", str(summaries), "--writers", str(writers)],
        env=env, check=True,
    )  # fmt: skip
    return json.loads((scratch / "targets.json").read_text())


def precis_env(scratch: Path, database_url: str, redis_url: str = "") -> dict:
    """The environment Precis runs under on the corpus kept in ``scratch``."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "precis.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "pages-bench-" + "k7Qx" * 12,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": str(scratch / "static"),
        "VAR_DIR": str(scratch / "var"),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": f"{ROOT}:{BENCH}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/precis_pages_bench")
    parser.add_argument("--redis-url", default="", help="REDIS_URL for Precis (default: none)")
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--summaries", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--only",
        choices=["cached", "uncached"],
        help="Run one of the two configurations (default: both)",
    )
    parser.add_argument(
        "--keep", type=Path, help="Keep the database in this folder and reuse it next time"
    )
    parser.add_argument(
        "--proxy-seconds",
        type=int,
        default=60,
        help="Then load every signed-out page through nginx for this long (0: skip)",
    )
    parser.add_argument("--proxy-connections", type=int, default=200)
    parser.add_argument(
        "--compare-shared",
        action="store_true",
        help="Also load signed-in pages with SHARED_READER_PAGES=false in the same rounds",
    )
    parser.add_argument("--signed-in-only", action="store_true", help="Load only signed-in pages")
    parser.add_argument(
        "--signed-in-variants",
        type=int,
        default=VARIANTS_PER_PAGE,
        help="How many of each page's URLs the signed-in reader cycles through",
    )
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.papers, args.summaries, args.writers)
        return
    if not shutil.which("wrk"):
        raise SystemExit("pages_bench needs wrk: apt-get install wrk")

    scratch = args.keep or Path(tempfile.mkdtemp(prefix="precis-pages-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if args.db == "postgres":
        database_url = args.pg_url
        fresh_postgres(database_url, keep=args.keep is not None)
    else:
        database_url = f"sqlite:///{scratch}/bench.sqlite3"
    env = precis_env(scratch, database_url, args.redis_url)
    try:
        targets = build_corpus(scratch, env, args.papers, args.summaries, args.writers)
        print(f"{args.db}, {args.papers:,} papers, {args.summaries:,} summaries, "
              f"{args.writers:,} writers")  # fmt: skip
        if args.only in (None, "cached"):
            without = {"SHARED_READER_PAGES": "false"} if args.compare_shared else None
            measure("Page cache on (as configured)", env, targets, scratch, args, without=without)
        if args.only in (None, "uncached"):
            uncached = {**env, "PAGE_CACHE_SECONDS": "0"}
            measure("Page cache off (every request a miss)", uncached, targets, scratch, args)
        if args.proxy_seconds and shutil.which("nginx") and not args.signed_in_only:
            proxy_load(env, targets, scratch, args)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
