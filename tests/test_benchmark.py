"""The benchmark and the generator keep working (not timed: timings are the benchmark's job)."""

import pytest
from django.core.management import call_command

from benchmarks.benchmark import Benchmark, table
from benchmarks.synthetic import PREFIX, SyntheticCatalogue
from casestudies.models import CaseStudy, Participation, Territory

pytestmark = pytest.mark.django_db


def titles():
    return list(
        CaseStudy.objects.filter(slug__startswith=PREFIX)
        .order_by("slug")
        .values_list("title", flat=True)
    )


def test_the_generator_is_deterministic_and_removable():
    SyntheticCatalogue(30, seed=7, pool_scale=0.002).run()
    first = titles()
    assert len(first) == 30
    counts = Participation.objects.filter(case__slug__startswith=PREFIX).values("case").distinct()
    assert counts.count() == 30
    per_sheet = [
        c.participations.count() for c in CaseStudy.objects.filter(slug__startswith=PREFIX)
    ]
    assert min(per_sheet) >= 2 and max(per_sheet) <= 8
    SyntheticCatalogue.clear()
    assert not CaseStudy.objects.filter(slug__startswith=PREFIX).exists()
    assert not Territory.objects.filter(slug__startswith=PREFIX).exists()
    SyntheticCatalogue(30, seed=7, pool_scale=0.002).run()
    assert titles() == first


def test_generated_sheets_are_found_by_the_catalogue(client):
    call_command("load_content")
    content = CaseStudy.objects.published().count()
    SyntheticCatalogue(40, seed=3, pool_scale=0.002).run()
    generated = CaseStudy.objects.published().filter(slug__startswith=PREFIX).count()
    response = client.get("/fiches/", {"q": "coopération"})
    assert response.status_code == 200
    assert client.get("/fiches/").context["paginator"].count == content + generated


def test_the_benchmark_runs_on_a_tiny_catalogue_and_reports_its_targets(settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    call_command("load_content")
    result = Benchmark([20, 40], runs=2, pool_scale=0.002, progress=lambda message: None).run()
    sizes = result["sizes"]
    assert [size["sheets"] for size in sizes] == sorted(size["sheets"] for size in sizes)
    for size in sizes:
        assert set(size["measures"]) >= {"floor", "list", "list_filters_facets", "search", "sheet"}
        assert all(m["p95_ms"] >= m["median_ms"] > 0 for m in size["measures"].values())
        assert size["export_rows"] == size["sheets"]
    names = [target["target"] for target in result["targets"]]
    assert any("requêtes SQL" in name for name in names)
    assert any("Export CSV" in name for name in names)
    assert result["machine"]["database"] in {"sqlite", "postgresql"}
    assert "Cibles :" in table(result)
