"""Sitemap sections: only pages that show listed summaries or shown findings, with
absolute URLs from the site URL.

Each section starts from ``Summary.objects.listed()`` or ``Finding.objects.shown()``,
so private, unlisted and deleted summaries, the writers of anonymous ones, and
held, hidden or deleted findings never appear. Sections are split into pages of
``limit`` URLs (50,000, the protocol's most), listed by the sitemap index.

Django's sitemap framework builds a model instance and renders a template node per
URL, and Django-style ``lastmod`` annotations are correlated subqueries per row: at
100,000 papers a section took 2 s and the index 1 s, a lever for anyone who asks for
them repeatedly. Here a page is plain rows read with at most three queries (each
page's last changes are grouped once for its range of keys) and written as one string,
and the index reads one aggregate and one count per section.
"""

from datetime import datetime
from html import escape

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from precis.accounts.models import User, public_q
from precis.findings.models import Finding
from precis.lib.urls import links
from precis.papers.models import Paper, Venue
from precis.summaries.models import Summary

Entry = tuple[str, datetime | None]  # a page's path and when it last changed


def _latest(rows: QuerySet) -> datetime | None:
    return rows.aggregate(latest=Max("updated_at"))["latest"]


def _newest(*values: datetime | None) -> datetime | None:
    return max((value for value in values if value is not None), default=None)


def _changes_by(rows: QuerySet, key: str) -> dict:
    """``{key: latest updated_at}`` over ``rows``, grouped in the database."""
    return dict(rows.order_by().values_list(key).annotate(latest=Max("updated_at")))


class Section:
    """One sitemap section: its keys in order, each one's path, and when each changed."""

    limit = 50_000
    url_name = ""

    def keyed_rows(self) -> QuerySet:
        """``values_list`` rows, ordered by their first column, the row's key."""
        raise NotImplementedError

    def link_args(self, row) -> tuple:
        """The arguments of ``url_name`` that make ``row``'s path."""
        raise NotImplementedError

    def changes(self, rows: list) -> dict:
        """``{key: last change}`` for the keys of a page's ``rows`` (in key order)."""
        raise NotImplementedError

    def latest(self) -> datetime | None:
        raise NotImplementedError

    def count(self) -> int:
        return self.keyed_rows().count()

    def page_count(self) -> int:
        return max(1, -(-self.count() // self.limit))

    def page_rows(self, page: int) -> list:
        start = (page - 1) * self.limit
        return list(self.keyed_rows()[start : start + self.limit])

    def entries(self, page: int) -> list[Entry]:
        """The ``page``-th (from 1) ``limit`` entries; empty past the last page."""
        rows = self.page_rows(page)
        if not rows:
            return []
        changed = self.changes(rows)
        paths = links(self.url_name, [self.link_args(row) for row in rows])
        return [(path, changed.get(row[0])) for path, row in zip(paths, rows, strict=True)]


class DatedSection(Section):
    """Pages whose rows carry their own last change: one query a page, nothing to group."""

    def shown(self) -> QuerySet:
        raise NotImplementedError

    def keyed_rows(self):
        return self.shown().order_by("pk").values_list("pk", "updated_at")

    def entries(self, page):
        rows = self.page_rows(page)
        paths = links(self.url_name, [(pk,) for pk, _ in rows])
        return [(path, changed) for path, (_, changed) in zip(paths, rows, strict=True)]

    def latest(self):
        return _latest(self.shown())


class SummarySitemap(DatedSection):
    url_name = "summaries:detail"

    def shown(self):
        return Summary.objects.listed()


class FindingSitemap(DatedSection):
    url_name = "findings:detail"

    def shown(self):
        return Finding.objects.shown()


class PaperSitemap(Section):
    """Papers with a listed summary or a shown finding; changed when the newest of them
    changed."""

    def keyed_rows(self):
        findings = Finding.objects.shown().values("paper")
        return (
            Paper.objects.filter(Q(listed_summaries__gt=0) | Q(pk__in=findings))
            .order_by("pk")
            .values_list("pk", "slug")
        )

    url_name = "papers:detail"

    def link_args(self, row):
        pk, slug = row
        return pk, slug or "paper"

    def changes(self, rows):
        in_range = Q(paper_id__gte=rows[0][0], paper_id__lte=rows[-1][0])
        summaries = _changes_by(Summary.objects.listed().filter(in_range), "paper_id")
        findings = _changes_by(Finding.objects.shown().filter(in_range), "paper_id")
        return {
            pk: _newest(summaries.get(pk), findings.get(pk)) for pk in summaries.keys() | findings
        }

    def latest(self):
        return _newest(_latest(Summary.objects.listed()), _latest(Finding.objects.shown()))


class VenueSitemap(Section):
    def _listed(self):
        return Summary.objects.listed().filter(paper__venue__isnull=False)

    def keyed_rows(self):
        summarised = Paper.objects.filter(listed_summaries__gt=0).values("venue")
        return Venue.objects.filter(pk__in=summarised).order_by("key").values_list("key", "pk")

    url_name = "papers:venue"

    def link_args(self, row):
        return row[:1]

    def changes(self, rows):
        # Grouped by id for every venue: a range of keys has SQLite scan all summaries
        # once per venue, and venues are few.
        by_id = _changes_by(self._listed(), "paper__venue_id")
        return {key: by_id.get(pk) for key, pk in rows}

    def latest(self):
        return _latest(self._listed())


class UserSitemap(Section):
    """Writers with listed summaries under their own name; anonymous ones do not count."""

    def _credited(self):
        return Summary.objects.listed().filter(public_q("author__"), anonymous=False)

    def keyed_rows(self):
        return (
            User.objects.public()
            .filter(pk__in=self._credited().values("author"))
            .order_by("pk")
            .values_list("pk", "username")
        )

    url_name = "accounts:profile"

    def link_args(self, row):
        return row[1:]

    def changes(self, rows):
        in_range = self._credited().filter(author_id__gte=rows[0][0], author_id__lte=rows[-1][0])
        return _changes_by(in_range, "author_id")

    def latest(self):
        return _latest(self._credited())


SITEMAPS: dict[str, type[Section]] = {
    "papers": PaperSitemap,
    "summaries": SummarySitemap,
    "findings": FindingSitemap,
    "venues": VenueSitemap,
    "users": UserSitemap,
}


def urlset(site: str, entries: list[Entry]) -> str:
    """The ``<urlset>`` document for ``entries``, their paths made absolute with ``site``."""
    site, zone = escape(site), timezone.get_current_timezone()
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    for path, changed in entries:
        lastmod = f"<lastmod>{changed.astimezone(zone):%Y-%m-%d}</lastmod>" if changed else ""
        parts.append(f"<url><loc>{site}{escape(path)}</loc>{lastmod}</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts)
