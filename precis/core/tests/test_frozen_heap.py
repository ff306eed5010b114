"""An app process leaves what it loaded at start out of garbage collections
(precis/wsgi.py, precis/gunicorn_conf.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FROZEN_AFTER = """
import gc
assert gc.get_freeze_count() == 0
{load}
print(gc.get_freeze_count())
"""


def frozen_after(load: str, tmp_path) -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "precis.settings",
        "SECRET_KEY": "frozen-heap-" + "q8Zt" * 12,
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WARM_UP_SECONDS": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", FROZEN_AFTER.format(load=load)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def test_loading_the_wsgi_application_freezes_what_it_loaded(tmp_path):
    assert frozen_after("import precis.wsgi", tmp_path) > 10_000


def test_a_gunicorn_worker_freezes_what_warming_up_added(tmp_path):
    load = (
        "import precis.wsgi\n"
        "before = gc.get_freeze_count()\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        "from precis import gunicorn_conf; gunicorn_conf.post_worker_init(None)\n"
        "assert gc.get_freeze_count() > before, (before, gc.get_freeze_count())"
    )
    assert frozen_after(load, tmp_path) > 10_000
