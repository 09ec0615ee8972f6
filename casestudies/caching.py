"""The few values still cached: what search derives from its vocabulary and synonyms.

Pages and counts are not cached: they read structures made for them (the facet index, its
counters, the stored « fiches proches »). Search caches the synonym list, the typo
alternatives of a misspelt word and the corrected query, keyed by ``CatalogueGeneration``,
which changes in the same transaction as any sheet (``indexing.refresh``) or synonym: a stale
value is never served, whatever the cache backend or number of server processes.
"""

import hashlib
import threading

from django.core.cache import cache
from django.core.signals import request_finished, request_started

from casestudies.models import CatalogueGeneration

TIMEOUT = 24 * 3600

_request = threading.local()


def start_request(**kwargs) -> None:
    _request.active, _request.generation, _request.release = True, None, None


def end_request(**kwargs) -> None:
    _request.active, _request.generation, _request.release = False, None, None


request_started.connect(start_request, dispatch_uid="generation-request-started")
request_finished.connect(end_request, dispatch_uid="generation-request-finished")


def current_release() -> int:
    """The release token, read once per request (cards and the facet panel use it)."""
    if not getattr(_request, "active", False):
        return CatalogueGeneration.current_release()
    if getattr(_request, "release", None) is None:
        _request.release = CatalogueGeneration.current_release()
    return _request.release


def current_generation() -> int:
    """The generation, read once per request (a search reads several cached values) and on
    every call outside requests (commands, tests)."""
    if not getattr(_request, "active", False):
        return CatalogueGeneration.current()
    if _request.generation is None:
        _request.generation = CatalogueGeneration.current()
    return _request.generation


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
