"""Writes that belong to accounts: claiming papers; muting and blocking; points;
suspensions, trust and profile moderation."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from precis.papers.services import ImportReport, upsert_papers

from . import orcid
from .models import FOREVER, Block, PaperClaim, PointsEntry, User
from .signals import blocked


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


# -- muting and blocking -------------------------------------------------------------


def _check_pair(who, whom) -> None:
    if who.pk == whom.pk:
        raise ValidationError("You cannot mute or block yourself.")


def _set_block(*, who, whom, kind: str) -> Block:
    try:
        with transaction.atomic():
            return Block.objects.create(who=who, whom=whom, kind=kind)
    except IntegrityError:  # already there (a double click): the existing row
        return Block.objects.get(who=who, whom=whom)


def mute(*, who, whom) -> Block:
    """Stop ``who`` seeing ``whom``'s content and hearing of what they do; idempotent.

    Muting someone already blocked changes nothing (a block mutes too). Muting a
    moderator is allowed: it hides their writing, not their moderation.
    """
    _check_pair(who, whom)
    return _set_block(who=who, whom=whom, kind=Block.Kind.MUTE)


def unmute(*, who, whom) -> None:
    """Undo a mute (a block stays until ``unblock``); idempotent."""
    Block.objects.filter(who=who, whom=whom, kind=Block.Kind.MUTE).delete()


@transaction.atomic
def block(*, who, whom) -> Block:
    """Mute ``whom`` and stop them commenting on ``who``'s summaries, replying to their
    comments, answering their questions, mentioning or following them; idempotent.

    A mute becomes a block. Announces ``signals.blocked`` in the same transaction, so
    ``whom``'s follow of ``who`` goes with it.
    """
    _check_pair(who, whom)
    row = _set_block(who=who, whom=whom, kind=Block.Kind.BLOCK)
    if row.kind != Block.Kind.BLOCK:
        row.kind = Block.Kind.BLOCK
        row.save(update_fields=["kind"])
    blocked.send(sender=Block, who=who, whom=whom)
    return row


def unblock(*, who, whom) -> None:
    """Undo a block, mute and all (mute again to keep only that); idempotent."""
    Block.objects.filter(who=who, whom=whom, kind=Block.Kind.BLOCK).delete()


# -- points ------------------------------------------------------------------------


@transaction.atomic
def record_points(*, user_ids: Iterable[int], entries: list[PointsEntry]) -> None:
    """Replace the points entries of ``user_ids`` with ``entries`` and set each one's
    ``reputation`` to the sum of their public entries (never below zero).

    Idempotent. The caller (``discussions.reputation``) computed ``entries`` and holds
    the lock on these users' rows; an id missing from ``entries`` ends with no points.
    """
    ids = sorted(set(user_ids))
    totals: dict[int, int] = defaultdict(int)
    for entry in entries:
        if entry.public:
            totals[entry.user_id] += entry.points
    PointsEntry.objects.filter(user_id__in=ids).delete()
    PointsEntry.objects.bulk_create(entries, batch_size=1000)
    changed = []
    for user in User.objects.filter(pk__in=ids).only("pk", "reputation"):
        reputation = max(0, totals[user.pk])
        if user.reputation != reputation:
            user.reputation = reputation
            changed.append(user)
    User.objects.bulk_update(changed, ["reputation"], batch_size=500)


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
    user.save_moderation(state, reason)


def set_trust_level(*, user, level: int, by_hand: bool) -> None:
    """Set the level; ``by_hand`` (staff) also stops the automatic rules changing it."""
    user.trust_level = level
    user.trust_level_locked = by_hand
    user.save(update_fields=["trust_level", "trust_level_locked"])
