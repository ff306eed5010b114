from django.core.management.base import BaseCommand

from precis.papers.topics import rebuild_topics


class Command(BaseCommand):
    help = (
        "Write every paper's topic rows (what topic pages list) again from its categories, "
        "keywords and year, 5,000 papers per transaction. Idempotent; for papers written "
        "by an older release's workers while an upgrade ran."
    )

    def handle(self, *args, **options):
        rows = rebuild_topics()
        self.stdout.write(f"{rows} topic rows.")
