from django.conf import settings
from django.db import models
from django.urls import reverse

# What each stored type is called in a figure's URL and file name.
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}


class FigureQuerySet(models.QuerySet):
    def present(self):
        """Figures not removed by a moderator."""
        return self.filter(removed_at__isnull=True)


class Figure(models.Model):
    """An image a writer uploaded to place in their texts.

    Files are named by the SHA-256 of their stored (re-encoded or sanitised) bytes,
    so the same figure uploaded twice, by one person or several, is stored once;
    each uploader has a row of their own, which counts against their quota. A
    moderator's removal applies to the content, every row with its hash: its URL
    answers 404 and it cannot be uploaded again.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="figures"
    )
    sha256 = models.CharField(max_length=64, db_index=True)
    file_name = models.CharField(max_length=100, help_text="Its name in the file storage.")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    bytes = models.PositiveIntegerField()
    description = models.CharField(
        max_length=300, help_text="The text alternative it was uploaded with."
    )
    original_name = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.CharField(max_length=300, blank=True)

    objects = FigureQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="media_figure_once_per_owner")
        ]
        indexes = [models.Index(fields=["owner", "-created"], name="media_figure_owner_recent")]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}.{self.extension} ({self.owner})"

    def get_absolute_url(self) -> str:
        return reverse("media:figure", args=[self.sha256, self.extension])

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
