"""Claims: a writer saying "I am writing a summary of this" on a paper readers asked for.

So that two writers do not explain the same paper at once, a writer may claim a
requested paper for ``settings.CLAIM_DAYS`` days; the paper page and ``/requests/``
then say "Ana is writing a summary, until Dec 7". One open claim per paper (a
database constraint). The claimer can release it; publishing their summary of the
paper fulfils it; otherwise it runs out on its date. Nothing has to run for that:
a claim is open while ``closed_at`` is empty and ``expires_at`` is ahead, and the
next claim of the paper closes an expired one before it is made.

One writer holds at most ``settings.CLAIMS_PER_WRITER`` open claims, so that no
account can sit on hundreds of papers, and claiming shares a per-minute rate
limit with asking (``ratelimit.SUMMARY_CLAIM``). Accounts that are suspended,
marked as spammers or deactivated cannot claim, and their open claims end when
that happens (``end_claims_of_barred``).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format

from .models import Paper, SummaryClaim

Outcome = SummaryClaim.Outcome


class ClaimRefused(Exception):
    """Why a claim was not made, in words for the writer."""


def open_q(now=None) -> Q:
    """Claims that hold now: not closed, not run out."""
    return Q(closed_at=None, expires_at__gt=now or timezone.now())


def may_claim(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_spammer
        and not user.is_suspended
        and user.is_shown
    )


def claim_of(paper) -> SummaryClaim | None:
    """The open claim on ``paper``, with its writer, or None. One query."""
    return SummaryClaim.objects.filter(open_q(), paper=paper).select_related("writer").first()


def claims_of(papers) -> dict[int, SummaryClaim]:
    """``{paper id: open claim}`` for ``papers``, with their writers. One query."""
    rows = SummaryClaim.objects.filter(open_q(), paper__in=list(papers)).select_related("writer")
    return {claim.paper_id: claim for claim in rows}


def open_claims_of(writer):
    """``writer``'s open claims, soonest to run out first, with their papers."""
    return (
        SummaryClaim.objects.filter(open_q(), writer=writer)
        .select_related("paper")
        .order_by("expires_at", "pk")
    )


def until_label(claim: SummaryClaim) -> str:
    """The day a claim runs out, as readers see it: "Dec 7"."""
    return date_format(timezone.localtime(claim.expires_at), "M j")


@transaction.atomic
def claim_paper(*, writer, paper: Paper, now=None) -> SummaryClaim:
    """Claim ``paper`` for ``writer`` for CLAIM_DAYS days; the open claim.

    Idempotent: claiming a paper one holds already returns that claim unchanged (a
    double submit does not extend it). Raises ClaimRefused when the writer may not
    claim, the paper was not asked for or is off the waiting lists, someone else
    holds it, or the writer holds CLAIMS_PER_WRITER open claims already.
    """
    now = now or timezone.now()
    if not may_claim(writer):
        raise ClaimRefused("Your account cannot claim papers at the moment.")
    # The writer's row is locked, so two claims sent at once cannot both pass the cap.
    get_user_model().objects.select_for_update().filter(pk=writer.pk).first()
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    # An expired claim is closed on its date, so the one-open-claim rule lets this in.
    SummaryClaim.objects.filter(paper=paper, closed_at=None, expires_at__lte=now).update(
        closed_at=F("expires_at"), outcome=Outcome.EXPIRED
    )
    current = SummaryClaim.objects.filter(paper=paper, closed_at=None).select_related("writer")
    current = current.first()
    if current is not None:
        if current.writer_id == writer.pk:
            return current
        raise ClaimRefused(
            f"{_name(current.writer)} is writing a summary of this paper, until "
            f"{until_label(current)}. You can still write one."
        )
    if paper.waiting_hidden_at is not None:
        raise ClaimRefused("This paper is not taking claims.")
    if not paper.summary_requests.exists():
        raise ClaimRefused("Only papers that readers asked for can be claimed.")
    held = SummaryClaim.objects.filter(open_q(now), writer=writer).count()
    if held >= settings.CLAIMS_PER_WRITER:
        raise ClaimRefused(
            f"You hold {held} claims already, as many as one writer may. Publish or "
            "release one of them first."
        )
    try:
        with transaction.atomic():
            return SummaryClaim.objects.create(
                paper=paper,
                writer=writer,
                claimed_at=now,
                expires_at=now + timedelta(days=settings.CLAIM_DAYS),
            )
    except IntegrityError:  # claimed by someone else in the meantime
        raise ClaimRefused("Someone claimed this paper a moment ago.") from None


def _name(person) -> str:
    return person.public_name if person.is_public else "Another writer"


def release_claim(*, writer, paper: Paper) -> bool:
    """``writer`` gives up their open claim on ``paper``; True if there was one."""
    return bool(
        SummaryClaim.objects.filter(open_q(), writer=writer, paper=paper).update(
            closed_at=timezone.now(), outcome=Outcome.RELEASED
        )
    )


def fulfil_claims(*, writer, paper) -> int:
    """``writer`` made their summary of ``paper`` public: their open claim is fulfilled.
    Called by ``summaries.services`` on every public save; idempotent."""
    return SummaryClaim.objects.filter(open_q(), writer_id=writer.pk, paper_id=paper.pk).update(
        closed_at=timezone.now(), outcome=Outcome.FULFILLED
    )


def end_claims_of_barred(person) -> int:
    """``person`` was suspended, marked as a spammer or deactivated: end their open
    claims so that others may write. How many."""
    if may_claim(person):
        return 0
    return SummaryClaim.objects.filter(open_q(), writer=person).update(
        closed_at=timezone.now(), outcome=Outcome.CANCELLED
    )
