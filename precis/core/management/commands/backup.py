import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precis.core import backups


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file, safely while the site runs: SQLite's "
        "online backup, or pg_dump's custom format. The copy is read back and checked."
    )
    # Backups are for bad days: a failing system check must not stand in the way.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="file or folder to write (default: VAR_DIR/backups/precis-<UTC time>"
            ".sqlite3 or .dump); a file already there is replaced only by a good backup",
        )

    def handle(self, *args, path, **options):
        started = time.monotonic()
        try:
            self.stdout.write(f"Backing up {backups.describe_database()} …")
            backup = backups.make_backup(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Wrote and checked {backup.path} ({backup.size_bytes:,} bytes)")
            + f" in {seconds:.1f} s."
        )
