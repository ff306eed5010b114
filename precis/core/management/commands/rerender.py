from django.core.management.base import BaseCommand

from precis.core import rerendering
from precis.lib.richtext import RENDERER_VERSION


class Command(BaseCommand):
    help = (
        "Re-render stored text (summaries, comments, questions, answers, collections, "
        "venue descriptions) made by an older renderer version; resumable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Re-render every row, not just stale ones."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args, **options):
        if options["all"]:
            rerendering.mark_all_stale()
        stale = rerendering.stale_counts()
        total = sum(stale.values())
        if options["enqueue"]:
            from precis.core.tasks import rerender_stale_text

            result = rerender_stale_text.enqueue()
            self.stdout.write(f"Enqueued task {result.id} for {total} stale rows.")
            return
        listing = ", ".join(f"{count} {name}" for name, count in stale.items() if count)
        self.stdout.write(
            f"{total} rows to re-render with renderer v{RENDERER_VERSION}: {listing or 'none'}"
        )
        done = dict.fromkeys(stale, 0)

        def progress(name: str, count: int) -> None:
            done[name] += count
            self.stdout.write(f"  {name}: {done[name]}/{stale[name]}")

        finished = rerendering.rerender_stale(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {finished} rows."))
