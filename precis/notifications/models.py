from django.conf import settings
from django.db import models
from django.db.models import Q

from precis.papers.models import Paper, Venue


class Kind(models.TextChoices):
    COMMENT = "comment", "Comment on your summary"
    REPLY = "reply", "Reply to your comment"
    ANSWER = "answer", "Answer to your question"
    MENTION = "mention", "Mention"
    FOLLOWED = "followed", "New summary on something you follow"
    REQUESTED = "requested", "New summary of a paper you asked for"


# Which user preference switches e-mail for each kind on or off.
EMAIL_PREFERENCE = {
    Kind.COMMENT: "email_on_comment",
    Kind.REPLY: "email_on_reply",
    Kind.ANSWER: "email_on_answer",
    Kind.MENTION: "email_on_mention",
    Kind.FOLLOWED: "email_on_followed",
    # Asking for a summary is following the paper until one comes (precis/papers/demand.py).
    Kind.REQUESTED: "email_on_followed",
}


class Follow(models.Model):
    """A user following exactly one of: a paper, a venue, another user, or a collection."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    collection = models.ForeignKey(
        "collections.Collection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(paper__isnull=False, venue=None, user=None, collection=None)
                    | Q(paper=None, venue__isnull=False, user=None, collection=None)
                    | Q(paper=None, venue=None, user__isnull=False, collection=None)
                    | Q(paper=None, venue=None, user=None, collection__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["follower", "paper"], name="follow_paper_once"),
            models.UniqueConstraint(fields=["follower", "venue"], name="follow_venue_once"),
            models.UniqueConstraint(fields=["follower", "user"], name="follow_user_once"),
            models.UniqueConstraint(
                fields=["follower", "collection"], name="follow_collection_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.paper or self.venue or self.user or self.collection}"


class Notification(models.Model):
    """One thing that happened that one person should hear about.

    ``actor_name`` is what the recipient sees: "Anonymous" whenever the actor
    acted as the anonymous writer of a summary, so nothing downstream (pages,
    e-mails, digests) can reveal them.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor_name = models.CharField(max_length=150)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"
