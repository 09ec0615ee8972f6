"""The benchmark and the generator keep working (not timed: timings are the benchmark's job)."""

import csv
import io
import json
import urllib.request

import pytest
from django.core.management import call_command
from reversion.models import Revision

from benchmarks import datasette_comparison
from benchmarks.benchmark import Benchmark, table
from benchmarks.editing import COUNTS, MARK, TEXT, Editor, candidate_sheets
from benchmarks.synthetic import PREFIX, SyntheticCatalogue
from benchmarks.timing import CsvLines
from casestudies.models import CaseStudy, CatalogueGeneration, Participation, Territory

pytestmark = pytest.mark.django_db


def titles():
    return list(
        CaseStudy.objects.filter(slug__startswith=PREFIX)
        .order_by("slug")
        .values_list("title", flat=True)
    )


def state():
    """What the editor's saves change: summaries and themes of every sheet."""
    return [
        (case.summary, sorted(case.themes.values_list("pk", flat=True)))
        for case in CaseStudy.objects.order_by("pk")
    ]


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


def test_the_generator_grows_a_catalogue_up_to_a_size():
    call_command("generate_catalogue", up_to=0, stdout=io.StringIO())
    assert not CaseStudy.objects.filter(slug__startswith=PREFIX).exists()
    assert SyntheticCatalogue.grow_to(12, pool_scale=0.002) == 12
    assert SyntheticCatalogue.grow_to(20, pool_scale=0.002) == 8
    assert SyntheticCatalogue.grow_to(15, pool_scale=0.002) == 0
    assert CaseStudy.objects.filter(slug__startswith=PREFIX).count() == 20


def test_generated_sheets_are_found_by_the_catalogue(client):
    call_command("load_content")
    content = CaseStudy.objects.published().count()
    SyntheticCatalogue(40, seed=3, pool_scale=0.002).run()
    generated = CaseStudy.objects.published().filter(slug__startswith=PREFIX).count()
    response = client.get("/fiches/", {"q": "coopération"})
    assert response.status_code == 200
    assert client.get("/fiches/").context["paginator"].count == content + generated


def test_the_editor_saves_as_the_admin_and_leaves_the_catalogue_as_it_found_it():
    SyntheticCatalogue(10, seed=5, pool_scale=0.002).run()
    before = state()
    editor = Editor(candidate_sheets(limit=3))
    generation = CatalogueGeneration.current()
    editor.save(TEXT)
    marked = CaseStudy.objects.get(summary__endswith=MARK)
    assert marked.version == 2 and marked.slug.startswith(PREFIX)
    assert CatalogueGeneration.current() != generation
    generation = CatalogueGeneration.current()
    editor.save(COUNTS)
    assert CatalogueGeneration.current() != generation
    assert state() != before
    editor.restore()
    assert state() == before
    assert Revision.objects.filter(comment__startswith="Banc d'essai").count() == 4
    SyntheticCatalogue.clear()
    assert not Revision.objects.filter(comment__startswith="Banc d'essai").exists()


def test_the_edit_loop_saves_a_sheet_and_exits():
    SyntheticCatalogue(10, seed=5, pool_scale=0.002).run()
    before = state()
    output = io.StringIO()
    call_command("edit_loop", every=5, duration=0, stdout=output)
    assert "enregistrement (texte)" in output.getvalue()
    assert Revision.objects.filter(comment__startswith="Banc d'essai").count() == 2  # and back
    assert state() == before


def test_the_edit_loop_edits_real_sheets_when_nothing_is_generated():
    call_command("load_content")
    before = state()
    output = io.StringIO()
    call_command("edit_loop", every=5, duration=0, stdout=output)
    assert "du contenu (rétablies à la fin)" in output.getvalue()
    assert state() == before


def test_the_benchmark_runs_on_a_tiny_catalogue_and_reports_its_targets(settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["localhost"]
    call_command("load_content")
    # Without Datasette the benchmark says so and goes on (its own test is below).
    monkeypatch.setattr(datasette_comparison, "available", lambda: False)
    result = Benchmark([20, 40], runs=2, pool_scale=0.002, progress=lambda message: None).run()
    sizes = result["sizes"]
    assert [size["size"] for size in sizes] == [20, 40]
    assert sizes[0]["sheets"] < sizes[1]["sheets"]
    for size in sizes:
        assert set(size["measures"]) >= {
            "floor", "home", "list", "list_filters_facets", "search", "search_typo", "sheet",
            "territory", "instrument", "theme", "lessons", "map", "statistics", "api_list",
        }  # fmt: skip
        for measure in size["measures"].values():
            assert measure["p95_ms"] >= measure["median_ms"] > 0
            assert set(measure["cold"]) == {TEXT, COUNTS}
            assert all(cold["p95_ms"] >= cold["median_ms"] > 0 for cold in measure["cold"].values())
        # Each page: two cold samples after each kind of save.
        assert size["saves"][TEXT] == size["saves"][COUNTS] == 2 * len(size["measures"])
        assert size["exports"]["csv"]["rows"] == size["sheets"]
        assert size["exports"]["json"]["rows"] == size["sheets"]
    assert not CaseStudy.objects.filter(summary__endswith=MARK).exists()
    names = [target["target"] for target in result["targets"]]
    for expected in ("Froid p95 ≤ 300 ms", "Froid p95 ≤ 500 ms", "Recherche à froid", "30 ×"):
        assert any(expected in name for name in names), expected
    assert any("Export CSV ≥ 8000" in name for name in names)
    assert result["machine"]["database"] in {"sqlite", "postgresql"}
    report = table(result)
    assert "froid (texte)" in report and "froid (comptes)" in report and "Cibles :" in report
    assert "Datasette : non mesuré (datasette n'est pas installé" in report


def test_csv_lines_are_counted_across_chunks():
    text = io.StringIO()
    csv.writer(text).writerows([["a", "deux\nlignes"], ["b", "c"]])
    data = text.getvalue().encode()
    lines = CsvLines()
    for index in range(len(data)):
        lines.feed(data[index : index + 1])
    assert lines.count == 2


@pytest.mark.skipif(not datasette_comparison.available(), reason="datasette n'est pas installé")
def test_datasette_serves_the_same_published_sheets(tmp_path):
    SyntheticCatalogue(15, seed=2, pool_scale=0.002).run()
    published = CaseStudy.objects.published().count()
    path = tmp_path / "bench.db"
    assert datasette_comparison.write_database(path) == published
    with datasette_comparison.Server(path) as server:
        server.restart()
        for url in datasette_comparison.SCENARIOS.values():
            assert server.get(url)[0] > 0
        with urllib.request.urlopen(server.base + "/bench/sheets.json?_shape=array") as response:
            rows = json.load(response)
        assert len(rows) == published
        assert all(isinstance(json.loads(row["themes"]), list) for row in rows)
    result = datasette_comparison.measure(1, tmp_path, progress=lambda message: None)
    assert result["csv"]["rows"] == published
    assert set(result["scenarios"]) == {"list_filters_facets", "search"}
