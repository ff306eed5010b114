"""Writes that belong to accounts: claiming papers; suspensions, trust and profile moderation."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from precis.lib.moderation import ModerationState
from precis.papers.services import ImportReport, upsert_papers

from . import orcid
from .models import FOREVER, PaperClaim


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


# -- moderation (decided by the moderation app, written here) ------------------------


def suspend(*, user, until, reason: str) -> None:
    """Stop ``user`` posting, voting and reporting until ``until`` (``FOREVER`` for good)."""
    user.suspended_until = until
    user.suspension_reason = reason[:300]
    user.save(update_fields=["suspended_until", "suspension_reason"])


def lift_suspension(*, user) -> None:
    user.suspended_until = None
    user.suspension_reason = ""
    user.is_spammer = False
    user.save(update_fields=["suspended_until", "suspension_reason", "is_spammer"])


def mark_spammer(*, user, reason: str) -> None:
    """Suspend ``user`` for good and keep their profile from every listing."""
    user.is_spammer = True
    user.suspended_until = FOREVER
    user.suspension_reason = reason[:300]
    user.save(update_fields=["is_spammer", "suspended_until", "suspension_reason"])


def set_profile_moderation(*, user, state: str, reason: str = "") -> None:
    user.moderation = state
    user.moderation_reason = "" if state == ModerationState.OK else reason[:300]
    user.moderated_at = timezone.now()
    if state != ModerationState.HIDDEN:
        user.appealed_at = None
    user.save(update_fields=["moderation", "moderation_reason", "moderated_at", "appealed_at"])


def set_trust_level(*, user, level: int, by_hand: bool) -> None:
    """Set the level; ``by_hand`` (staff) also stops the automatic rules changing it."""
    user.trust_level = level
    user.trust_level_locked = by_hand
    user.save(update_fields=["trust_level", "trust_level_locked"])
