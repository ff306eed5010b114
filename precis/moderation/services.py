"""What moderators (and the site's own rules) do, each step recorded in the audit log.

Every action checks the actor, writes the new state through the owning app's
service (``kinds``), resolves or opens the queue item, and records who did what,
why, and the state before and after (``record_action``).
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from precis.accounts import services as accounts
from precis.accounts.models import FOREVER, TrustLevel
from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.findings import services as findings
from precis.lib import ratelimit
from precis.lib.moderation import ModerationState, hidden_together, is_moderator
from precis.summaries import services as summaries

from .kinds import kind_of
from .models import Action, Flag, Reason, Report

REPORT = ratelimit.Limit("report", 20, 3600)  # reports per person an hour
# Reports weigh by their reporter's trust; this much weight hides an item until a
# moderator looks (two trusted members, or one leader, or four new accounts).
REPORT_WEIGHTS = {
    TrustLevel.NEW: 0.5,
    TrustLevel.BASIC: 1.0,
    TrustLevel.MEMBER: 1.5,
    TrustLevel.REGULAR: 2.0,
    TrustLevel.LEADER: 3.0,
}
MODERATOR_REPORT_WEIGHT = 3.0
HIDE_AT_REPORT_WEIGHT = 3.0
SPAM_REASON = "Removed as spam."


def _target(row) -> dict:
    return {"target_type": ContentType.objects.get_for_model(row), "target_id": row.pk}


def _state(row) -> dict:
    return {"moderation": row.moderation, "reason": row.moderation_reason}


def record_action(
    row, *, moderator, verb: str, reason: str = "", before=None, after=None
) -> Action:
    """One line of the audit log: who did what to which item, why, before and after."""
    return Action.objects.create(
        **_target(row),
        moderator=moderator,
        verb=verb,
        reason=reason[:300],
        label=kind_of(row).label(row)[:300],
        before=before or {},
        after=after or {},
    )


def _require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")


# -- the queue ---------------------------------------------------------------------


def open_flag(row, *, cause: str, score: float = 0, signals=()) -> Flag:
    """The open queue item for ``row``, opened now if there is none. Appeals and
    reports raise an item's cause; the first reason it was opened is kept otherwise."""
    author = kind_of(row).author_of(row)
    flag = Flag.objects.open().filter(**_target(row)).first()
    if flag is None:
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    **_target(row),
                    author=author,
                    cause=cause,
                    score=score,
                    signals=list(signals),
                )
        except IntegrityError:  # opened by a concurrent request
            flag = Flag.objects.open().get(**_target(row))
    if cause in (Flag.Cause.APPEALED, Flag.Cause.REPORTED) and flag.cause != Flag.Cause.APPEALED:
        flag.cause = cause
        flag.save(update_fields=["cause"])
    return flag


def _resolve(row, *, moderator, resolution: str) -> None:
    Flag.objects.open().filter(**_target(row)).update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=resolution
    )


@transaction.atomic
def report(*, reporter, row, reason: str, text: str = "") -> Report:
    """``reporter`` reports ``row``; enough weight of reports hides it until reviewed.

    Reporting twice changes nothing; one's own writing cannot be reported.
    """
    if reason not in Reason.values:
        raise ValidationError("Choose a reason for the report.")
    if reason == Reason.OTHER and not text.strip():
        raise ValidationError("Say in a few words what is wrong.")
    if reporter.is_suspended:
        raise PermissionDenied("Your account is suspended; you cannot report for now.")
    if kind_of(row).author_of(row).pk == reporter.pk:
        raise ValidationError("You cannot report your own writing.")
    earlier = Report.objects.filter(reporter=reporter, **_target(row)).first()
    if earlier is not None:
        return earlier
    if not ratelimit.allows(REPORT, ratelimit.person(reporter)):
        raise ValidationError("You have sent many reports this hour; please wait a little.")
    weight = (
        MODERATOR_REPORT_WEIGHT
        if is_moderator(reporter)
        else REPORT_WEIGHTS.get(reporter.trust_level, 1.0)
    )
    flag = open_flag(row, cause=Flag.Cause.REPORTED)
    made = Report.objects.create(
        **_target(row), reporter=reporter, reason=reason, text=text[:1000], weight=weight, flag=flag
    )
    flag.report_weight += weight
    flag.report_count += 1
    flag.save(update_fields=["report_weight", "report_count"])
    if flag.report_weight >= HIDE_AT_REPORT_WEIGHT and row.is_shown:
        before = _state(row)
        kind_of(row).set_state(
            row, ModerationState.HELD, "Several readers reported this; a moderator will look."
        )
        record_action(
            row, moderator=None, verb="held", reason="reports", before=before, after=_state(row)
        )
    return made


# -- actions on one item -------------------------------------------------------------


@transaction.atomic
def approve(*, moderator, row, reason: str = "") -> None:
    """Show ``row`` (held or hidden until now) and close its queue item."""
    _require_moderator(moderator)
    before = _state(row)
    kind_of(row).set_state(row, ModerationState.OK, "")
    _resolve(row, moderator=moderator, resolution="approved")
    record_action(
        row, moderator=moderator, verb="approved", reason=reason, before=before, after=_state(row)
    )


@transaction.atomic
def hide(*, moderator, row, reason: str) -> None:
    """Take ``row`` down; its author sees it with ``reason`` and may appeal once."""
    _require_moderator(moderator)
    if not reason.strip():
        raise ValidationError("Give the author a reason.")
    before = _state(row)
    kind_of(row).set_state(row, ModerationState.HIDDEN, reason)
    _resolve(row, moderator=moderator, resolution="hidden")
    record_action(
        row, moderator=moderator, verb="hidden", reason=reason, before=before, after=_state(row)
    )


@transaction.atomic
def delete(*, moderator, row, reason: str) -> None:
    _require_moderator(moderator)
    # Recorded before it goes (in the same transaction): a collection is deleted for
    # good, and its pk with it.
    _resolve(row, moderator=moderator, resolution="deleted")
    record_action(row, moderator=moderator, verb="deleted", reason=reason, before=_state(row))
    kind_of(row).delete(row, moderator)


@transaction.atomic
def dismiss(*, moderator, row, reason: str = "") -> None:
    """The reports were wrong: close the queue item and leave ``row`` as it is shown."""
    _require_moderator(moderator)
    if not row.is_shown:
        approve(moderator=moderator, row=row, reason=reason)
        return
    _resolve(row, moderator=moderator, resolution="dismissed")
    record_action(row, moderator=moderator, verb="dismissed", reason=reason)


@transaction.atomic
def lock(*, moderator, row, locked: bool = True, reason: str = "") -> None:
    """Close (or reopen) a summary's comments or a question's answers."""
    _require_moderator(moderator)
    kind = kind_of(row)
    if kind.lock is None:
        raise ValidationError("Only summaries and questions can be locked.")
    kind.lock(row, locked)
    record_action(row, moderator=moderator, verb="locked" if locked else "unlocked", reason=reason)


@transaction.atomic
def appeal(*, author, row, text: str = "") -> None:
    """The author asks once for a second look at a hide; it goes back in the queue."""
    if kind_of(row).author_of(row).pk != author.pk:
        raise PermissionDenied("Only its author can appeal.")
    if not row.may_appeal:
        raise ValidationError("This can be appealed once, after a moderator hid it.")
    now = timezone.now()
    # appealed_at belongs to the moderation mixin; nothing else of the row changes.
    type(row).objects.filter(pk=row.pk).update(appealed_at=now)
    row.appealed_at = now
    flag = open_flag(row, cause=Flag.Cause.APPEALED)
    if text.strip():
        flag.signals = [*flag.signals, f"appeal: {text.strip()[:500]}"]
        flag.save(update_fields=["signals"])
    record_action(row, moderator=None, verb="appealed", reason=text[:300])


# -- actions on a person ---------------------------------------------------------------


@transaction.atomic
def suspend(*, moderator, person, days: int | None, reason: str) -> None:
    """Stop ``person`` posting for ``days`` (None: for good)."""
    _require_moderator(moderator)
    if is_moderator(person):
        raise PermissionDenied("Moderators cannot be suspended here; ask an administrator.")
    until = FOREVER if days is None else timezone.now() + timedelta(days=days)
    before = {"suspended_until": _iso(person.suspended_until)}
    accounts.suspend(user=person, until=until, reason=reason)
    record_action(
        person, moderator=moderator, verb="suspended", reason=reason,
        before=before, after={"suspended_until": _iso(until)},
    )  # fmt: skip


@transaction.atomic
def lift_suspension(*, moderator, person, reason: str = "") -> None:
    _require_moderator(moderator)
    before = {"suspended_until": _iso(person.suspended_until), "is_spammer": person.is_spammer}
    accounts.lift_suspension(user=person)
    record_action(person, moderator=moderator, verb="unsuspended", reason=reason, before=before)


@transaction.atomic
def mark_spammer(*, moderator, person, reason: str = SPAM_REASON) -> dict:
    """Suspend ``person`` for good and hide everything they wrote, at once; what was hidden."""
    _require_moderator(moderator)
    if is_moderator(person):
        raise PermissionDenied("Moderators cannot be marked as spammers here.")
    # What moderators hid before keeps the reason they gave.
    hide = {
        "matching": ~Q(moderation=ModerationState.HIDDEN),
        "state": ModerationState.HIDDEN,
        "reason": reason,
    }
    hidden = {
        "summary": summaries.moderate_everything_by(author=person, **hide),
        **discussions.moderate_everything_by(author=person, **hide),
        **findings.moderate_everything_by(author=person, **hide),
        "collection": collections.moderate_everything_by(owner=person, **hide),
    }
    accounts.mark_spammer(user=person, reason=reason)
    accounts.set_profile_moderation(user=person, state=ModerationState.HIDDEN, reason=reason)
    now = timezone.now()
    Flag.objects.open().filter(author=person).update(
        resolved_at=now, resolved_by=moderator, resolution="spam"
    )
    record_action(
        person, moderator=moderator, verb="marked spammer", reason=reason,
        after={kind: len(ids) for kind, ids in hidden.items()},
    )  # fmt: skip
    from .signals import learn_hosts_of  # the spam rules learn the hosts they linked to

    learn_hosts_of(person, moderator=moderator)
    return hidden


@transaction.atomic
def unmark_spammer(*, moderator, person, reason: str = "") -> dict:
    """Undo ``mark_spammer``: lift the suspension, show the profile, and show again what
    the latest mark hid (not what moderators hid one by one); what was shown again."""
    _require_moderator(moderator)
    if not person.is_spammer:
        raise ValidationError(f"{person.username} is not marked as a spammer.")
    mark = (
        Action.objects.filter(**_target(person), verb="marked spammer")
        .order_by("-created_at", "-pk")
        .first()
    )
    shown = {}
    if mark is not None:
        show = {
            "matching": hidden_together(mark.reason or SPAM_REASON, mark.created_at),
            "state": ModerationState.OK,
        }
        shown = {
            "summary": summaries.moderate_everything_by(author=person, **show),
            **discussions.moderate_everything_by(author=person, **show),
            **findings.moderate_everything_by(author=person, **show),
            "collection": collections.moderate_everything_by(owner=person, **show),
        }
    before = {"is_spammer": True, "suspended_until": _iso(person.suspended_until)}
    accounts.lift_suspension(user=person)
    accounts.set_profile_moderation(user=person, state=ModerationState.OK)
    record_action(
        person, moderator=moderator, verb="unmarked spammer", reason=reason, before=before,
        after={"is_spammer": False, **{kind: len(ids) for kind, ids in shown.items()}},
    )  # fmt: skip
    return shown


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# -- many at once --------------------------------------------------------------------

BULK_ACTIONS = ("approve", "hide", "delete", "dismiss", "spammer")


def bulk(*, moderator, flags, action: str, reason: str = "") -> int:
    """Apply ``action`` to each flag's item ("spammer": to each distinct author); how many."""
    _require_moderator(moderator)
    if action not in BULK_ACTIONS:
        raise ValidationError(f"Unknown action {action!r}.")
    if action == "spammer":
        people = {flag.author for flag in flags if flag.author is not None}
        for person in people:
            if not is_moderator(person):
                mark_spammer(moderator=moderator, person=person, reason=reason or SPAM_REASON)
        return len(people)
    done = 0
    for flag in flags:
        row = flag.target
        if row is None:  # the item is gone; nothing left to decide
            _close(flag, moderator, "gone")
            continue
        if action == "approve":
            approve(moderator=moderator, row=row, reason=reason)
        elif action == "hide":
            hide(moderator=moderator, row=row, reason=reason or SPAM_REASON)
        elif action == "delete":
            delete(moderator=moderator, row=row, reason=reason)
        else:
            dismiss(moderator=moderator, row=row, reason=reason)
        done += 1
    return done


def _close(flag: Flag, moderator, resolution: str) -> None:
    flag.resolved_at, flag.resolved_by, flag.resolution = timezone.now(), moderator, resolution
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])


def record_rule_decision(row, verdict) -> None:
    """The site's own rules held or hid ``row`` as it was written: in the audit log too."""
    record_action(
        row,
        moderator=None,
        verb=verdict.state,
        reason=verdict.reason,
        after={
            "moderation": verdict.state,
            "score": verdict.score,
            "signals": list(verdict.signals),
        },
    )
