from django.apps import AppConfig


class MediaConfig(AppConfig):
    """The image proxy: external images in summaries, served from this site."""

    name = "precis.media"
    label = "media"
    verbose_name = "Image proxy"
