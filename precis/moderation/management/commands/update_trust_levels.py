"""Recompute every account's trust level and forget old post fingerprints. Idempotent."""

from django.core.management.base import BaseCommand

from precis.moderation import signals, trust
from precis.papers import demand


class Command(BaseCommand):
    help = (
        "Bring every unlocked account's trust level up to date (levels set by hand are "
        "left alone), and forget post fingerprints older than the spam rules read. Safe "
        "to run at any time; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=trust.BATCH_SIZE)

    def handle(self, *args, batch_size, **options):
        def progress(seen, changed):
            if options["verbosity"] > 1:
                self.stdout.write(f"{seen} accounts, {changed} changed")

        counts = trust.update_all(batch_size=batch_size, progress=progress)
        forgotten = signals.forget_old_fingerprints()
        # Requests count from accounts in good standing; some come of age by time alone.
        recounted = demand.recount_changed_by_time()
        self.stdout.write(
            self.style.SUCCESS(
                f"Trust levels: {counts['accounts']} accounts looked at, "
                f"{counts['changed']} changed; {forgotten} old fingerprints forgotten; "
                f"{recounted} requested papers recounted."
            )
        )
