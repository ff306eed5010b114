from django.core.management.base import BaseCommand, CommandError

from precis.papers.models import Paper, RelatedPaper
from precis.papers.related import compute_related


class Command(BaseCommand):
    help = (
        "Compute the related papers shown on paper pages (shared authors, venue-year, "
        "TF-IDF of title and abstract). Without arguments, only papers that have none "
        "stored yet; --all recomputes every paper. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("paper_ids", nargs="*", type=int, help="Papers to recompute.")
        parser.add_argument("--all", action="store_true", help="Recompute every paper.")
        parser.add_argument("--limit", type=int, default=8, help="Related papers kept per paper.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args, **options):
        if options["all"] and options["paper_ids"]:
            raise CommandError("Give paper ids or --all, not both.")
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        if options["all"]:
            paper_ids = None
        elif options["paper_ids"]:
            paper_ids = options["paper_ids"]
        else:
            paper_ids = list(
                Paper.objects.exclude(pk__in=RelatedPaper.objects.values("paper")).values_list(
                    "pk", flat=True
                )
            )
            if not paper_ids:
                self.stdout.write("Every paper has related papers; use --all to recompute.")
                return
        if options["enqueue"]:
            from precis.papers.tasks import compute_related_papers

            result = compute_related_papers.enqueue(paper_ids)
            what = "all papers" if paper_ids is None else f"{len(paper_ids)} paper(s)"
            self.stdout.write(f"Enqueued task {result.id} for {what}.")
            return

        what = "every paper" if paper_ids is None else f"{len(paper_ids)} paper(s)"
        self.stdout.write(f"Reading the corpus and computing related papers for {what}…")
        report = compute_related(
            paper_ids,
            limit=options["limit"],
            progress=lambda done, total: self.stdout.write(f"  {done}/{total}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Computed {report.papers} papers in {report.seconds:.1f}s: "
                f"{report.changed} changed, {report.rows} rows written."
            )
        )
