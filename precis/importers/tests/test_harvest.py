"""Harvests over a replayed multi-page OAI-PMH sequence, including one killed mid-way."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from precis.importers.models import HarvestCursor
from precis.importers.tests.oai_sequence import split_into_pages
from precis.papers.models import Identifier, Paper
from precis.testing import manage

ROOT = Path(__file__).resolve().parents[3]
SOURCE = "arxiv_oai/arxivsync_ListRecords_arXiv_1000_records.xml"


@pytest.fixture
def pages(shared_fixtures, tmp_path):
    split_into_pages(shared_fixtures / SOURCE, tmp_path / "pages", per_page=100)
    return tmp_path / "pages"


@pytest.mark.django_db
def test_it_harvests_every_page_and_reports(pages, capsys):
    call_command("harvest_arxiv", "--set", "cs", "--from", "2013-01-01", "--replay", str(pages))
    out = capsys.readouterr().out
    cursor = HarvestCursor.objects.get()
    assert cursor.pages_done == 10
    assert cursor.finished_at is not None
    assert Identifier.objects.filter(scheme="arxiv").count() == Paper.objects.count() > 900
    assert "created" in out and "records in" in out


@pytest.mark.django_db
def test_a_finished_harvest_is_not_repeated_unless_restarted(pages, capsys):
    args = ["harvest_arxiv", "--set", "cs", "--from", "2013-01-01", "--replay", str(pages)]
    call_command(*args)
    call_command(*args)
    assert "finished" in capsys.readouterr().out
    call_command(*args, "--restart")
    assert HarvestCursor.objects.get().pages_done == 10


@pytest.mark.django_db
def test_an_expired_token_is_a_clear_error(pages):
    cursor = HarvestCursor.objects.create(
        name="arxiv-oai:arXiv:cs:2013-01-01:-",
        params={"set": "cs", "from": "2013-01-01", "until": "", "prefix": "arXiv"},
        resumption_token="not-a-token",
        pages_done=3,
    )
    with pytest.raises(CommandError, match="run again with --restart"):
        call_command("harvest_arxiv", "--set", "cs", "--from", "2013-01-01", "--replay", str(pages))
    cursor.refresh_from_db()
    assert cursor.pages_done == 3


def run_harvest(database: Path, pages: Path, *, delay: float = 0.0):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "DJANGO_ALLOW"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="harvest-test", SECURE_SSL_REDIRECT="false"
    )
    command = [sys.executable, "manage.py", "harvest_arxiv", "--set", "cs", "--from", "2013-01-01"]
    command += ["--replay", str(pages), "--replay-delay", str(delay)]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def migrate(database: Path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_URL")}
    env.update(DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="harvest-test")
    manage("migrate", "-v0", env=env)


def papers_in(database: Path):
    with sqlite3.connect(database) as connection:
        return sorted(
            connection.execute(
                "SELECT i.value, p.title, p.year, p.abstract FROM papers_identifier i "
                "JOIN papers_paper p ON p.id = i.paper_id ORDER BY i.scheme, i.value"
            )
        )


def pages_done(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            row = connection.execute("SELECT pages_done FROM importers_harvestcursor").fetchone()
    except sqlite3.OperationalError:
        return 0
    return row[0] if row else 0


def test_a_harvest_killed_mid_way_resumes_to_the_same_records(pages, tmp_path):
    """SIGKILL after a few pages, run again, and compare with an uninterrupted harvest."""
    killed, whole = tmp_path / "killed.sqlite3", tmp_path / "whole.sqlite3"
    migrate(killed)
    migrate(whole)

    process = run_harvest(killed, pages, delay=0.3)
    deadline = time.monotonic() + 60
    while pages_done(killed) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stopped_at = pages_done(killed)
    assert 3 <= stopped_at < 10, "the kill should land mid-harvest"

    resumed = run_harvest(killed, pages)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err.decode()
    assert f"Resuming arxiv-oai:arXiv:cs:2013-01-01:- after page {stopped_at}" in out.decode()

    uninterrupted = run_harvest(whole, pages)
    _, err = uninterrupted.communicate(timeout=120)
    assert uninterrupted.returncode == 0, err.decode()
    assert papers_in(killed) == papers_in(whole)
    assert len(papers_in(whole)) > 900
