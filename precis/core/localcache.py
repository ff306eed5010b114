"""Django's per-process cache, bounded by the memory its values take as well as by their number.

Without Redis, whole pages are kept in each process (settings.CACHES["pages"]). They
differ tenfold in size: a paper's feed is 3 KiB, a venue page 33 KiB. A bound on
entries alone had to be low enough for the largest pages, 2,000, and the 100,000-paper
benchmark's pages outgrew it: Django's LocMemCache then drops a third of its entries at
once. Replayed through one process in the benchmark's order, every page was rendered
again in every round; in one run on gunicorn, the paper and profile pages fell to 44%
and 37% of hello world's requests/s, their p99 to 45 ms (bench/pages_bench.py). Here
the bound is on bytes (``MAX_BYTES``; the values are kept pickled, so their length is
what they hold), and past either bound the least recently used entries go one at a
time, only as many as the new value needs.
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# Bytes held by each named cache; like LocMemCache's own stores, shared by every
# thread's instance of the cache and changed under its lock.
_bytes_held: dict[str, list[int]] = {}


class SizedLocMemCache(LocMemCache):
    """``LocMemCache`` that holds at most ``OPTIONS["MAX_BYTES"]`` of pickled values."""

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS") or {}
        self._max_bytes = int(options.get("MAX_BYTES", 64 * 1024 * 1024))
        self._held = _bytes_held.setdefault(name, [0])

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)
        if len(value) > self._max_bytes:
            return  # could never be held; keeping it would push out everything else
        while self._cache and (
            len(self._cache) >= self._max_entries or self._held[0] + len(value) > self._max_bytes
        ):
            # Entries are kept most recently used first: the last one goes.
            self._delete(next(reversed(self._cache)))
        super()._set(key, value, timeout)
        self._held[0] += len(value)

    def _delete(self, key):
        value = self._cache.get(key)
        if not super()._delete(key):
            return False
        self._held[0] -= len(value)
        return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            new_value = pickle.loads(self._cache[key]) + delta  # noqa: S301 (our own pickle)
            timeout = self._expire_info[key]
            self._set(key, pickle.dumps(new_value, self.pickle_protocol))
            if key in self._cache:  # not kept when it outgrew the whole bound
                self._expire_info[key] = timeout
        return new_value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._held[0] = 0

    def bytes_held(self) -> int:
        """The pickled values' bytes this process holds in this cache."""
        return self._held[0]
