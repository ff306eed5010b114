"""Parse in a second process while this one writes: imports use both cores.

Parsing (lxml, regexes) and writing (SQL) each take about half the time of a
bulk import, so overlapping them nearly doubles throughput. Records cross the
process boundary in pickled chunks through a bounded queue, so memory stays flat.
The parser also holds each record to the write path's limits
(``papers.services.bounded_items``), a quarter of what the writer did per record.

The parser never outlives the importer: on Linux the kernel kills it when its
parent dies (``PR_SET_PDEATHSIG``), even by ``kill -9``; elsewhere, and as a
second guard, it notices that it has been re-parented while it waits to hand
over a chunk and exits.

Both processes allocate a few dozen objects per record (records, names, rows)
and keep almost none, yet CPython's cyclic garbage collector runs every 700
allocations and each full run walks every object Django has loaded: a fifth of
the importer's CPU, and most of the cost of unpickling a chunk. So, for the
length of an import, what was loaded before is frozen out of collection and
collections are rarer (``collecting_rarely``); records hold no reference
cycles, so nothing piles up.
"""

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import queue
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .base import ImportProblem, PaperRecord

if TYPE_CHECKING:
    from precis.papers.services import BoundedRecord

CHUNK = 1000
PREFETCH_CHUNKS = 4
_DONE = "done"
#: How long the parser waits for room in the queue before checking its parent is alive.
PARENT_CHECK_SECONDS = 1.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
#: Allocations between young-generation collections during an import (CPython's default: 700).
IMPORT_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def collecting_rarely():
    """Run the block with the garbage collector tuned for a bulk import, then restore it.

    Objects alive on entry are moved out of the collector's sight (``gc.freeze``)
    and young collections run every ``IMPORT_GC_THRESHOLD`` allocations. Memory
    stays flat: cycles are still collected, only less often.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(IMPORT_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _produce(
    paths: list[str], fmt: str, macros: bytes | None, out: multiprocessing.Queue, parent: int
) -> None:
    from precis.papers.services import bounded_items

    from .formats import read_records

    die_with_parent(parent)
    gc.freeze()  # what the fork inherited: never garbage, and collections need not walk it
    gc.set_threshold(IMPORT_GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        chunk = []
        records = (i for path in paths for i in read_records(Path(path), fmt, macros=macros))
        for item in bounded_items(records):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                hand_over(out, chunk, parent)
                chunk = []
        if chunk:
            hand_over(out, chunk, parent)
        hand_over(out, _DONE, parent)
    except Exception as exc:  # handed to the parent, which re-raises it
        hand_over(out, exc, parent)


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only; else a no-op).

    Then check the parent is still ours: it may have died before the request.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        _leave()


def hand_over(out: multiprocessing.Queue, item, parent: int) -> None:
    """Put ``item`` on the queue, waiting for room; exit at once if the parent has gone.

    A parent killed with SIGKILL leaves the queue full forever, and a forked
    child holds the pipe's other end itself, so only its parent id tells.
    ``os._exit``: a normal exit would wait for the queue's feeder thread to
    flush into that same full pipe.
    """
    while True:
        try:
            out.put(item, timeout=PARENT_CHECK_SECONDS)
            return
        except queue.Full:
            if os.getppid() != parent:
                _leave()


def _leave() -> NoReturn:
    """Exit the parser now, without flushing the queue (see ``hand_over``)."""
    os._exit(1)


def read_records_in_background(
    paths: list[Path], fmt: str, *, macros: bytes | None = None
) -> Iterator["PaperRecord | ImportProblem | BoundedRecord"]:
    """Like ``formats.read_records`` over ``paths`` in turn, through
    ``papers.services.bounded_items``, parsed and bounded by a child process ahead of
    the consumer (``upsert_papers``); until it is exhausted or closed, the garbage
    collector of this process runs as ``collecting_rarely`` sets it (so the
    consumer's writes gain too)."""
    context = multiprocessing.get_context("fork")
    chunks = context.Queue(maxsize=PREFETCH_CHUNKS)
    worker = context.Process(
        target=_produce,
        args=([str(p) for p in paths], fmt, macros, chunks, os.getpid()),
        daemon=True,
    )
    worker.start()
    try:
        with collecting_rarely():
            yield from _received(chunks, worker)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _received(
    chunks: multiprocessing.Queue, worker
) -> Iterator["PaperRecord | ImportProblem | BoundedRecord"]:
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
