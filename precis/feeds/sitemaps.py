"""Sitemap sections: only pages that show listed summaries or shown findings, with
absolute URLs from the site URL.

Each section starts from ``Summary.objects.listed()`` or ``Finding.objects.shown()``,
so private, unlisted and deleted summaries, the writers of anonymous ones, and
held, hidden or deleted findings never appear. Sections are paginated by Django
(50,000 URLs a page) and listed by the sitemap index.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from precis.accounts.models import User
from precis.core.siteurl import site_url
from precis.findings.models import Finding
from precis.papers.models import Paper, Venue
from precis.summaries.models import Summary


def _newest_update(rows):
    """A subquery: the latest ``updated_at`` among ``rows`` (filtered by OuterRef)."""
    return Subquery(rows.order_by("-updated_at").values("updated_at")[:1])


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
    """Papers with a listed summary or a shown finding; changed when the newest of them
    changed."""

    def items(self):
        listed, findings = Summary.objects.listed(), Finding.objects.shown()
        summary_update = _newest_update(listed.filter(paper=OuterRef("pk")))
        finding_update = _newest_update(findings.filter(paper=OuterRef("pk")))
        return (
            Paper.objects.filter(
                Q(pk__in=listed.values("paper")) | Q(pk__in=findings.values("paper"))
            )
            # GREATEST is NULL on SQLite when either is; each side falls back on the other
            .annotate(
                lastmod=Greatest(
                    Coalesce(summary_update, finding_update),
                    Coalesce(finding_update, summary_update),
                )
            )
            .only("pk", "slug")
            .order_by("pk")
        )


class FindingSitemap(SiteUrlSitemap):
    def items(self):
        return Finding.objects.shown().annotate(lastmod=F("updated_at")).only("pk").order_by("pk")


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
    "findings": FindingSitemap,
    "venues": VenueSitemap,
    "users": UserSitemap,
}
