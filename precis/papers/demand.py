"""How much readers want a paper explained, and the papers still waiting for a summary.

Three signals, kept as counters on the paper so that the home page reads the
waiting papers from one index instead of counting across tables:

- ``views``: visitors to the paper's page, each counted once a day (the same
  salted, cache-only dedup as summary views; no address reaches the database);
- ``follower_count``: readers following the paper (to hear of new summaries);
- ``request_count``: signed-in readers who pressed "I want a summary of this".

``demand`` weighs them: asking outright says more than following, which says
more than a visit. Follower and request counts are recounted from their rows
after each change, never incremented, so a lost update cannot drift them.

Who counts. A wave of fresh accounts must not be able to put a paper (say, spam
pasted in as a BibTeX entry) on the home page, so requests and follows count only
from accounts in good standing (``good_standing``): active, not marked as a
spammer, not suspended now, profile not hidden or held by a moderator, and either
at trust level Basic or above (earned by writing others kept, or an ORCID iD) or
at least ``COUNTED_MIN_AGE`` old. Everyone may still ask (and is told when a
summary comes); only the count, and so the ranking, leaves the others out.
A change of standing recounts the person's papers at once (``standing_changed``,
on every save of the account that touches these fields: a suspension, a spammer
mark, a hidden profile, a new level); what changes with time alone, an account
coming of age or a suspension running out, is recounted by the daily
``update_trust_levels`` (``recount_changed_by_time``).

Visits are no way in: a paper is on the waiting lists (the home page's and
``/requests/``) only once a counted reader asked for it, and it is ranked by
counted requests first; follows and visits only order papers asked for equally.
A moderator can take a paper off the waiting lists (``hide_from_waiting_lists``).
See docs/trust.md.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from precis.accounts.models import TrustLevel
from precis.lib import visitors
from precis.lib.moderation import ModerationState
from precis.notifications.models import Follow
from precis.summaries.models import Summary

from .models import Paper, SummaryClaim, SummaryRequest

REQUEST_WEIGHT = 10
FOLLOW_WEIGHT = 4
VIEW_WEIGHT = 1
WAITING_ON_HOME = 6
# An account younger than this, below trust level Basic, asks without being counted.
COUNTED_MIN_AGE = timedelta(days=3)
# The account fields good standing reads: a save that changes one recounts.
STANDING_FIELDS = frozenset(
    {"is_active", "is_spammer", "suspended_until", "moderation", "trust_level", "date_joined"}
)
_STANDING_ORDER = tuple(sorted(STANDING_FIELDS))
RECOUNT_BATCH = 500  # papers per recount statement
# How far back the daily sweep looks for standings that changed with time alone; more
# than a day, so that one missed run loses nothing.
TIME_SWEEP_WINDOW = timedelta(days=2)


def good_standing(prefix: str = "", now=None) -> Q:
    """Accounts whose requests and follows count, through a relation ``prefix``
    ("requester__"): see the module's docstring."""
    now = now or timezone.now()

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    return (
        q(is_active=True, is_spammer=False, moderation=ModerationState.OK)
        & (q(suspended_until__isnull=True) | q(suspended_until__lte=now))
        & (q(trust_level__gte=TrustLevel.BASIC) | q(date_joined__lte=now - COUNTED_MIN_AGE))
    )


def is_counted(user) -> bool:
    """Whether ``user``'s requests count now (``good_standing`` for one account)."""
    return (
        user.is_authenticated
        and get_user_model().objects.filter(good_standing(), pk=user.pk).exists()
    )


def demand_of(*, views: int, followers: int, requests: int) -> int:
    return views * VIEW_WEIGHT + followers * FOLLOW_WEIGHT + requests * REQUEST_WEIGHT


def count_view(paper_id: int, *, visitor: str) -> bool:
    """Count one visit to a paper's page by an opaque visitor string; True if counted."""
    if not visitors.first_visit(visitor, kind="paper", object_id=paper_id):
        return False
    with visitors.counting_transaction():
        Paper.objects.filter(pk=paper_id).update(
            views=F("views") + 1, demand=F("demand") + VIEW_WEIGHT
        )
    return True


def _count_of(model, field: str, counted: Q):
    rows = (
        model.objects.filter(counted, **{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def recount(paper_ids) -> None:
    """Recount followers and requests of these papers from their rows (those of accounts
    in good standing), and their demand. Idempotent."""
    ids = sorted({pk for pk in paper_ids if pk is not None})
    now = timezone.now()
    for start in range(0, len(ids), RECOUNT_BATCH):
        batch = ids[start : start + RECOUNT_BATCH]
        Paper.objects.filter(pk__in=batch).update(
            follower_count=_count_of(Follow, "paper", good_standing("follower__", now)),
            request_count=_count_of(SummaryRequest, "paper", good_standing("requester__", now)),
        )
        Paper.objects.filter(pk__in=batch).update(
            demand=F("views") * VIEW_WEIGHT
            + F("follower_count") * FOLLOW_WEIGHT
            + F("request_count") * REQUEST_WEIGHT
        )


def papers_of(people) -> set[int]:
    """The papers ``people`` (a queryset or list of user ids) asked for or follow."""
    return set(
        SummaryRequest.objects.filter(requester__in=people).values_list("paper_id", flat=True)
    ) | set(
        Follow.objects.filter(follower__in=people, paper__isnull=False).values_list(
            "paper_id", flat=True
        )
    )


def _standing_fields(instance) -> tuple:
    # From __dict__: a deferred field is not loaded (and not saved) here.
    return tuple(instance.__dict__.get(name) for name in _STANDING_ORDER)


def standing_loaded(sender, instance, **_signal) -> None:
    """post_init receiver for accounts: remember the fields good standing reads, so that
    a save which changes none of them costs no query."""
    instance._standing_as_loaded = _standing_fields(instance)


def standing_changed(sender, instance, created=False, update_fields=None, **_signal) -> None:
    """post_save receiver for accounts: a change of standing recounts their papers (a
    suspension or a spammer mark takes their requests' weight away at once), and ends
    the claims of one who may no longer claim."""
    now_as = _standing_fields(instance)
    before, instance._standing_as_loaded = getattr(instance, "_standing_as_loaded", None), now_as
    if created or before == now_as:
        return
    if update_fields is not None and not STANDING_FIELDS & set(update_fields):
        return
    recount(papers_of([instance.pk]))
    from .claims import end_claims_of_barred

    end_claims_of_barred(instance)


def account_leaving(sender, instance, **_signal) -> None:
    """pre_delete receiver for accounts: note their papers, recounted once they are gone."""
    instance._demand_papers = papers_of([instance.pk])


def account_left(sender, instance, **_signal) -> None:
    """post_delete receiver for accounts: their requests and follows went with them."""
    recount(getattr(instance, "_demand_papers", ()))


def recount_changed_by_time(now=None, window: timedelta = TIME_SWEEP_WINDOW) -> int:
    """Recount the papers of accounts whose standing changed with time alone within
    ``window``: those that came of age (``COUNTED_MIN_AGE``) and those whose suspension
    ran out. Run daily (``update_trust_levels`` does); idempotent. How many papers."""
    now = now or timezone.now()
    came_of_age = now - COUNTED_MIN_AGE
    people = (
        get_user_model()
        .objects.filter(
            Q(date_joined__range=(came_of_age - window, came_of_age))
            | Q(suspended_until__range=(now - window, now))
        )
        .values("pk")
    )
    ids = papers_of(people)
    recount(ids)
    return len(ids)


def recount_all() -> int:
    """Recount every paper anyone asked for or follows; how many. Idempotent."""
    ids = set(SummaryRequest.objects.values_list("paper_id", flat=True)) | set(
        Follow.objects.filter(paper__isnull=False).values_list("paper_id", flat=True)
    )
    ids |= set(
        Paper.objects.filter(Q(request_count__gt=0) | Q(follower_count__gt=0)).values_list(
            "pk", flat=True
        )
    )
    recount(ids)
    return len(ids)


def has_requested(user, paper) -> bool:
    return (
        user.is_authenticated
        and SummaryRequest.objects.filter(requester=user, paper=paper).exists()
    )


def request_summary(*, requester, paper) -> bool:
    """Ask for a summary of ``paper``; asking twice is asking once. True if newly asked."""
    try:
        with transaction.atomic():
            SummaryRequest.objects.create(requester=requester, paper=paper)
    except IntegrityError:
        return False
    recount([paper.pk])
    return True


def withdraw_request(*, requester, paper) -> bool:
    """Take back a request; True if there was one."""
    deleted, _ = SummaryRequest.objects.filter(requester=requester, paper=paper).delete()
    if deleted:
        recount([paper.pk])
    return bool(deleted)


def absorb_demand(*, source_paper, target_paper) -> None:
    """A duplicate is merged: its requests (one per reader still) and visits move across."""
    already = SummaryRequest.objects.filter(paper=target_paper).values("requester")
    SummaryRequest.objects.filter(paper=source_paper).exclude(requester__in=already).update(
        paper=target_paper
    )
    Paper.objects.filter(pk=target_paper.pk).update(
        views=F("views") + Paper.objects.get(pk=source_paper.pk).views
    )
    # A writer's open claim moves across unless the kept paper has one already.
    if not SummaryClaim.objects.filter(paper=target_paper, closed_at=None).exists():
        SummaryClaim.objects.filter(paper=source_paper, closed_at=None).update(paper=target_paper)
    recount([target_paper.pk])


def good_summary_exists() -> Exists:
    """A paper has a good summary: a listed one (public, not deleted, not held or hidden
    by a moderator) whose score (up votes less down votes) is not negative."""
    return Exists(Summary.objects.listed().filter(paper=OuterRef("pk"), score__gte=0))


def waiting():
    """Papers waiting for a summary, most wanted first: at least one counted request, no
    good summary, not taken off the lists by a moderator. Ranked by counted requests,
    then by demand (follows and visits).

    Read down the ``paper_by_requests`` index; each candidate costs one probe of the
    summaries' paper index.
    """
    return (
        Paper.objects.filter(request_count__gt=0, waiting_hidden_at=None)
        .exclude(good_summary_exists())
        .order_by("-request_count", "-demand", "-pk")
    )


def papers_waiting(limit: int = WAITING_ON_HOME) -> list[Paper]:
    """The home page's list: the first ``limit`` of ``waiting()``, with authors."""
    return list(waiting().with_authors()[:limit])


@transaction.atomic
def hide_from_waiting_lists(*, paper, moderator, reason: str) -> bool:
    """Take ``paper`` off the waiting lists (home, /requests/); the caller has checked
    that ``moderator`` moderates. Its requests are kept. True if it was listed."""
    changed = Paper.objects.filter(pk=paper.pk, waiting_hidden_at=None).update(
        waiting_hidden_at=timezone.now(),
        waiting_hidden_by=moderator,
        waiting_hidden_reason=reason[:300],
    )
    paper.refresh_from_db(
        fields=["waiting_hidden_at", "waiting_hidden_by", "waiting_hidden_reason"]
    )
    return bool(changed)


@transaction.atomic
def show_on_waiting_lists(*, paper) -> bool:
    """Undo ``hide_from_waiting_lists``; the caller has checked permission. True if hidden."""
    changed = Paper.objects.filter(pk=paper.pk, waiting_hidden_at__isnull=False).update(
        waiting_hidden_at=None, waiting_hidden_by=None, waiting_hidden_reason=""
    )
    paper.refresh_from_db(
        fields=["waiting_hidden_at", "waiting_hidden_by", "waiting_hidden_reason"]
    )
    return bool(changed)


def follows_changed(sender, instance, **_signal) -> None:
    """post_save / post_delete receiver for Follow: recount a followed paper."""
    if instance.paper_id is not None:
        recount([instance.paper_id])
