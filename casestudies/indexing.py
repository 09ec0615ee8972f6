"""What is derived from the sheets, and the one place that keeps it current.

When a sheet or what it shows changes (signals.py, the QuerySet verbs of bulk changes, the
content loader), ``schedule_refresh(ids)`` rewrites, for those sheets:

- their search columns and full-text rows (``search_index``);
- their facet rows and the published counters (``facet_index``): a text fix changes neither;
- the « fiches proches » of those sheets and of the sheets whose list they enter or leave
  (``similarity``);
- their ``derived_token``, the key of their card's cached HTML.

It runs in the transaction of the change (a rollback undoes it too), except inside
``deferred_refresh()``, which collects the sheets of a bulk load and refreshes each once at
the end.
"""

from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from functools import partial

from django.db import transaction

from casestudies import facet_index, search_index, similarity
from casestudies.models import CaseStudy, CatalogueGeneration, SimilarCase

_state = threading.local()


def refresh(case_ids) -> None:
    deleting = getattr(_state, "deleting", set())
    ids = sorted({pk for pk in case_ids if pk is not None and pk not in deleting})
    if not ids:
        return
    search_index.refresh(ids)
    similarity.refresh(facet_index.refresh(ids))
    CaseStudy.objects.filter(pk__in=ids).update(derived_token=secrets.randbits(62) + 1)
    CatalogueGeneration.bump()


def before_delete(case) -> None:
    """A sheet about to be deleted: its facet rows and counters go now, and the sheets whose
    list showed it are noted (the cascade removes those rows)."""
    _state.deleting = getattr(_state, "deleting", set()) | {case.pk}
    facet_index.forget([case.pk])
    case._listing = list(SimilarCase.objects.filter(other=case).values_list("case_id", flat=True))


def after_delete(case) -> None:
    _state.deleting = getattr(_state, "deleting", set()) - {case.pk}
    search_index.refresh([case.pk])  # (its full-text row leaves SQLite's index)
    similarity.store(set(getattr(case, "_listing", [])) - {case.pk})
    CatalogueGeneration.bump()


def schedule_refresh(case_ids) -> None:
    pending = getattr(_state, "pending", None)
    if pending is None:
        refresh(case_ids)
    else:
        pending.update(case_ids)


def refresh_after_commit(case_ids) -> None:
    """loaddata: a sheet's row comes before its relations; index it once the load commits."""
    transaction.on_commit(partial(refresh, list(case_ids)))


@contextmanager
def deferred_refresh():
    """Collect the sheets to re-index and refresh each once, when the block ends."""
    if getattr(_state, "pending", None) is not None:  # nested: the outer block refreshes
        yield
        return
    _state.pending = set()
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    with transaction.atomic():
        refresh(pending)


def rebuild() -> None:
    """Every derived structure, recomputed from the sheets (after changes made without
    signals: a raw SQL import, a restored table)."""
    ids = list(CaseStudy.objects.values_list("pk", flat=True))
    search_index.refresh(ids)
    facet_index.rebuild()
    similarity.refresh_all()
    CatalogueGeneration.bump()
