"""The parser process of `import_papers` never outlives the importer."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from precis.importers import pipeline

ROOT = Path(__file__).resolve().parents[3]
# Generous bounds for a loaded machine; the loops below return as soon as they can.
STARTUP_BOUND_SECONDS = 120
EXIT_BOUND_SECONDS = 60

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds processes through /proc"
)


def process_state(pid: int) -> str:
    """The state letter of a process ("R", "S", "Z"…), or "" when there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return ""
    return stat.rpartition(")")[2].split()[0]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def gone(pid: int) -> bool:
    # a zombie has exited; only whoever adopted it has yet to reap it
    return process_state(pid) in {"", "Z", "X"}


def poll(predicate, bound_seconds: float):
    """``predicate()``'s first truthy value, checked until ``bound_seconds`` pass; else None."""
    deadline = time.monotonic() + bound_seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    return None


def write_big_bibtex(path: Path, entries: int) -> None:
    with path.open("w") as handle:
        for n in range(entries):
            handle.write(
                f"@article{{big{n},\n  author = {{Ann Author{n} and Bob Writer}},\n"
                f"  title = {{A generated paper number {n} about nothing}},\n"
                f"  journal = {{Journal of Generated Results}},\n  year = {{2020}}\n}}\n"
            )


@linux_only
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="import_papers parses in-process on 1 core")
def test_it_takes_the_parser_down_when_the_importer_is_killed(tmp_path):
    # The importer gets a throwaway SQLite database of its own, never the test database.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["VAR_DIR"] = str(tmp_path / "var")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
    big = tmp_path / "big.bib"
    write_big_bibtex(big, 20_000)  # 4x what the queue holds: a stranded parser would block
    importer = subprocess.Popen(
        [*manage, "import_papers", str(big)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parsers: list[int] = []
    try:
        parsers = poll(lambda: children_of(importer.pid), STARTUP_BOUND_SECONDS) or []
        assert parsers, "import_papers never started its parser process"
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait(timeout=EXIT_BOUND_SECONDS)
        assert poll(lambda: all(gone(pid) for pid in parsers), EXIT_BOUND_SECONDS), (
            f"the parser outlived the importer: {[(p, process_state(p)) for p in parsers]}"
        )
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
        for pid in parsers:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_it_stops_waiting_for_room_once_its_parent_is_gone(monkeypatch):
    full = multiprocessing.get_context("fork").Queue(maxsize=1)
    full.put("a chunk nobody reads")
    left = []

    def leave():
        left.append(True)
        raise SystemExit(1)

    monkeypatch.setattr(pipeline, "PARENT_CHECK_SECONDS", 0.01)
    monkeypatch.setattr(pipeline, "_leave", leave)
    not_my_parent = os.getppid() + 1
    with pytest.raises(SystemExit):
        pipeline.hand_over(full, "another chunk", not_my_parent)
    assert left == [True]


def test_it_hands_over_while_its_parent_lives():
    room = multiprocessing.get_context("fork").Queue(maxsize=1)
    pipeline.hand_over(room, "a chunk", os.getppid())
    assert room.get(timeout=EXIT_BOUND_SECONDS) == "a chunk"
