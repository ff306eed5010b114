"""Bulk harvests that survive being killed: the cursor is saved with every page's records."""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from precis.papers.services import ImportReport, upsert_papers

from .models import HarvestCursor


class HarvestError(Exception):
    pass


def arxiv_cursor(*, set_spec: str, from_date: date | None, until_date: date | None, prefix: str):
    name = f"arxiv-oai:{prefix}:{set_spec or '*'}:{from_date or '-'}:{until_date or '-'}"
    cursor, _ = HarvestCursor.objects.get_or_create(
        name=name,
        defaults={
            "params": {
                "set": set_spec,
                "from": str(from_date or ""),
                "until": str(until_date or ""),
                "prefix": prefix,
            }
        },
    )
    return cursor


def harvest_arxiv(
    cursor: HarvestCursor, *, on_page: Callable[[ImportReport, HarvestCursor], None] | None = None
) -> ImportReport:
    """Fetch pages from where ``cursor`` stands until the list is complete.

    Each page's records and the cursor's new position commit in one transaction,
    so a run killed at any moment resumes with the first page it did not finish.
    """
    from .arxiv.client import list_records

    params = cursor.params
    total = ImportReport()
    while cursor.finished_at is None:
        if cursor.resumption_token:
            page = list_records(resumption_token=cursor.resumption_token)
        else:
            page = list_records(
                metadata_prefix=params["prefix"],
                set_spec=params["set"] or None,
                from_date=params["from"] or None,
                until_date=params["until"] or None,
            )
        if page.failed:
            raise HarvestError(
                f"arXiv answered with OAI-PMH error {page.error_code}: {page.error_message.strip()}"
                + (
                    " The saved resumption token has expired; run again with --restart."
                    if page.error_code == "badResumptionToken"
                    else ""
                )
            )
        with transaction.atomic():
            report = upsert_papers(page.records)
            cursor.pages_done += 1
            cursor.records_done += report.total
            cursor.complete_list_size = page.complete_list_size or cursor.complete_list_size
            cursor.resumption_token = page.resumption_token or ""
            if not page.resumption_token:
                cursor.finished_at = timezone.now()
            cursor.save()
        total.add(report)
        if on_page:
            on_page(report, cursor)
    return total
