import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import generations


def cached_count(rows: QuerySet) -> int:
    """``rows.count()``, counted once per data generation rather than on every request.

    The key is the query's SQL and parameters, so two lists (or two readers with
    different mutes) never share a total.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return rows.count()
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (an out-of-range year)
        return 0
    digest = hashlib.blake2b(repr((sql, params)).encode(), digest_size=16).hexdigest()
    key = f"count:{generations.current()}:{digest}"
    return cache.get_or_set(key, rows.count, settings.PAGE_CACHE_SECONDS)


class CachedCountPaginator(Paginator):
    """A Paginator whose total is counted once per data generation (``cached_count``):
    counting every listed summary costs more than fetching a page of them once there
    are tens of thousands."""

    @cached_property
    def count(self) -> int:
        return cached_count(self.object_list)
