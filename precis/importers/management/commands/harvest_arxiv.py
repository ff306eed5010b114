import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precis.importers.harvest import HarvestError, arxiv_cursor, harvest_arxiv
from precis.importers.progress import Progress, report_lines
from precis.lib import safehttp


class Command(BaseCommand):
    help = (
        "Harvest arXiv metadata over OAI-PMH (e.g. --set cs --from 2024-01-01). The position is "
        "saved after every page: run the same command again to resume a stopped harvest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--set", dest="set_spec", default="", help="OAI set, e.g. cs, math, physics:hep-ex"
        )
        parser.add_argument("--from", dest="from_date", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--until", dest="until_date", type=date.fromisoformat, help="YYYY-MM-DD"
        )
        parser.add_argument(
            "--prefix",
            default="arXiv",
            choices=["arXiv", "arXivRaw", "oai_dc"],
            help="metadata format",
        )
        parser.add_argument(
            "--restart", action="store_true", help="Forget saved progress and start over."
        )
        parser.add_argument(
            "--replay",
            type=Path,
            help="Read the pages from a folder of saved responses instead of arXiv.",
        )
        parser.add_argument("--replay-delay", type=float, default=0.0, help=argparse_hidden())

    def handle(self, *args, **options):
        cursor = arxiv_cursor(
            set_spec=options["set_spec"],
            from_date=options["from_date"],
            until_date=options["until_date"],
            prefix=options["prefix"],
        )
        if options["restart"]:
            cursor.resumption_token, cursor.finished_at = "", None
            cursor.pages_done = cursor.records_done = 0
            cursor.save()
        if cursor.finished_at:
            self.stdout.write(
                f"{cursor.name} finished on {cursor.finished_at:%Y-%m-%d}; use --restart to harvest again."
            )
            return
        if cursor.pages_done:
            self.stdout.write(
                f"Resuming {cursor.name} after page {cursor.pages_done} ({cursor.records_done:,} records)."
            )
        progress = Progress(self.stderr._out)
        started = time.monotonic()

        def on_page(report, cursor):
            of = f" of {cursor.complete_list_size:,}" if cursor.complete_list_size else ""
            progress.advance(
                report, extra=f" (page {cursor.pages_done}, {cursor.records_done:,}{of} in all)"
            )

        try:
            if options["replay"]:
                from precis.importers.replay import OaiReplayTransport

                transport = OaiReplayTransport(
                    options["replay"], delay_seconds=options["replay_delay"]
                )
                with safehttp.use_transport(transport, polite=False):
                    report = harvest_arxiv(cursor, on_page=on_page)
            else:
                report = harvest_arxiv(cursor, on_page=on_page)
        except (HarvestError, safehttp.FetchError) as exc:
            progress.finish()
            raise CommandError(f"{exc} Progress is saved; run the same command to resume.") from exc
        progress.finish()
        for line in report_lines(report, seconds=time.monotonic() - started):
            self.stdout.write(line)


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
