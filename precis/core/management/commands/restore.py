import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precis.core import backups


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `manage.py backup`, then rebuild "
        "what a backup does not hold. Asks first unless --yes."
    )
    # Backups are for bad days: a failing system check must not stand in the way.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a file written by `manage.py backup`")
        parser.add_argument(
            "--yes", action="store_true", help="replace the database without asking"
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="rebuild the search index even when it checks out",
        )

    def handle(self, *args, path, yes, reindex, **options):
        started = time.monotonic()
        try:
            self.stdout.write(f"Checking {path} …")
            backup = backups.check_backup(path)
            self.stdout.write(f"Found a sound {backup.describe()}.")
            if not yes and not self._confirmed(backup):
                raise CommandError("Restore cancelled; nothing was changed.")
            backups.restore(backup, say=self.stdout.write, rebuild_index=reindex)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Restored {backup.path} in {seconds:.1f} s."))

    def _confirmed(self, backup) -> bool:
        prompt = (
            f"This replaces everything in {backups.describe_database()} with the backup.\n"
            "Type 'yes' to continue: "
        )
        try:
            return input(prompt).strip().lower() == "yes"
        except EOFError:  # no terminal (cron, a pipe): only --yes will do
            self.stdout.write("")
            return False
