from django.core.management.base import BaseCommand

from precis.lib.richtext import RENDERER_VERSION
from precis.summaries import services
from precis.summaries.models import Summary


class Command(BaseCommand):
    help = "Re-render summaries stored with an older renderer version (resumable)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Re-render every summary, not just stale ones."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args, **options):
        if options["all"]:
            Summary.objects.update(renderer_version=0)
        stale = Summary.objects.exclude(renderer_version=RENDERER_VERSION).count()
        if options["enqueue"]:
            from precis.summaries.tasks import rerender_stale_summaries

            result = rerender_stale_summaries.enqueue()
            self.stdout.write(f"Enqueued task {result.id} for {stale} stale summaries.")
            return
        self.stdout.write(f"{stale} summaries to re-render with renderer v{RENDERER_VERSION}…")
        done = services.rerender_stale(
            progress=lambda count: self.stdout.write(f"  {count}/{stale}")
        )
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {done} summaries."))
