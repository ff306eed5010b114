"""API throughput: /api/v1/lookup against a constant-JSON baseline, /api/v1/health.

Starts gunicorn on 127.0.0.1 (2 workers, production settings) over a temporary
SQLite database with the demo loaded, then drives each URL from a small thread
pool of httpx clients for a bounded number of requests and seconds, and prints
requests/s for both and their ratio. Loopback only.

    .venv/bin/python bench/api_bench.py [--requests 3000] [--seconds 15] [--threads 8]
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "VAR_DIR": var_dir,
        "DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "OUTBOUND_HTTP": "false",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        # The bench is one client address; the limits would measure 429s instead.
        "API_READS_PER_MINUTE": "100000000",
        "LOG_LEVEL": "WARNING",
    }


def drive(url: str, *, requests: int, seconds: float, threads: int) -> tuple[float, int, int]:
    """(requests/s, successes, failures) for GETs of ``url`` until either bound is reached."""
    lock = threading.Lock()
    counts = {"sent": 0, "ok": 0, "failed": 0}
    deadline = time.perf_counter() + seconds

    def worker():
        with httpx.Client(timeout=10) as client:
            while time.perf_counter() < deadline:
                with lock:
                    if counts["sent"] >= requests:
                        return
                    counts["sent"] += 1
                ok = client.get(url).status_code == 200
                with lock:
                    counts["ok" if ok else "failed"] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return counts["ok"] / elapsed, counts["ok"], counts["failed"]


def wait_until_up(base: str, timeout_seconds: float = 30) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="precis-api-bench-") as var_dir:
        env = environment(var_dir)
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run(
            [*manage, "load_demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env={**env, "STATIC_ROOT": f"{var_dir}/static"}, cwd=ROOT, check=True)  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "precis.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
            env={**env, "STATIC_ROOT": f"{var_dir}/static"},
            cwd=ROOT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base)
            lookup_url = f"{base}/api/v1/lookup?arxiv=1512.03385"
            found = httpx.get(lookup_url).json()
            print(f"lookup answer: found={found['found']} summaries={found['summary_count']}")
            bounds = {"requests": args.requests, "seconds": args.seconds, "threads": args.threads}
            drive(f"{base}/api/v1/health", requests=200, seconds=5, threads=args.threads)  # warm up
            health, health_ok, health_failed = drive(f"{base}/api/v1/health", **bounds)
            lookup, lookup_ok, lookup_failed = drive(lookup_url, **bounds)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"/api/v1/health : {health:8.1f} requests/s ({health_ok} ok, {health_failed} failed)")
    print(f"/api/v1/lookup : {lookup:8.1f} requests/s ({lookup_ok} ok, {lookup_failed} failed)")
    print(f"lookup / health: {lookup / health:8.2f}")


if __name__ == "__main__":
    main()
