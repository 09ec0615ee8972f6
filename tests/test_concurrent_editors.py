"""Two editors at once, in two real transactions (PostgreSQL).

Transactional tests empty the database when they end: they live in files of their own, which
pytest-django schedules after every other test (as tests/test_backup.py).
"""

import pytest
from django.db import connection

from casestudies.models import CaseStudy, FacetCount
from tests.factories import ThemeFactory, complete_case
from tests.test_facet_index import assert_index_is_exact


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two real transactions at once need PostgreSQL (SQLite serialises writers)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_saving_at_once_keep_the_counters_exact():
    """Two transactions changing sheets that share their values (the same counters) at the same
    moment: neither deadlocks nor loses an increment (counters are locked in a fixed order)."""
    import threading

    from django.db import connections, transaction

    shared = ThemeFactory(name="Thème partagé", slug="theme-partage")
    cases = [complete_case(), complete_case()]
    extra = [ThemeFactory(), ThemeFactory()]
    errors, barrier = [], threading.Barrier(2)

    def edit(case, theme):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                case.themes.add(shared, theme)
                CaseStudy.objects.filter(pk=case.pk).unpublish()
                CaseStudy.objects.filter(pk=case.pk).publish()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=pair) for pair in zip(cases, extra, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert FacetCount.objects.get(facet="theme", value="theme-partage").sheets == 2
    assert_index_is_exact()
