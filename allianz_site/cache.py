"""Django's own RedisCache, made fail-safe: the cache is an accelerator, never a dependency.

While Redis is unreachable, reads are misses and writes are dropped (and logged), so pages are
built from the database. After a failure the backend leaves Redis alone for RETRY_SECONDS, so an
unreachable host (a connect timeout, not an instant refusal) does not slow every request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class FailSafeRedisCache(RedisCache):
    _unavailable_until = 0.0

    def _try(self, fallback, method, *args, **kwargs):
        if time.monotonic() < self._unavailable_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._unavailable_until = time.monotonic() + RETRY_SECONDS
            logger.error(
                "Redis cache unavailable (%s: %s); serving without cache.", method.__name__, error
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._try(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._try({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._try(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._try(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._try(None, super().delete_many, keys, version)

    def clear(self):
        return self._try(False, super().clear)

    def incr(self, key, delta=1, version=None):
        # Unavailable counts as "no such key", Django's own answer for a counter not set (the
        # rate limits of the alert form then let the request through).
        value = self._try(None, super().incr, key, delta, version)
        if value is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return value
