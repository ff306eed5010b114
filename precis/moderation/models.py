"""Reports, the moderators' queue, and the audit log of every moderator action.

What a moderator decides is written on the content row itself (``lib.moderation``);
these tables remember why: who reported what, what waits for a moderator, and
who did what, when, from what state to what state.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Reason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSE = "abuse", "Abuse, harassment or hate"
    PLAGIARISM = "plagiarism", "Plagiarism"
    WRONG_PAPER = "wrong_paper", "About the wrong paper"
    OTHER = "other", "Something else"


class Target(models.Model):
    """A piece of content (or a profile), named by type and id."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        abstract = True


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Flag(Target):
    """One item in the moderators' queue: held by the rules, reported, or appealed.

    At most one open flag per item; reports and appeals add to it. ``author`` is
    kept here so the queue can show and act on a person's whole history at once.
    """

    class Cause(models.TextChoices):
        HELD = "held", "Held by the rules"
        HIDDEN = "hidden", "Hidden by the rules"
        REPORTED = "reported", "Reported"
        APPEALED = "appealed", "Appealed"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    cause = models.CharField(max_length=10, choices=Cause.choices)
    opened_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The rules' spam score and what made it (for moderators to see why).
    score = models.FloatField(default=0)
    signals = models.JSONField(default=list, blank=True)
    # Reports so far, each weighed by its reporter's trust.
    report_weight = models.FloatField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_item",
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "opened_at"])]

    def __str__(self) -> str:
        return f"{self.get_cause_display()}: {self.target_type.model} {self.target_id}"


class Report(Target):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    text = models.CharField(max_length=1000, blank=True)
    weight = models.FloatField(default=1)
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="reports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"], name="one_report_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter} reported {self.target_type.model} {self.target_id}"


class Action(Target):
    """One line of the audit log: who did what to which item, why, and what changed."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )  # None: the site's own rules acted
    verb = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=300)  # what the item was, as text, should it go
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.verb} {self.label}"


class BlockedHost(models.Model):
    """A web host whose links mark writing as spam (and its subdomains).

    Added by hand in the admin, or learned: marking an account as a spammer adds
    the hosts its writing linked to (``signals.learn_hosts_of``). A learned host
    weighs less than one a person added, since a spammer may link a harmless site.
    """

    host = models.CharField(max_length=253, unique=True)
    learned = models.BooleanField(default=False, help_text="Added by the spam rules, not by hand.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host

    def save(self, *args, **kwargs):
        self.host = self.host.strip().lower().rstrip(".")
        super().save(*args, **kwargs)


class Fingerprint(models.Model):
    """The SimHash of one piece of writing others can read, written when it is screened.

    One row per item (``kind`` + ``object_id``), updated when its author edits it.
    The 64-bit hash is split into four 16-bit bands, each indexed: two texts within
    Hamming distance 3 share at least one band, so near-duplicates are found by an
    indexed lookup (``signals.near_duplicates``). Texts too short to compare have
    no hash but keep their row, which also counts an account's posts a day.
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)  # "summary", "comment", … (``kinds.BY_NAME``)
    object_id = models.PositiveBigIntegerField()
    simhash = models.BigIntegerField(null=True)  # signed: the unsigned hash minus 2**64 if >= 2**63
    band0 = models.IntegerField(null=True)
    band1 = models.IntegerField(null=True)
    band2 = models.IntegerField(null=True)
    band3 = models.IntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)  # first screened: when it was posted
    screened_at = models.DateTimeField(auto_now=True)  # last screened: its text as of then

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_fingerprint_per_item")
        ]
        indexes = [
            *(models.Index(fields=[f"band{i}", "screened_at"]) for i in range(4)),
            models.Index(fields=["author", "created_at"]),
            models.Index(fields=["screened_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
