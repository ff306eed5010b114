from django.core.management.base import BaseCommand, CommandError

from precis.summaries.models import restate_papers, stale_standings


class Command(BaseCommand):
    help = (
        "Find papers whose count of listed summaries or best Wilson bound (what venue and "
        "author pages sort by) differs from their summaries, and write them again. "
        "Idempotent; for summaries written by an older release's workers while an "
        "upgrade ran, or edited in SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report them; exit 1 if there are any."
        )

    def handle(self, *args, check=False, **options):
        stale = stale_standings()
        for pk, kept, actual in stale[:20]:
            self.stdout.write(f"paper {pk}: kept {kept}, its summaries give {actual}")
        if check:
            if stale:
                raise CommandError(f"{len(stale)} papers' standing is stale.")
            self.stdout.write("Every paper's standing matches its summaries.")
            return
        restate_papers(pk for pk, _, _ in stale)
        self.stdout.write(f"{len(stale)} papers restated.")
