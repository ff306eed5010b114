from django.apps import AppConfig


class MediaConfig(AppConfig):
    """Images in summaries: writers' uploaded figures, and external images through a proxy."""

    name = "precis.media"
    label = "media"
    verbose_name = "Figures and images"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
