"""Process-wide cache of what a store configures rarely and every application reads (its
reason catalogue, its current policy), keyed by the store's `config_tag`.

Every change to either gives the store a new random tag in the same transaction, so a
request that sees the committed tag sees the matching entry; other processes notice the
new tag on their next read of the store row, which every request makes anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shouhou.models import Store
from shouhou.models.store import new_config_tag

T = TypeVar("T")
_CACHE: dict[tuple[str, int, str], Any] = {}
_LIMIT = 10_000


def cached(store: Store, name: str, load: Callable[[], T]) -> T:
    if not store.config_tag:  # a row from before tags existed: read it every time
        return load()
    key = (name, store.id, store.config_tag)
    if key not in _CACHE:
        if len(_CACHE) >= _LIMIT:
            _CACHE.clear()
        _CACHE[key] = load()
    return _CACHE[key]


def changed(store: Store) -> None:
    """The store's policy or reasons changed (in this transaction): later reads miss the cache."""
    store.config_tag = new_config_tag()
