"""What the home page says about the whole site, cheap however large the site grows.

Both are the same for every reader, so each is worked out once per data generation
(any write moves it on) and kept in the cache, like the lists' totals.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from precis.papers import demand
from precis.papers.models import Paper
from precis.summaries.models import Summary

from . import generations


@dataclass(frozen=True)
class SiteCounts:
    papers: int
    summaries: int  # listed: public, not deleted, shown
    writers: int  # people with at least one listed summary


def _count_site() -> SiteCounts:
    listed = Summary.objects.listed().order_by()
    return SiteCounts(
        papers=Paper.objects.order_by().count(),
        summaries=listed.count(),
        writers=listed.values("author_id").distinct().count(),
    )


def site_counts() -> SiteCounts:
    """The site's papers, summaries and writers, counted once per data generation."""
    if not settings.PAGE_CACHE_SECONDS:
        return _count_site()
    key = f"site-counts:{generations.current()}"
    return cache.get_or_set(key, _count_site, settings.PAGE_CACHE_SECONDS)


def papers_waiting() -> list[Paper]:
    """The home page's papers waiting for a summary, worked out once per data generation.

    Visits move a paper's demand without a write that moves the generation on, so the
    order may lag by up to PAGE_CACHE_SECONDS; requests, follows and summaries do not.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return demand.papers_waiting()
    key = f"papers-waiting:{generations.current()}"
    return cache.get_or_set(key, demand.papers_waiting, settings.PAGE_CACHE_SECONDS)
