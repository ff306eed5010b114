import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precis.importers.formats import FORMATS, detect_format, read_records
from precis.importers.pipeline import read_records_in_background
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
        parser.add_argument(
            "--no-parallel",
            action="store_true",
            help="Parse in this process instead of a second one (slower; for debugging).",
        )

    def handle(self, *args, **options):
        macros = options["macros"].read_bytes() if options["macros"] else None
        total = ImportReport()
        started = time.monotonic()
        progress = Progress(self.stderr._out)
        parallel = not options["no_parallel"] and (os.cpu_count() or 1) > 1
        for fmt, paths in self._grouped_by_format(options["files"], options["format"]):
            self.stdout.write(
                f"{len(paths)} file(s) of {fmt}: {', '.join(map(str, paths[:3]))}"
                + (" …" if len(paths) > 3 else "")
            )
            if parallel:
                items = read_records_in_background(paths, fmt, macros=macros)
            else:
                items = (item for path in paths for item in read_records(path, fmt, macros=macros))
            total.add(
                upsert_papers(items, batch_size=options["batch_size"], on_batch=progress.advance)
            )
        progress.finish()
        for line in report_lines(total, seconds=time.monotonic() - started):
            self.stdout.write(line)

    @staticmethod
    def _grouped_by_format(paths: list[Path], forced: str | None):
        """Consecutive files of one format go through one parser (an OAI-PMH page set)."""
        groups: list[tuple[str, list[Path]]] = []
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            try:
                fmt = forced or detect_format(path)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if groups and groups[-1][0] == fmt and fmt != "bibtex":
                groups[-1][1].append(path)
            else:
                groups.append((fmt, [path]))
        return groups
