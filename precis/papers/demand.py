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
"""

import hashlib

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from precis.notifications.models import Follow
from precis.summaries.models import Summary

from .models import Paper, SummaryRequest

REQUEST_WEIGHT = 10
FOLLOW_WEIGHT = 4
VIEW_WEIGHT = 1
VIEW_DEDUP_SECONDS = 24 * 60 * 60
WAITING_ON_HOME = 6


def demand_of(*, views: int, followers: int, requests: int) -> int:
    return views * VIEW_WEIGHT + followers * FOLLOW_WEIGHT + requests * REQUEST_WEIGHT


def count_view(paper_id: int, *, visitor: str) -> bool:
    """Count one visit to a paper's page by an opaque visitor string; True if counted."""
    today = timezone.localdate()
    digest = hashlib.sha256(f"{today}|paper|{paper_id}|{visitor}".encode()).hexdigest()[:32]
    if not cache.add(f"paper-view:{digest}", 1, VIEW_DEDUP_SECONDS):
        return False
    Paper.objects.filter(pk=paper_id).update(views=F("views") + 1, demand=F("demand") + VIEW_WEIGHT)
    return True


def _count_of(model, field: str):
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def recount(paper_ids) -> None:
    """Recount followers and requests of these papers from their rows, and their demand."""
    ids = [pk for pk in set(paper_ids) if pk is not None]
    if not ids:
        return
    Paper.objects.filter(pk__in=ids).update(
        follower_count=_count_of(Follow, "paper"),
        request_count=_count_of(SummaryRequest, "paper"),
    )
    Paper.objects.filter(pk__in=ids).update(
        demand=F("views") * VIEW_WEIGHT
        + F("follower_count") * FOLLOW_WEIGHT
        + F("request_count") * REQUEST_WEIGHT
    )


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
    recount([target_paper.pk])


def papers_waiting(limit: int = WAITING_ON_HOME) -> list[Paper]:
    """The most wanted papers that nobody has explained yet (no listed summary).

    Read down the ``paper_by_demand`` index; each candidate costs one probe of the
    summaries' paper index, and the list stops after ``limit``.
    """
    explained = Exists(Summary.objects.listed().filter(paper=OuterRef("pk")))
    return list(
        Paper.objects.with_authors()
        .filter(demand__gt=0)
        .exclude(explained)
        .order_by("-demand", "-pk")[:limit]
    )


def follows_changed(sender, instance, **_signal) -> None:
    """post_save / post_delete receiver for Follow: recount a followed paper."""
    if instance.paper_id is not None:
        recount([instance.paper_id])
