"""A feed for one reader: their model's weights, the picks it made, and the collections
they seeded it with.

Everything here is written by the background training (``precis.foryou.training``)
or by the reader's own forms; the /for-you/ page only reads ``Pick`` rows.
"""

import secrets

from django.conf import settings
from django.db import models

from precis.collections.models import Collection
from precis.papers.models import Paper, Venue


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Because(models.TextChoices):
    """Why a paper counts as one the reader cares about, strongest first."""

    WROTE = "wrote", "wrote a summary of it"
    COLLECTED = "collected", "collected it"
    VOTED = "voted", "voted for a summary of it"
    SEEDED = "seeded", "it is in a collection chosen for the feed"
    FOLLOWED_PAPER = "f_paper", "follows it"
    FOLLOWED_COLLECTION = "f_coll", "follows a collection listing it"
    FOLLOWED_USER = "f_user", "follows someone who summarised it"
    FOLLOWED_VENUE = "f_venue", "follows the venue that published it"


# Strongest first: a paper the reader wrote about and also follows is explained by the writing.
BECAUSE_ORDER = list(Because.values)


class EmailFrequency(models.TextChoices):
    OFF = "off", "Never"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class Profile(models.Model):
    """One reader's model and feed settings.

    ``weights`` maps words to weights (at most ``training.MAX_WEIGHTS`` of them, the
    heaviest by magnitude); a paper's score is ``bias`` plus the weights of its words
    times their TF-IDF. ``changed_at`` is set when the reader's signals change and
    cleared when a training starts: while it is set, a retraining is pending.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    weights = models.JSONField(default=dict, blank=True)
    bias = models.FloatField(default=0.0)
    positives = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    email_frequency = models.CharField(
        "e-mail me my feed",
        max_length=8,
        choices=EmailFrequency.choices,
        default=EmailFrequency.OFF,
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The secret in the address of the reader's Atom feed; a new one retires the old.
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = "for-you profile"

    def __str__(self) -> str:
        return f"For-you profile of {self.user_id}"


class Pick(models.Model):
    """A paper chosen for a reader, with the one positive that explains it best.

    ``because`` and the ``because_*`` fields name that positive; the page checks them
    again when it shows them, since a collection may have turned private since.
    """

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="foryou_picks"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    because = models.CharField(max_length=10, choices=Because.choices)
    because_paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    because_collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    because_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    because_venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["reader", "paper"], name="foryou_pick_once"),
        ]
        indexes = [models.Index(fields=["reader", "rank"], name="foryou_pick_rank")]

    def __str__(self) -> str:
        return f"{self.paper_id} for {self.reader_id} (#{self.rank})"


class Seed(models.Model):
    """A collection a reader chose to shape their feed: its papers count as ones they like."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="foryou_seeds"
    )
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reader", "collection"], name="foryou_seed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} seeds with {self.collection_id}"
