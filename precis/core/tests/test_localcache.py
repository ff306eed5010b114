"""The per-process pages cache, bounded by the bytes it holds (precis/core/localcache.py)."""

import itertools
import pickle
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from precis.core.localcache import SizedLocMemCache

_names = itertools.count()


def sized_cache(max_bytes: int, max_entries: int = 100_000, name: str = "") -> SizedLocMemCache:
    """A cache of its own (LocMemCache's stores are shared by name within a process), or
    another instance of the cache ``name``, as another thread gets."""
    return SizedLocMemCache(
        name or f"sized-test-{next(_names)}",
        {"OPTIONS": {"MAX_BYTES": max_bytes, "MAX_ENTRIES": max_entries}, "TIMEOUT": 300},
    )


def size_of(value) -> int:
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def held_bytes(cache: SizedLocMemCache) -> int:
    return sum(len(value) for value in cache._cache.values())


def test_past_its_bytes_the_least_recently_read_page_goes_and_no_more():
    page = "x" * 1000
    cache = sized_cache(max_bytes=3 * size_of(page) + 10)
    for key in "abc":
        cache.set(key, page)
    assert cache.get("a") == page  # read: now the most recent

    cache.set("d", page)

    assert cache.get("b") is None  # the least recently used, and only it
    assert [cache.get(key) for key in "acd"] == [page] * 3
    assert cache.bytes_held() == held_bytes(cache) == 3 * size_of(page)


def test_one_large_page_pushes_out_as_many_small_ones_as_it_needs():
    cache = sized_cache(max_bytes=10 * size_of("s" * 100))
    for n in range(10):
        cache.set(f"small-{n}", "s" * 100)
    cache.set("large", "L" * (4 * size_of("s" * 100)))

    kept = [n for n in range(10) if cache.get(f"small-{n}") is not None]
    assert cache.get("large") is not None
    assert kept == list(range(5, 10))  # the five oldest went
    assert cache.bytes_held() <= 10 * size_of("s" * 100)


def test_a_value_larger_than_the_whole_cache_is_not_kept_and_evicts_nothing():
    cache = sized_cache(max_bytes=2000)
    cache.set("small", "s" * 100)
    cache.set("huge", "h" * 5000)

    assert cache.get("huge") is None
    assert cache.get("small") == "s" * 100
    assert cache.bytes_held() == held_bytes(cache)


def test_replacing_deleting_expiring_and_clearing_keep_the_count_true():
    cache = sized_cache(max_bytes=100_000)
    cache.set("page", "a" * 500)
    cache.set("page", "b" * 50)  # replaced: counted once, at its new size
    assert cache.bytes_held() == size_of("b" * 50)
    cache.set("other", "c" * 200)
    cache.delete("other")
    assert cache.bytes_held() == size_of("b" * 50)
    cache.set("gone", "d" * 300, timeout=-1)  # already expired
    assert cache.get("gone") is None
    assert cache.add("page", "ignored") is False
    assert cache.bytes_held() == held_bytes(cache) == size_of("b" * 50)
    cache.clear()
    assert cache.bytes_held() == 0
    assert cache.get("page") is None


def test_incr_keeps_the_count_true_and_the_entrys_expiry():
    cache = sized_cache(max_bytes=100_000)
    cache.set("n", 1, timeout=30)
    expires = cache._expire_info[cache.make_key("n")]

    assert cache.incr("n", 2**70) == 1 + 2**70  # a longer pickle than 1's

    assert cache.get("n") == 1 + 2**70
    assert cache._expire_info[cache.make_key("n")] == expires
    assert cache.bytes_held() == held_bytes(cache) == size_of(1 + 2**70)


def test_a_number_that_outgrows_the_whole_cache_is_dropped_cleanly():
    cache = sized_cache(max_bytes=size_of(2**64) - 1)
    cache.set("n", 1)

    cache.incr("n", 2**70)  # its pickle no longer fits at all

    assert cache.get("n") is None
    assert not cache.has_key("n")
    assert cache.bytes_held() == held_bytes(cache) == 0


def test_the_entry_bound_still_holds():
    cache = sized_cache(max_bytes=10**9, max_entries=3)
    for key in "abcd":
        cache.set(key, key)
    assert [cache.get(key) for key in "abcd"] == [None, "b", "c", "d"]


def test_threads_writing_at_once_leave_the_count_true():
    name = f"sized-test-{next(_names)}"
    cache = sized_cache(max_bytes=50_000, name=name)

    def write(worker: int):
        mine = sized_cache(max_bytes=50_000, name=name)  # each thread its own instance
        for n in range(300):
            mine.set(f"{worker}-{n % 40}", "v" * (n * 7 % 900))
            if n % 5 == 0:
                mine.delete(f"{worker}-{(n + 3) % 40}")
            mine.get(f"{(worker + 1) % 4}-{n % 40}")

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert cache.bytes_held() == held_bytes(cache) <= 50_000


operations = st.lists(
    st.tuples(
        st.sampled_from(["set", "get", "delete"]),
        st.integers(0, 7),
        st.integers(0, 400),
    ),
    max_size=60,
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(operations)
def test_it_keeps_what_a_least_recently_used_cache_of_that_many_bytes_would(steps):
    limit = 1500
    cache = sized_cache(max_bytes=limit)
    model: OrderedDict[str, int] = OrderedDict()  # key -> size, most recent last
    for operation, key_number, length in steps:
        key = f"k{key_number}"
        if operation == "set":
            size = size_of("v" * length)
            model.pop(key, None)
            while model and sum(model.values()) + size > limit:
                model.popitem(last=False)
            model[key] = size
            cache.set(key, "v" * length)
        elif operation == "get":
            found = cache.get(key)
            assert (found is not None) == (key in model)
            if key in model:
                model.move_to_end(key)
        else:
            cache.delete(key)
            model.pop(key, None)
        assert cache.bytes_held() == held_bytes(cache) == sum(model.values()) <= limit


def test_without_redis_the_pages_cache_is_bounded_by_page_cache_mib():
    pages = caches["pages"]
    if settings.REDIS_URL:
        assert not isinstance(pages, SizedLocMemCache)
        return
    assert isinstance(pages, SizedLocMemCache)
    assert pages._max_bytes == settings.PAGE_CACHE_MIB * 1024 * 1024


def test_page_cache_mib_is_read_from_the_environment():
    from .test_settings import run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.core.cache import caches; print(caches['pages']._max_bytes)",
        DEBUG="true",
        REDIS_URL="",
        PAGE_CACHE_MIB="3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(3 * 1024 * 1024)
