"""Caching of counts (facets, map, statistics) under the catalogue's generation.

A cached value is keyed by what it counts and by ``CatalogueGeneration``, which every change
to the catalogue bumps in the same transaction: a stale count is never served, whatever cache
backend or number of server processes.
"""

import hashlib
import threading
from contextlib import contextmanager

from django.core.cache import cache

from casestudies.models import CatalogueGeneration

TIMEOUT = 24 * 3600

_pinned = threading.local()


@contextmanager
def one_generation():
    """Within the block, every cached value is read under the generation read at its start.

    A page built of several cached parts then reads the generation once, and its parts all
    describe the same state of the catalogue.
    """
    if getattr(_pinned, "generation", None) is not None:  # nested: the outer block decides
        yield
        return
    _pinned.generation = CatalogueGeneration.current()
    try:
        yield
    finally:
        _pinned.generation = None


def current_generation() -> int:
    pinned = getattr(_pinned, "generation", None)
    return CatalogueGeneration.current() if pinned is None else pinned


def query_key(query, keep=None, drop=()) -> str:
    """A stable digest of a query string: parameters in any order give the same key, but the
    values of one parameter keep their order (the last ``page`` or ``sort`` is the one used).
    Only the parameters in ``keep`` (all when None) and not in ``drop`` count."""
    items = sorted(
        (key, values)
        for key, values in query.lists()
        if (keep is None or key in keep) and key not in drop
    )
    return hashlib.sha1(repr(items).encode(), usedforsecurity=False).hexdigest()


def text_key(text: str) -> str:
    """A digest of any text, safe as a key for every cache backend."""
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def cached(name: str, key: str, compute, store_if=None):
    """The value of ``compute()`` for ``key``, from the cache under the current generation;
    a computed value is stored unless ``store_if(value)`` is false."""
    full_key = f"catalogue:{name}:{current_generation()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        if store_if is None or store_if(value):
            cache.set(full_key, value, TIMEOUT)
    return value
