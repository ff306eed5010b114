"""Writes that belong to accounts: claiming papers."""

from dataclasses import dataclass

from django.db import transaction

from precis.papers.services import ImportReport, upsert_papers

from . import orcid
from .models import PaperClaim


@dataclass
class ClaimReport:
    works: int  # works ORCID listed
    claimed: int  # claims made now (the rest the person had already)
    report: ImportReport


def import_orcid_works(*, user) -> ClaimReport:
    """Fetch ``user``'s works from ORCID, upsert them as papers and claim them; idempotent.

    Raises ``safehttp.FetchError`` before writing anything when ORCID cannot be read.
    Caller has checked that ``user.orcid`` is set.
    """
    records = orcid.fetch_works(user.orcid)  # outside the transaction: no lock held while waiting
    report = upsert_papers(records, collect_ids=True)
    paper_ids = {pk for pk in report.paper_ids if pk}
    with transaction.atomic():
        before = PaperClaim.objects.filter(user=user).count()
        PaperClaim.objects.bulk_create(
            [PaperClaim(user=user, paper_id=pk) for pk in sorted(paper_ids)],
            ignore_conflicts=True,
        )
        claimed = PaperClaim.objects.filter(user=user).count() - before
    return ClaimReport(works=len(records), claimed=claimed, report=report)
