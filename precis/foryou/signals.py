"""What retrains a reader: their votes, follows, collected papers, summaries and seeds.

The receivers only note who changed (``services.signals_changed``); the work waits
for the transaction to commit and then for a debounced background task.
"""

from django.db.models.signals import post_delete, post_save

from precis.collections.models import CollectionItem
from precis.notifications.models import Follow
from precis.summaries.models import Summary, Vote

from . import services
from .models import Seed


def _voter(vote):
    return [vote.voter_id]


def _follower(follow):
    return [follow.follower_id]


def _writer(summary):
    return [summary.author_id]


def _seeder(seed):
    return [seed.reader_id]


WHO = {Vote: _voter, Follow: _follower, Summary: _writer, Seed: _seeder}


# A summary's save that changes none of these (its vote counts, a locked thread) says
# nothing new about what its writer reads.
SUMMARY_FIELDS = {"paper", "visibility", "anonymous", "deleted_at", "moderation"}


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loading fixtures
        return
    fields = kwargs.get("update_fields")
    if sender is Summary and fields and not SUMMARY_FIELDS.intersection(fields):
        return
    services.signals_changed(WHO[sender](instance))


def _collected(sender, instance, **kwargs):
    # Its owner collected it, and readers who seeded the collection get it through the
    # seed: who they are is asked after commit, never during the owner's write.
    if not kwargs.get("raw"):
        services.signals_changed([], collection_ids=[instance.collection_id])


def connect() -> None:
    for model in WHO:
        uid = f"foryou.changed.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete", weak=False)
    uid = "foryou.changed.collectionitem"
    post_save.connect(_collected, sender=CollectionItem, dispatch_uid=uid + ".save", weak=False)
    post_delete.connect(_collected, sender=CollectionItem, dispatch_uid=uid + ".delete", weak=False)
