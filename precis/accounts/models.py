import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

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


class User(AbstractUser):
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

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.public_name

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
