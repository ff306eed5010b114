"""Write the public data dump (precis/exports/dumps.py) into DIR, or PUBLIC_DUMP_DIR."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from precis.exports import dumps


class Command(BaseCommand):
    help = (
        "Write everything public (papers, public summaries, comments, questions, answers, "
        "findings, vote totals, redirects of merged papers) as gzip JSON Lines with a "
        "manifest into a new dated folder under DIR (default: PUBLIC_DUMP_DIR), then keep "
        "only the newest --keep dumps. Safe to run while another run is going: it stops."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "dir", nargs="?", help="Folder holding the dumps; default: PUBLIC_DUMP_DIR"
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="How many dumps to keep, newest first (default: PUBLIC_DUMP_KEEP)",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the work to a background worker (db_worker) and return at once",
        )

    def handle(self, *args, dir=None, keep=None, enqueue=False, **options):
        keep = settings.PUBLIC_DUMP_KEEP if keep is None else keep
        if keep < 1:
            raise CommandError("--keep must be at least 1.")
        root = Path(dir) if dir else Path(settings.PUBLIC_DUMP_DIR)
        if enqueue:
            from precis.exports.tasks import refresh_public_dump

            result = refresh_public_dump.enqueue(str(root), keep)
            self.stdout.write(f"Enqueued the public dump into {root} (task {result.id}).")
            return
        started = time.monotonic()

        def progress(kind: str, stats: dict) -> None:
            if options["verbosity"] >= 1:
                elapsed = time.monotonic() - started
                self.stderr.write(
                    f"{kind}: {stats['rows']:,} rows, {stats['bytes']:,} bytes ({elapsed:.1f} s)"
                )

        try:
            path = dumps.write_dump(root, keep=keep, progress=progress)
        except dumps.DumpBusy as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Could not write the dump into {root}: {exc}") from exc
        self.stdout.write(f"Wrote {path} in {time.monotonic() - started:.1f} s.")
