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

import threading
from contextlib import contextmanager
from functools import partial

from django.db import connection, transaction
from django.db.models import Q

from casestudies import facet_index, search_index, similarity
from casestudies.models import CaseStudy, CatalogueGeneration, SimilarCase
from casestudies.models.cases import new_token

_state = threading.local()
INDEXING_LOCK = 16_2026  # the key of the advisory lock (any constant of this application)


def refresh(case_ids) -> None:
    ids = sorted({pk for pk in case_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():  # (in the caller's transaction when there is one)
        # Transactions that re-index take turns until they end (PostgreSQL: a transaction-level
        # advisory lock): each reads what the other wrote, counters never move twice, and the
        # words, counters and lists they share are never locked in opposite orders.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEXING_LOCK])
        sheets = CaseStudy.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        list(sheets.values_list("pk", flat=True))
        search_index.refresh(ids)
        similarity.refresh(facet_index.refresh(ids))
        CaseStudy.objects.filter(pk__in=ids).update(derived_token=new_token())
        CatalogueGeneration.bump()


RELIST_LIMIT = 200


def relist(case_ids) -> None:
    """A partner, instrument or theme renamed: the « fiches proches » of its sheets name it
    (the lists that do are those of the sheets that have it). Up to ``RELIST_LIMIT`` sheets at
    once; beyond, the nightly ``refresh_similar`` renames it."""
    ids = list(case_ids[: RELIST_LIMIT + 1])
    if 0 < len(ids) <= RELIST_LIMIT:
        similarity.store(set(ids))


def before_delete(case) -> None:
    """A sheet about to be deleted: its facet rows leave the counters now (the cascade would
    drop them silently), and the sheets whose list showed it are noted."""
    facet_index.forget([case.pk])
    case._listing = list(SimilarCase.objects.filter(other=case).values_list("case_id", flat=True))


def after_delete(case, pk) -> None:
    """Once the sheet is gone: its facet rows leave the counters (its children's signals may
    have indexed it again during the cascade), its lists go, the lists that showed it are
    recomputed."""
    facet_index.forget([pk])
    SimilarCase.objects.filter(Q(case_id=pk) | Q(other_id=pk)).delete()
    search_index.refresh([pk])  # (its full-text row leaves SQLite's index)
    similarity.store(set(getattr(case, "_listing", [])) - {pk})
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
    CaseStudy.objects.update(derived_token=new_token())
    CatalogueGeneration.bump()
