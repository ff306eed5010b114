from django.db import models


class HarvestCursor(models.Model):
    """Where a bulk harvest stands, saved after every page so a killed run resumes there."""

    name = models.CharField(max_length=200, unique=True, help_text="source + parameters")
    params = models.JSONField(default=dict)
    resumption_token = models.CharField(max_length=500, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    records_done = models.PositiveIntegerField(default=0)
    complete_list_size = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "finished" if self.finished_at else f"{self.pages_done} pages"
        return f"{self.name} ({state})"
