import re
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from precis.lib.moderation import Moderated, is_moderator, shown
from precis.lib.text import clean_text
from precis.lib.urls import link

ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def validate_orcid(value: str) -> None:
    """An ORCID iD is four groups of four digits whose last character is a mod 11-2 checksum."""
    if not ORCID_PATTERN.match(value):
        raise ValidationError("An ORCID iD looks like 0000-0002-1825-0097.")
    digits = value.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if digits[-1] != expected:
        raise ValidationError(f"{value} is not a valid ORCID iD (its checksum does not match).")


def validate_single_line(value: str) -> None:
    """Names and short lines go into e-mail headers and other people's pages as they are:
    no line breaks, control characters or direction overrides."""
    if any(c in value for c in "\n\r\t") or clean_text(value) != value:
        raise ValidationError(
            "Use plain text on one line: no line breaks, control characters or "
            "text-direction overrides."
        )


class TrustLevel(models.IntegerChoices):
    """How far the site trusts an account, in the spirit of Discourse's levels.

    New accounts post a little, without links, and their first public summary
    waits for a moderator; trust grows with time, accepted writing and votes
    from others (``moderation.trust``). Staff may set a level by hand.
    """

    NEW = 0, "New"
    BASIC = 1, "Basic"
    MEMBER = 2, "Member"
    REGULAR = 3, "Regular"
    LEADER = 4, "Leader"


# A suspension "for good" ends at this date.
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


def public_q(prefix: str = "") -> Q:
    """``UserQuerySet.public``'s rule through a relation ``prefix`` ("owner__"): a join,
    where ``owner__in=User.objects.public()`` would read every account on each query."""
    return shown(prefix) & Q(**{f"{prefix}is_active": True, f"{prefix}is_spammer": False})


class UserQuerySet(models.QuerySet):
    def public(self):
        """People others may see and reach: active, not marked as spammers, profile shown."""
        return self.filter(public_q())

    def profile_links(self, usernames) -> dict[str, str]:
        """``{username: profile URL}`` for those of ``usernames`` who are public people:
        what the renderer links @mentions to (``richtext.render(mention_links=…)``).
        One query."""
        people = self.public().filter(username__in=list(usernames)).only("username")
        return {person.username: person.get_absolute_url() for person in people}

    def top_writers_since(self, since):
        """People by the public points they earned since ``since`` (``recent_points``),
        most first, those with none left out. One query."""
        return (
            self.filter(points_entries__public=True, points_entries__earned_at__gte=since)
            .annotate(recent_points=models.Sum("points_entries__points"))
            .filter(recent_points__gt=0)
            .order_by("-recent_points", "username")
        )


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(Moderated, AbstractUser):
    display_name = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    bio = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two lines about you.",
        validators=[validate_single_line],
    )
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[validate_orcid])
    email_on_comment = models.BooleanField(
        "e-mail me when someone comments on my summary", default=True
    )
    email_on_reply = models.BooleanField("e-mail me when someone replies to me", default=True)
    email_on_followed = models.BooleanField(
        "e-mail me about new summaries of papers, venues and people I follow", default=True
    )
    email_on_answer = models.BooleanField("e-mail me when my question is answered", default=True)
    email_on_mention = models.BooleanField("e-mail me when someone mentions me", default=True)

    class EmailFrequency(models.TextChoices):
        IMMEDIATELY = "immediately", "As it happens"
        DAILY = "daily", "One daily digest"
        OFF = "off", "Never"

    email_frequency = models.CharField(
        "e-mail notifications",
        max_length=12,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATELY,
    )

    trust_level = models.PositiveSmallIntegerField(
        choices=TrustLevel.choices, default=TrustLevel.NEW
    )
    # Set by hand by staff: the automatic rules leave the level alone.
    trust_level_locked = models.BooleanField(default=False)
    # Points from votes others gave one's named summaries and answers, shown to everyone
    # and read by ``moderation.trust``; computed by ``discussions.reputation``.
    reputation = models.IntegerField(default=0)
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)
    is_spammer = models.BooleanField(default=False)

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def is_public(self) -> bool:
        return self.is_active and not self.is_spammer and self.is_shown

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def is_moderator(self) -> bool:
        return is_moderator(self)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return link("accounts:profile", self.username)

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


class PaperClaim(models.Model):
    """``user`` says they are an author of ``paper`` (from their ORCID works, so far)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="paper_claims")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="claims")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="unique_paper_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.user} claims {self.paper_id}"


class BlockQuerySet(models.QuerySet):
    def muted_by(self, user):
        """The ids of the people whose content ``user`` does not see (muted or blocked),
        as a subquery: ``exclude(author__in=Block.objects.muted_by(user))``."""
        return self.filter(who=user).values("whom")


class Block(models.Model):
    """``who`` mutes or blocks ``whom``; one row per pair, the stronger kind wins.

    Mute: ``who`` no longer sees ``whom``'s named content in listings and threads,
    and hears nothing ``whom`` does. Block: the same, and ``whom`` may not comment
    on ``who``'s summaries, reply to their comments, answer their questions,
    mention them or follow them. The services are ``accounts.services.mute`` and
    the like; the rules that read these rows are ``muted_by`` and ``is_blocked_by``.
    """

    class Kind(models.TextChoices):
        MUTE = "mute", "Muted"
        BLOCK = "block", "Blocked"

    who = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    whom = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["who", "whom"], name="one_block_per_pair"),
            models.CheckConstraint(condition=~Q(who=F("whom")), name="no_blocking_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.who} {self.get_kind_display().lower()} {self.whom}"


def is_blocked_by(user, owner_ids) -> bool:
    """Whether any of ``owner_ids`` blocked ``user`` (one query; none for an empty list)."""
    owner_ids = [pk for pk in owner_ids if pk and pk != user.pk]
    if not owner_ids:
        return False
    return Block.objects.filter(who_id__in=owner_ids, whom=user, kind=Block.Kind.BLOCK).exists()


class PointsEntry(models.Model):
    """Points ``user`` earned from one vote or one accepted answer, as last computed.

    Written only by ``accounts.services.record_points`` (each recomputation replaces a
    person's entries whole), so the sum of the public ones is ``user.reputation`` and
    "points this month" is a sum over ``earned_at``. Entries for anonymous summaries
    are not public: they are never shown to anyone but the writer.
    """

    class Reason(models.TextChoices):
        SUMMARY_VOTE = "summary_vote", "Vote on a summary"
        ANSWER_VOTE = "answer_vote", "Vote on an answer"
        ACCEPTED_ANSWER = "accepted", "Accepted answer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="points_entries")
    points = models.SmallIntegerField()
    earned_at = models.DateTimeField()
    public = models.BooleanField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    object_id = models.PositiveBigIntegerField()  # the vote's id, or the accepted answer's

    class Meta:
        verbose_name_plural = "points entries"
        indexes = [models.Index(fields=["earned_at", "user"], name="points_by_time")]

    def __str__(self) -> str:
        return f"{self.points:+d} for {self.user_id} ({self.get_reason_display()})"
