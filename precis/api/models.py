import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# last_used_at is a hint for people, not an audit log: writing it on every request
# would turn every read into a write, so it is refreshed at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX_CHARS = 8


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def authenticate(self, raw: str) -> "ApiToken | None":
        """The live token ``raw`` names, with its user; None when unknown or revoked."""
        token = (
            self.active()
            .select_related("user")
            .filter(token_hash=hash_token(raw), user__is_active=True)
            .first()
        )
        if token is not None:
            token.touch()
        return token


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for: “my script”.")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=PREFIX_CHARS, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str, scope: str) -> tuple["ApiToken", str]:
        """Create a token; returns (token, raw). ``raw`` is never stored and cannot be shown again."""
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, scope=scope, token_hash=hash_token(raw), prefix=raw[:PREFIX_CHARS]
        )
        return token, raw

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_RESOLUTION:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
