import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from precis.exports.services import FORMAT, NotAnExport, import_user


class Command(BaseCommand):
    help = "Recreate a precis-export/1 JSON file's content as USERNAME's (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("file")

    def handle(self, *args, username, file, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
            report = import_user(user, data)
        except (OSError, json.JSONDecodeError, NotAnExport) as error:
            raise CommandError(str(error)) from error
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(f"Nothing imported: {error}") from error
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            # A hand-edited or truncated file: import_user is atomic, so nothing stays
            raise CommandError(
                f"Nothing imported: the file is not shaped as a {FORMAT} export has it "
                f"({type(error).__name__}: {error})."
            ) from error
        self.stdout.write(report.summary())
        for what, why in report.skipped:
            self.stdout.write(f"  skipped {what}: {why}")
