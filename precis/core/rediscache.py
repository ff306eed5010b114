"""Django's Redis cache, with one redis-py client per connection pool, not one per call.

Django makes a new ``redis.Redis`` for every cache operation, and each copies
redis-py's table of response callbacks (a few hundred entries) into a new
case-insensitive dict: with Redis as the cache, about a twentieth of a signed-in
reader's hit on a shared copy. A client is only its pool and that table, and is safe
to share between threads, so each pool gets one, made the first time it is used.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id(pool) -> client; pools live as long as this object

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
