from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from precis.foryou.training import readers_with_signals, train_readers


class Command(BaseCommand):
    help = (
        "Retrain every reader's /for-you/ feed (or the named readers'). Idempotent; "
        "schedule nightly (cron, systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="Only these readers.")

    def handle(self, *args, usernames, **options):
        if usernames:
            found = dict(
                get_user_model()
                .objects.filter(username__in=usernames)
                .values_list("username", "pk")
            )
            missing = sorted(set(usernames) - set(found))
            if missing:
                raise CommandError(f"No such user: {', '.join(missing)}")
            ids = list(found.values())
        else:
            ids = list(readers_with_signals())

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"{done}/{total} readers", ending="\r")

        report = train_readers(ids, progress=progress if self.stderr.isatty() else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained {report.trained} of {report.readers} reader(s); "
                f"{report.changed} feed(s) changed, {report.picks} pick(s), "
                f"{report.seconds:.1f} s."
            )
        )
