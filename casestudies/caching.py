"""Caching of counts (facets, map, statistics) under the catalogue's generation.

A cached value is keyed by what it counts and by ``CatalogueGeneration``, which every change
to the catalogue bumps in the same transaction: a stale count is never served, whatever cache
backend or number of server processes.
"""

import hashlib

from django.core.cache import cache

from casestudies.models import CatalogueGeneration

TIMEOUT = 24 * 3600


def query_key(query) -> str:
    """A stable digest of a query string (same parameters in any order: same key)."""
    items = sorted((key, value) for key in query for value in query.getlist(key))
    return hashlib.sha1(repr(items).encode(), usedforsecurity=False).hexdigest()


def cached(name: str, key: str, compute):
    full_key = f"catalogue:{name}:{CatalogueGeneration.current()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value
