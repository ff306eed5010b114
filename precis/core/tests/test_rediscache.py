"""The Redis cache backend (core/rediscache.py): Django's, sharing one client per pool."""

import threading

import pytest
from django.conf import settings
from django.core.cache import caches

from precis.core.rediscache import RedisCache

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="the Redis cache needs REDIS_URL (a Redis server)"
)


@pytest.fixture
def redis_cache():
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "precis-test-rediscache"})
    cache.clear()
    yield cache
    cache.clear()


def test_the_site_uses_it():
    assert isinstance(caches["default"], RedisCache)
    assert isinstance(caches["pages"], RedisCache)


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    assert client.connection_pool is redis_cache._cache._get_connection_pool(True)


def test_it_answers_as_a_cache_from_many_threads(redis_cache):
    failures = []

    def work(number):
        try:
            redis_cache.set(f"count{number}", 0)
            for step in range(50):
                key = f"k{number}:{step}"
                assert redis_cache.add(key, {"n": number, "step": step})
                assert redis_cache.get(key) == {"n": number, "step": step}
                assert redis_cache.incr(f"count{number}") == step + 1
            assert redis_cache.get_many([f"k{number}:0", f"k{number}:49"]) == {
                f"k{number}:0": {"n": number, "step": 0},
                f"k{number}:49": {"n": number, "step": 49},
            }
            redis_cache.delete(f"k{number}:0")
            assert redis_cache.get(f"k{number}:0") is None
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
