"""Write paths of the feed: seeds, e-mail settings, the feed's secret, and retraining.

When a reader's signals change (a vote, a follow, a collected paper, a summary, a
seed), ``signals_changed`` notes it after the transaction commits and enqueues one
``train_reader`` task ``RETRAIN_DELAY_SECONDS`` later (where the task backend can
wait; at once where it cannot). Changes made meanwhile ride on that task: a reader
with a retraining pending (``Profile.changed_at`` set) gets no second one.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from precis.collections.models import Collection
from precis.notifications.oneclick import UnsubscribeLink

from .models import EmailFrequency, Profile, Seed, new_feed_token
from .rules import seedable_collections

logger = logging.getLogger(__name__)
RETRAIN_DELAY_SECONDS = 120  # debounce: a burst of votes trains once, two minutes later
UNSUBSCRIBE = UnsubscribeLink("foryou:unsubscribe", salt="precis.foryou.unsubscribe")
MAX_SEEDS = 20


class SeedRefused(Exception):
    pass


def profile_of(user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


# -- seeds -----------------------------------------------------------------------------


def add_seed(*, reader, collection: Collection) -> Seed:
    """Seed ``reader``'s feed with ``collection``; twice is the same as once.

    Raises ``Collection.DoesNotExist`` for a collection the reader may not seed with
    (someone else's private, unlisted or hidden one: callers answer 404), and
    ``SeedRefused`` past ``MAX_SEEDS``.
    """
    if not seedable_collections(reader).filter(pk=collection.pk).exists():
        raise Collection.DoesNotExist("No such collection.")
    existing = Seed.objects.filter(reader=reader, collection=collection).first()
    if existing:
        return existing
    if Seed.objects.filter(reader=reader).count() >= MAX_SEEDS:
        raise SeedRefused(f"A feed takes at most {MAX_SEEDS} collections; remove one first.")
    try:
        with transaction.atomic():
            seed = Seed.objects.create(reader=reader, collection=collection)
    except IntegrityError:
        return Seed.objects.get(reader=reader, collection=collection)
    return seed  # its post_save signal schedules the retraining


def remove_seed(*, reader, collection_id: int) -> bool:
    deleted, _ = Seed.objects.filter(reader=reader, collection_id=collection_id).delete()
    return bool(deleted)  # its post_delete signal schedules the retraining


# -- settings ----------------------------------------------------------------------------


def set_email_frequency(*, reader, frequency: str) -> Profile:
    if frequency not in EmailFrequency.values:
        raise ValueError("Choose never, daily or weekly.")
    profile = profile_of(reader)
    Profile.objects.filter(pk=profile.pk).update(email_frequency=frequency)
    profile.email_frequency = frequency
    return profile


def new_feed_address(*, reader) -> Profile:
    """A new secret for the reader's Atom feed; the old address stops working."""
    profile = profile_of(reader)
    profile.feed_token = new_feed_token()
    Profile.objects.filter(pk=profile.pk).update(feed_token=profile.feed_token)
    return profile


def unsubscribe_token(user) -> str:
    """A signed, login-free token that turns the feed's e-mail off."""
    return UNSUBSCRIBE.token(u=user.pk)


def unsubscribe(*, user_id: int) -> Profile:
    """Turn the feed's e-mail off, as a token asked; raises Profile.DoesNotExist."""
    profile = Profile.objects.get(user_id=user_id)
    Profile.objects.filter(pk=profile.pk).update(email_frequency=EmailFrequency.OFF)
    profile.email_frequency = EmailFrequency.OFF
    return profile


# -- retraining ----------------------------------------------------------------------------


def signals_changed(user_ids, *, collection_ids=()) -> None:
    """Note that these readers' signals changed (and those of the owners and seeders of
    these collections); retrain them once, after commit. No query here."""
    connection = connections[DEFAULT_DB_ALIAS]
    pending = connection.__dict__.setdefault("foryou_pending", set())
    pending.update(("user", pk) for pk in user_ids if pk)
    pending.update(("collection", pk) for pk in collection_ids if pk)
    # One callback per change, but the first to run takes every pending reader, so a
    # transaction that casts a hundred votes marks each reader once.
    transaction.on_commit(_flush)


def _flush() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    pending = connection.__dict__.get("foryou_pending")
    if not pending:
        return
    users = {pk for kind, pk in pending if kind == "user"}
    collections = [pk for kind, pk in pending if kind == "collection"]
    pending.clear()
    try:
        if collections:
            users.update(
                Collection.objects.filter(pk__in=collections).values_list("owner_id", flat=True)
            )
            users.update(
                Seed.objects.filter(collection__in=collections).values_list("reader_id", flat=True)
            )
        user_ids = sorted(users)
        mark_for_retraining(user_ids)
    except Exception:  # after commit: the reader's write is done and must not fail
        logger.exception("Could not schedule feed retraining for %s", sorted(users))


def mark_for_retraining(user_ids: list[int]) -> list[int]:
    """Mark readers as changed and enqueue a retraining for those not already waiting."""
    from .tasks import train_reader

    now = timezone.now()
    # Ids noted in a transaction that rolled back may name no one (any more): a rolled
    # back change costs at most one needless retraining, never a row for no one.
    user_ids = sorted(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", flat=True)
    )
    existing = set(Profile.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    Profile.objects.bulk_create(
        [Profile(user_id=pk, changed_at=now) for pk in user_ids if pk not in existing],
        ignore_conflicts=True,
    )
    fresh = [pk for pk in user_ids if pk not in existing]
    waiting = Profile.objects.filter(user_id__in=existing, changed_at__isnull=True)
    marked = sorted(set(waiting.values_list("user_id", flat=True)))
    waiting.filter(user_id__in=marked).update(changed_at=now)
    task = train_reader
    if task.get_backend().supports_defer:
        task = task.using(run_after=now + timedelta(seconds=RETRAIN_DELAY_SECONDS))
    enqueued = sorted(set(fresh) | set(marked))
    for pk in enqueued:
        task.enqueue(pk)
    return enqueued
