"""Environment for the test suite, loaded as a pytest plugin (`-p precis.testing`).

It must run before pytest-django imports the settings, which happens before any
conftest.py is read; that is why it is a plugin and not part of conftest.py.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

# Parallel workers each get their own Redis database, since tests clear the cache.
if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    worker_number = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    base = os.environ["REDIS_URL"].rstrip("/").rsplit("/", 1)
    if base[-1].isdigit():
        base = base[:-1]
    os.environ["REDIS_URL"] = f"{'/'.join(base)}/{15 - worker_number % 16}"

# ... and their own VAR_DIR, where the data generation is kept without Redis
# (precis/core/generations.py): a write in one worker must not refresh another's pages.
if os.environ.get("PYTEST_XDIST_WORKER"):
    shared = Path(os.environ.get("VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    os.environ["VAR_DIR"] = str(shared / os.environ["PYTEST_XDIST_WORKER"])


def manage(
    *args: str, env: dict[str, str], stdin: str = "", timeout: int = 120, check: bool = True
):
    """Run ``manage.py *args`` in a child process with exactly ``env``: for settings read
    at start-up, and for commands that must run the way an operator runs them."""
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stderr + done.stdout
    return done


def manage_python(code: str, *, env: dict[str, str], timeout: int = 120):
    """Run ``code`` in `manage.py shell`; it prints one JSON value, which is returned."""
    done = manage("shell", "--no-imports", "-c", code, env=env, timeout=timeout)
    return json.loads(done.stdout.splitlines()[-1])


# The most queries a page may make (session, user, page data, prefetches) ...
QUERY_BUDGET = 14
# ... and a page with a paper's header: its findings' code and data links (a query only
# when the header fragment is not cached), and on the paper page its Findings section.
PAPER_PAGE_QUERY_BUDGET = QUERY_BUDGET + 2
