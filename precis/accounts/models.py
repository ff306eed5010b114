import re
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from precis.lib.moderation import Moderated, is_moderator, shown
from precis.lib.text import clean_text

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


class UserQuerySet(models.QuerySet):
    def public(self):
        """People others may see and reach: active, not marked as spammers, profile shown."""
        return self.filter(shown(), is_active=True, is_spammer=False)


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
    # Points from votes others gave one's summaries and answers (``moderation.trust``).
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
        return reverse("accounts:profile", args=[self.username])

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
