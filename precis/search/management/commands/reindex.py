import time

from django.core.management.base import BaseCommand

from precis.search import services


class Command(BaseCommand):
    help = (
        "Rebuild the search index. A stopped run resumes where it stopped; --restart starts over."
    )

    def add_arguments(self, parser):
        parser.add_argument("--restart", action="store_true")

    def handle(self, *args, **options):
        started = time.monotonic()
        last_line = [0.0]

        def progress(done, total):
            now = time.monotonic()
            if now - last_line[0] >= 2 or done >= total:
                last_line[0] = now
                rate = done / max(now - started, 1e-6)
                self.stderr.write(f"{done:,}/{total:,} papers, {rate:,.0f}/s")

        done = services.reindex(restart=options["restart"], progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {done:,} papers in {seconds:.1f} s."))
