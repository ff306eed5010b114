"""Generations kept in files (no Redis): a process starting leaves them as they are."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from precis.core import generations

AN_OLD_STAMP = 1_600_000_000_000_000_000  # ns: 2020-09-13

START_A_PROCESS = """
import django
django.setup()
from precis.core import generations
generations.current()
generations.current_soft()
"""


@pytest.fixture
def generation_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.REDIS_URL = ""
    generations._file.cache_clear()
    generations._soft_file.cache_clear()
    yield tmp_path
    generations._file.cache_clear()
    generations._soft_file.cache_clear()


def test_the_files_are_made_when_missing(generation_files):
    assert generations.current() > 0
    assert generations.current_soft() > 0
    assert (generation_files / "site.generation").exists()
    assert (generation_files / "site.soft-generation").exists()


def test_another_process_starting_keeps_both_generations(generation_files):
    generations.current(), generations.current_soft()
    for name in ("site.generation", "site.soft-generation"):
        os.utime(generation_files / name, ns=(AN_OLD_STAMP, AN_OLD_STAMP))
    hard, soft = generations.current(), generations.current_soft()
    environment = {
        **os.environ,
        "VAR_DIR": str(generation_files),
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{generation_files / 'unused.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "precis.settings",
    }
    subprocess.run(
        [sys.executable, "-c", START_A_PROCESS],
        env=environment,
        cwd=django_settings.BASE_DIR,
        check=True,
        timeout=120,
    )
    assert (
        (generations.current(), generations.current_soft())
        == (hard, soft)
        == (
            AN_OLD_STAMP,
            AN_OLD_STAMP,
        )
    )


def test_advancing_still_moves_the_generation(generation_files):
    before = generations.current()
    generations.advance()
    assert generations.current() > before
