"""200 connections for 60 s through nginx with keep-alive: p99, by app-server configuration.

Loads every signed-out page of bench/pages_bench.py's corpus (100,000 papers, 20,000
summaries, 5,000 writers; built once, reused with --keep) through nginx, configured as
precis/testing_nodes.py and docs/deploy.md configure it, in front of one gunicorn
(gthread, 2 workers x 4 threads). Each configuration gets a fresh gunicorn, one
warming pass over every URL through nginx (as pages_bench does), then the load:

- ``before``: how stop 17 measured it (p99 3.26 s): no Redis, so each worker has its
  own page cache (the warming pass fills only the worker that answered each URL) and
  starts cold (templates, first imports, connections);
- ``warm``: the same, plus gunicorn's ``post_worker_init`` warm-up
  (``-c python:precis.gunicorn_conf``, precis/warmup.py);
- ``after``: as docs/deploy.md runs a machine: REDIS_URL set (one page cache for all
  workers, so one warming pass fills it for every worker) and the warm-up hook.

It saturates both cores for --seconds per configuration: run it on a quiet machine.

    .venv/bin/python bench/proxy_bench.py --keep /tmp/pb --redis-url redis://127.0.0.1:6379/11
    .venv/bin/python bench/proxy_bench.py --keep /tmp/pb --configs before after --redis-url …
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from pages_bench import (  # noqa: E402  (bench/ is the script's folder)
    build_corpus,
    load,
    lua_script,
    precis_env,
    signed_out_paths,
    start_gunicorn,
    start_nginx,
    stop,
    warm,
)

CONFIGS = ("before", "warm", "after")


def run_config(name: str, env: dict, paths: list[str], scratch: Path, args) -> dict:
    env = {**env, "REDIS_URL": args.redis_url if name == "after" else ""}
    if name == "after" and args.redis_url:
        flush_redis(args.redis_url)
    extra = ("--keep-alive", "35", "--no-control-socket")
    if name in ("warm", "after"):
        extra += ("--config", "python:precis.gunicorn_conf")
    gthread = argparse.Namespace(workers=args.workers, worker_class="gthread", threads=args.threads)
    app, base = start_gunicorn("precis.wsgi", env, gthread, extra=extra)
    try:
        nginx, front = start_nginx(scratch / f"nginx-{name}", base.removeprefix("http://"))
    except BaseException:
        stop(app)
        raise
    try:
        started = time.perf_counter()
        warm(front, paths)
        warming = time.perf_counter() - started
        script = lua_script(scratch, f"proxy {name}", paths)
        loaded = argparse.Namespace(connections=args.connections, seconds=args.seconds)
        result = load(front, script, loaded)
    finally:
        stop(nginx)
        stop(app)
    print(
        f"{name:7} {args.workers} gthread workers x {args.threads} threads, "
        f"{args.connections} connections for {args.seconds} s, {len(paths)} URLs "
        f"(warming pass {warming:.0f} s): {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, "
        f"p99 {result['p99']:.1f} ms, failed {result['failed']}",
        flush=True,
    )
    return result


def flush_redis(url: str) -> None:
    """Empty the benchmark's Redis database, so each run starts with a cold shared cache."""
    import redis

    redis.Redis.from_url(url).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", choices=CONFIGS, default=["after"])
    parser.add_argument("--redis-url", default="", help="REDIS_URL for 'after' (a db of its own)")
    parser.add_argument("--keep", type=Path, help="Corpus folder (built there once, reused)")
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--summaries", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"proxy_bench needs {tool} (Debian: apt-get install {tool})")
    if "after" in args.configs and not args.redis_url:
        raise SystemExit("'after' runs as docs/deploy.md says, with Redis: pass --redis-url")
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="precis-proxy-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    env = precis_env(scratch, f"sqlite:///{scratch}/bench.sqlite3")
    try:
        targets = build_corpus(scratch, env, args.papers, args.summaries, args.writers)
        paths = signed_out_paths(targets)
        for name in args.configs:
            run_config(name, env, paths, scratch, args)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
