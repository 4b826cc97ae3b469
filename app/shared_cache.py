"""Values worth computing once and sharing: Redis when `REDIS_URL` is set, else this process's memory.

`remember(key, compute)` returns the value kept under `key`, or computes it, keeps it and returns it. A key
names the state of the data it was computed from (an edition's version, a publication's stamp), so a kept
value is never stale: a new state is a new key, and old keys expire after `CACHE_DEFAULT_TIMEOUT` seconds.
Values are pickled (Flask-Caching over cachelib): keep plain data in them, never ORM objects.

The cache is an optimisation only. When Redis cannot be reached the value is computed as if nothing were
kept and the failure is logged; no page fails because of it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from flask_caching import Cache
from redis.exceptions import RedisError

cache = Cache()
log = logging.getLogger(__name__)
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Redis (shared by every process and server) when REDIS_URL is set, else a bounded in-process store."""
    config = {
        "CACHE_DEFAULT_TIMEOUT": app.config["CACHE_DEFAULT_TIMEOUT"],
        "CACHE_KEY_PREFIX": key_prefix(app),
    }
    if app.config.get("REDIS_URL"):
        config |= {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": app.config["REDIS_URL"]}
        config["CACHE_OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 2}
    else:
        config |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": app.config["CACHE_MEMORY_ITEMS"]}
    cache.init_app(app, config=config)


def key_prefix(app: Flask) -> str:
    """CACHE_KEY_PREFIX and a digest of the database's address: installations sharing one Redis never read
    each other's values (their edition ids and versions are alike), while every server of one shares them."""
    database = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
    return f"{app.config['CACHE_KEY_PREFIX']}{hashlib.blake2b(database.encode(), digest_size=4).hexdigest()}:"


def remember(key: str, compute: Callable[[], T], timeout: int | None = None) -> T:
    """The value kept under `key`, or `compute()` kept there (None is never kept: it is computed again)."""
    try:
        value = cache.get(key)
    except RedisError:
        log.warning("cache unreachable; computing %s", key.split(":", 1)[0], exc_info=True)
        return compute()
    if value is not None:
        return value
    value = compute()
    if value is not None:
        try:
            cache.set(key, value, timeout=timeout)
        except RedisError:
            log.warning("cache unreachable; %s not kept", key.split(":", 1)[0], exc_info=True)
    return value


def forget_everything() -> None:
    """Drop every kept value (after a restore: ids and versions may come back naming other data)."""
    try:
        cache.clear()
    except RedisError:
        log.warning("cache unreachable; kept values not dropped", exc_info=True)
