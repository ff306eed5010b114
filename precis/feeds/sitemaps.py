"""Sitemap sections: only pages that show listed summaries, with absolute URLs from the site URL.

Each section starts from ``Summary.objects.listed()``, so private, unlisted and
deleted summaries, and the writers of anonymous ones, never appear. Sections
are paginated by Django (50,000 URLs a page) and listed by the sitemap index.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max, OuterRef, Subquery

from precis.accounts.models import User
from precis.core.siteurl import site_url
from precis.papers.models import Paper, Venue
from precis.summaries.models import Summary


def _newest_update(summaries):
    """A subquery: the latest ``updated_at`` among ``summaries`` (filtered by OuterRef)."""
    return Subquery(summaries.order_by("-updated_at").values("updated_at")[:1])


class SiteUrlSitemap(Sitemap):
    """Builds URLs from the site URL (precis.core.siteurl), never from the Site row."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(site_url()).scheme

    def get_domain(self, site=None) -> str:
        return site_url().split("://", 1)[1]

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        # Django's default loads every item; one aggregate is enough.
        return self.items().aggregate(latest=Max("lastmod"))["latest"]


class SummarySitemap(SiteUrlSitemap):
    def items(self):
        return (
            Summary.objects.listed()
            .annotate(lastmod=F("updated_at"))  # the name lastmod() and the aggregate read
            .only("pk")
            .order_by("pk")
        )


class PaperSitemap(SiteUrlSitemap):
    """Papers with at least one listed summary; changed when their newest summary changed."""

    def items(self):
        listed = Summary.objects.listed()
        return (
            Paper.objects.filter(pk__in=listed.values("paper"))
            .annotate(lastmod=_newest_update(listed.filter(paper=OuterRef("pk"))))
            .only("pk", "slug")
            .order_by("pk")
        )


class VenueSitemap(SiteUrlSitemap):
    def items(self):
        listed = Summary.objects.listed()
        return (
            Venue.objects.filter(pk__in=listed.values("paper__venue"))
            .annotate(lastmod=_newest_update(listed.filter(paper__venue=OuterRef("pk"))))
            .only("pk", "key")
            .order_by("key")
        )


class UserSitemap(SiteUrlSitemap):
    """Writers with listed summaries under their own name; anonymous ones do not count."""

    def items(self):
        credited = Summary.objects.listed().filter(anonymous=False)
        return (
            User.objects.public()
            .filter(pk__in=credited.values("author"))
            .annotate(lastmod=_newest_update(credited.filter(author=OuterRef("pk"))))
            .only("pk", "username")
            .order_by("pk")
        )


SITEMAPS = {
    "papers": PaperSitemap,
    "summaries": SummarySitemap,
    "venues": VenueSitemap,
    "users": UserSitemap,
}
