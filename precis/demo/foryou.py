"""The demo's /for-you/: a seed from someone else's public collection, then a trained feed
for every demo user, so that each of them opens a non-empty page. Safe to run twice."""

from precis.accounts.models import User
from precis.collections.models import Collection
from precis.demo import corpus
from precis.foryou import services
from precis.foryou.training import TrainingReport, train_readers

# (reader, owner of the public collection they start their feed from, its title)
SEEDS = [
    ("ines_w", "mara_k", "Ten papers that shaped deep learning, explained"),
    ("devin_ships", "hwkang", "ICML 2015 notes"),
]


def load() -> TrainingReport:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[s["username"] for s in corpus.USERS])
    }
    for reader, owner, title in SEEDS:
        collection = Collection.objects.filter(owner__username=owner, title=title).first()
        if reader in users and collection is not None:
            services.add_seed(reader=users[reader], collection=collection)
    # Trained here, not left to the debounced task: the demo's worker may not run yet.
    return train_readers([user.pk for user in users.values()])
