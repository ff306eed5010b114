import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precis.importers.formats import FORMATS, detect_format, read_records
from precis.importers.progress import Progress, report_lines
from precis.papers.services import ImportReport, upsert_papers


class Command(BaseCommand):
    help = (
        "Import papers from saved files: arXiv API responses, OAI-PMH pages, dblp.xml[.gz], "
        "Crossref JSON and BibTeX. The format is detected from the content. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="Skip detection.")
        parser.add_argument(
            "--macros", type=Path, help="A BibTeX file of @string definitions used by the others."
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        macros = options["macros"].read_bytes() if options["macros"] else None
        total = ImportReport()
        started = time.monotonic()
        progress = Progress(self.stderr._out)
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            try:
                fmt = options["format"] or detect_format(path)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path} ({fmt})")
            report = upsert_papers(
                read_records(path, fmt, macros=macros),
                batch_size=options["batch_size"],
                on_batch=progress.advance,
            )
            total.add(report)
        progress.finish()
        for line in report_lines(total, seconds=time.monotonic() - started):
            self.stdout.write(line)
