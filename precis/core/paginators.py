import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import generations


class CachedCountPaginator(Paginator):
    """A Paginator whose total is counted once per data generation, not on every request.

    Counting every listed summary costs more than fetching a page of them once there
    are tens of thousands. The key is the list's SQL and parameters, so two lists (or
    two readers with different mutes) never share a total.
    """

    @cached_property
    def count(self) -> int:
        if not settings.PAGE_CACHE_SECONDS:
            return Paginator.count.func(self)
        try:
            sql, params = self.object_list.query.sql_with_params()
        except EmptyResultSet:  # a filter no row can match (an out-of-range year)
            return 0
        digest = hashlib.blake2b(repr((sql, params)).encode(), digest_size=16).hexdigest()
        key = f"count:{generations.current()}:{digest}"
        return cache.get_or_set(
            key, lambda: Paginator.count.func(self), settings.PAGE_CACHE_SECONDS
        )
