"""Recompute everyone's points and reputation from the votes. Idempotent."""

from django.core.management.base import BaseCommand

from precis.discussions import reputation


class Command(BaseCommand):
    help = (
        "Recompute the points of everyone who wrote something or holds points, from the "
        "votes and accepted answers, in committed batches. Safe to run at any time (a "
        "stopped run loses nothing); run it daily, before update_trust_levels."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=reputation.BATCH_SIZE)

    def handle(self, *args, batch_size, **options):
        def progress(done, total):
            if options["verbosity"] > 1:
                self.stderr.write(f"{done:,}/{total:,} people")

        done = reputation.recompute_everyone(batch_size=max(1, batch_size), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Reputation recomputed for {done:,} people."))
