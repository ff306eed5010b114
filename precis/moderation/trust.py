"""Trust levels, earned from time, accepted writing and votes from others.

In the spirit of Discourse's: new accounts post a little and without links, and
their first summary waits for a moderator; an account that has been around and
written things others kept rises, and with it the rules relax (``screening``).
A moderator's hide, or being marked as a spammer, takes the level down again.
Staff may set a level by hand (the admin, or ``set_by_hand``); a level set so is
locked and the rules leave it alone.

Levels are recomputed lazily whenever an author writes something others will
read (``screening``), when someone signs up or connects ORCID, and for everyone
by ``manage.py update_trust_levels`` (or the ``update_trust_levels`` task).
The thresholds are documented in docs/trust.md; change both together.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.signals import user_signed_up
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.signals import social_account_added
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Value
from django.dispatch import receiver
from django.utils import timezone

from precis.accounts import services as accounts
from precis.accounts.models import TrustLevel
from precis.collections.models import Collection
from precis.discussions.models import Answer, Comment, Question
from precis.findings.models import Finding, FindingReply
from precis.lib.moderation import ModerationState
from precis.summaries.models import Summary, Visibility

from .services import record_action

# BASIC: a day old, and something others could read was shown for a day (not taken
# down by then), or others voted it up. A proven ORCID iD gives BASIC at once.
BASIC_MIN_AGE = timedelta(days=1)
BASIC_SETTLED_AFTER = timedelta(days=1)
BASIC_MIN_REPUTATION = 1
# MEMBER: a week old, three pieces of writing others can read and that are shown,
# and some votes from others.
MEMBER_MIN_AGE = timedelta(days=7)
MEMBER_MIN_SHOWN = 3
MEMBER_MIN_REPUTATION = 5
# REGULAR: a month old, well voted, and nothing hidden by a moderator for 90 days.
REGULAR_MIN_AGE = timedelta(days=30)
REGULAR_MIN_REPUTATION = 50
# Hides are remembered this long. One caps the level at BASIC (the account's writing
# is screened again); two, or being marked as a spammer, bring it down to NEW.
HIDES_REMEMBERED = timedelta(days=90)
ONE_HIDE_CAP = TrustLevel.BASIC
BATCH_SIZE = 500  # accounts per step of ``update_all``

ORCID_PROVIDER = "orcid"


@dataclass(frozen=True)
class Standing:
    """What the rules know of an account's writing, counted over every kind of content."""

    posted: int = 0  # things others can read (any moderation state), not deleted
    shown: int = 0  # … of them shown
    settled: int = 0  # … shown, and for at least BASIC_SETTLED_AFTER
    shown_summaries: int = 0  # summaries others can read that are shown
    recent_hides: int = 0  # hidden (by a moderator or the rules) within HIDES_REMEMBERED
    verified_orcid: bool = False  # signed in with ORCID: the iD is proven, not typed


def _counts(model, author_field: str, shared: Q, posted_at: str, ids, now: datetime):
    """Per author in ``ids``, the counts a Standing is made of, for one kind of writing:
    rows of (person, kind, posted, shown, settled, recent_hides), to be UNIONed."""
    alive = Q(deleted_at__isnull=True) if hasattr(model, "deleted_at") else Q()
    shown = shared & alive & Q(moderation=ModerationState.OK)
    return (
        model.objects.filter(**{f"{author_field}__in": ids})
        .values(author_field)
        .annotate(
            kind=Value(model._meta.label),
            posted=Count("pk", filter=shared & alive),
            shown=Count("pk", filter=shown),
            settled=Count(
                "pk", filter=shown & Q(**{f"{posted_at}__lte": now - BASIC_SETTLED_AFTER})
            ),
            recent_hides=Count(
                "pk",
                filter=Q(
                    moderation=ModerationState.HIDDEN, moderated_at__gte=now - HIDES_REMEMBERED
                ),
            ),
        )
        .values_list(author_field, "kind", "posted", "shown", "settled", "recent_hides")
        .order_by()
    )


def standings(users) -> dict[int, Standing]:
    """The Standing of each of ``users``: one query for every kind of writing, whatever
    their number, and one for ORCID."""
    ids = [user.pk for user in users]
    now = timezone.now()
    shared = ~Q(visibility=Visibility.PRIVATE)
    summaries, *others = [
        _counts(Summary, "author", shared, "published_at", ids, now),
        _counts(Comment, "author", Q(), "created_at", ids, now),
        _counts(Question, "author", Q(), "created_at", ids, now),
        _counts(Answer, "author", Q(), "created_at", ids, now),
        _counts(Finding, "author", Q(), "created_at", ids, now),
        _counts(FindingReply, "author", Q(), "created_at", ids, now),
        _counts(Collection, "owner", shared, "created_at", ids, now),
    ]
    totals: dict[int, Counter] = {pk: Counter() for pk in ids}
    shown_summaries: Counter = Counter()
    for person, kind, posted, shown, settled, hides in summaries.union(*others, all=True):
        totals[person].update(posted=posted, shown=shown, settled=settled, recent_hides=hides)
        if kind == Summary._meta.label:
            shown_summaries[person] += shown
    orcid = set(
        SocialAccount.objects.filter(user_id__in=ids, provider=ORCID_PROVIDER).values_list(
            "user_id", flat=True
        )
    )
    result = {}
    for user in users:
        total = totals[user.pk]
        profile_hidden = (
            user.moderation == ModerationState.HIDDEN
            and user.moderated_at is not None
            and user.moderated_at >= now - HIDES_REMEMBERED
        )
        result[user.pk] = Standing(
            posted=total["posted"],
            shown=total["shown"],
            settled=total["settled"],
            shown_summaries=shown_summaries[user.pk],
            recent_hides=total["recent_hides"] + profile_hidden,
            verified_orcid=user.pk in orcid,
        )
    return result


def standing(user) -> Standing:
    return standings([user])[user.pk]


def earned_level(user, standing: Standing, now: datetime | None = None) -> int:
    """The highest level the account's record reaches now, penalties aside."""
    now = now or timezone.now()
    age = now - user.date_joined
    level = TrustLevel.BASIC if standing.verified_orcid else TrustLevel.NEW
    if age >= BASIC_MIN_AGE and (standing.settled >= 1 or user.reputation >= BASIC_MIN_REPUTATION):
        level = TrustLevel.BASIC
    if (
        level >= TrustLevel.BASIC
        and age >= MEMBER_MIN_AGE
        and standing.shown >= MEMBER_MIN_SHOWN
        and user.reputation >= MEMBER_MIN_REPUTATION
    ):
        level = TrustLevel.MEMBER
    if (
        level >= TrustLevel.MEMBER
        and age >= REGULAR_MIN_AGE
        and user.reputation >= REGULAR_MIN_REPUTATION
        and standing.recent_hides == 0
    ):
        level = TrustLevel.REGULAR
    return level


def level_for(user, standing: Standing, now: datetime | None = None) -> int:
    """The level the rules give ``user`` now; a locked level is returned as it is.

    Levels rise as they are earned and are kept (like Discourse's first two)
    until a penalty: a spammer is NEW; two hides within HIDES_REMEMBERED make it
    NEW, one caps it at ONE_HIDE_CAP. LEADER is only ever given by hand.
    """
    if user.trust_level_locked:
        return user.trust_level
    if user.is_spammer or standing.recent_hides >= 2:
        return TrustLevel.NEW
    level = max(user.trust_level, earned_level(user, standing, now))
    if standing.recent_hides == 1:
        level = min(level, ONE_HIDE_CAP)
    return level


def recompute(user, known: Standing | None = None) -> int:
    """Bring ``user``'s level up to date (saving only a change); the level. Idempotent.

    ``known``: the account's Standing, when the caller has counted it already.
    """
    if user.trust_level_locked:
        return user.trust_level
    level = level_for(user, known or standing(user))
    if level != user.trust_level:
        accounts.set_trust_level(user=user, level=level, by_hand=False)
    return level


def update_all(*, batch_size: int = BATCH_SIZE, progress=None) -> dict:
    """Recompute every unlocked, active account, a batch at a time; counts. Idempotent."""
    User = get_user_model()
    last, seen, changed = 0, 0, 0
    while True:
        batch = list(
            User.objects.filter(pk__gt=last, is_active=True, trust_level_locked=False).order_by(
                "pk"
            )[:batch_size]
        )
        if not batch:
            break
        by_pk = standings(batch)
        for user in batch:
            before = user.trust_level
            if recompute(user, by_pk[user.pk]) != before:
                changed += 1
        seen += len(batch)
        last = batch[-1].pk
        if progress:
            progress(seen, changed)
    return {"accounts": seen, "changed": changed}


@transaction.atomic
def set_by_hand(*, moderator, person, level: int | None, reason: str = "") -> None:
    """Staff set ``person``'s level and lock it; ``level=None`` unlocks it for the rules.

    Recorded in the moderators' audit log.
    """
    if not (moderator.is_authenticated and moderator.is_active and moderator.is_staff):
        raise PermissionDenied("Only staff can set trust levels.")
    if level is not None and level not in TrustLevel.values:
        raise ValidationError("Choose a trust level.")
    before = {"trust_level": person.trust_level, "locked": person.trust_level_locked}
    if level is None:
        accounts.set_trust_level(user=person, level=person.trust_level, by_hand=False)
        recompute(person)
    else:
        accounts.set_trust_level(user=person, level=level, by_hand=True)
    record_action(
        person,
        moderator=moderator,
        verb="trust set" if level is not None else "trust unlocked",
        reason=reason,
        before=before,
        after={"trust_level": person.trust_level, "locked": person.trust_level_locked},
    )


@receiver(user_signed_up)
@receiver(social_account_added)
def _recompute_on_sign_up(sender, request=None, user=None, sociallogin=None, **kwargs):
    """A new account, or one that just proved its ORCID iD, gets its level at once."""
    person = user or (sociallogin.user if sociallogin is not None else None)
    if person is not None and person.pk:
        recompute(person)
