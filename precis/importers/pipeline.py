"""Parse in a second process while this one writes: imports use both cores.

Parsing (lxml, regexes) and writing (SQL) each take about half the time of a
bulk import, so overlapping them nearly doubles throughput. Records cross the
process boundary in pickled chunks through a bounded queue, so memory stays flat.
"""

import multiprocessing
import queue
from collections.abc import Iterator
from pathlib import Path

from .base import ImportProblem, PaperRecord

CHUNK = 1000
PREFETCH_CHUNKS = 4
_DONE = "done"


def _produce(paths: list[str], fmt: str, macros: bytes | None, out: multiprocessing.Queue) -> None:
    from .formats import read_records

    try:
        chunk = []
        for item in (i for path in paths for i in read_records(Path(path), fmt, macros=macros)):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                out.put(chunk)
                chunk = []
        if chunk:
            out.put(chunk)
        out.put(_DONE)
    except Exception as exc:  # handed to the parent, which re-raises it
        out.put(exc)


def read_records_in_background(
    paths: list[Path], fmt: str, *, macros: bytes | None = None
) -> Iterator[PaperRecord | ImportProblem]:
    """Like ``formats.read_records`` over ``paths`` in turn, parsed by a child process
    ahead of the consumer."""
    context = multiprocessing.get_context("fork")
    chunks = context.Queue(maxsize=PREFETCH_CHUNKS)
    worker = context.Process(
        target=_produce, args=([str(p) for p in paths], fmt, macros, chunks), daemon=True
    )
    worker.start()
    try:
        while True:
            try:
                chunk = chunks.get(timeout=5)
            except queue.Empty:
                if not worker.is_alive():
                    raise RuntimeError(
                        f"the parser stopped unexpectedly (exit code {worker.exitcode})"
                    ) from None
                continue
            if chunk == _DONE:
                return
            if isinstance(chunk, Exception):
                raise chunk
            yield from chunk
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
