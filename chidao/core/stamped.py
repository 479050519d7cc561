"""Figures kept in the default cache under a data stamp (ADR 0015).

A figure that costs a scan (a national due list's counts: 1,500,000 rows) is read once per stamp: a value that
every write changing the figure changes too (a round's `updated_at`, which its services touch). The stamp is in
the key, so a stale figure is never served, whether the cache is this process's memory or shared by every
machine (CHIDAO_CACHE_URL), and nothing has to be deleted: entries of old stamps expire.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches

T = TypeVar("T")
DAY = 24 * 3600


def stamp_key(name: str, stamp: Any) -> str:
    return f"stamped:{name}:{hashlib.sha256(repr(stamp).encode()).hexdigest()}"


def stamped_get_many(name: str, stamps: dict[Any, Any]) -> dict[Any, Any]:
    """The cached values of several stamps of one figure (by the caller's keys), those not cached left out."""
    keys = {stamp_key(name, stamp): k for k, stamp in stamps.items()}
    found = caches["default"].get_many(list(keys))
    return {keys[key]: value for key, value in found.items()}


def stamped_set(name: str, stamp: Any, value: Any, *, seconds: int = DAY) -> None:
    caches["default"].set(stamp_key(name, stamp), value, seconds)


def stamped(name: str, stamp: Any, compute: Callable[[], T], *, seconds: int = DAY) -> T:
    """The figure `name` for `stamp` from the cache, else computed and kept for `seconds`."""
    key = stamp_key(name, stamp)
    cache = caches["default"]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
