"""Environment for the test suite, loaded as a pytest plugin (`-p precis.testing`).

It must run before pytest-django imports the settings, which happens before any
conftest.py is read; that is why it is a plugin and not part of conftest.py.
"""

import os
from pathlib import Path

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
