from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """Atom and RSS feeds, the sitemap, robots.txt, share metadata and activity sparklines."""

    name = "precis.feeds"
    label = "feeds"
    verbose_name = "Feeds and sitemaps"
