"""/statistiques/ and its CSV files: the list's selection, a continuous year axis, a shaded
theme × instrument matrix, and downloads that carry exactly the page's numbers."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.models import Instrument, Theme
from casestudies.statistics import CHART_SLUGS
from tests.catalogue_fixtures import build_catalogue
from tests.factories import InstrumentFactory, InstrumentUseFactory, complete_case

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:case-list")
STATISTICS = reverse("casestudies:statistics")
BOM = "\ufeff"


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def list_count(client, params):
    return client.get(LIST, params).context["paginator"].count


def charts(response) -> dict:
    return {chart.slug: chart for chart in response.context["charts"]}


def csv_url(chart, params=None):
    url = reverse("casestudies:statistics-csv", args=[chart])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


class TestCountsFollowTheList:
    @pytest.mark.parametrize("params", [{}, {"region": "bretagne"}, {"q": "réciprocité"}])
    def test_chart_counts_equal_the_list_counts(self, client, catalogue, params):
        response = client.get(STATISTICS, params)
        assert response.status_code == 200
        by_slug = charts(response)
        for row in by_slug["par-thematique"].rows:
            key = row.url.split("theme=")[-1].split("&")[0]
            assert row.count == list_count(client, {**params, "theme": key})
        for row in by_slug["par-outil"].rows:
            key = row.url.split("instrument=")[-1].split("&")[0]
            assert row.count == list_count(client, {**params, "instrument": key})
        for column in by_slug["par-annee"].columns:
            year = str(column.year)
            assert column.count == list_count(
                client, {**params, "year_min": year, "year_max": year}
            )
        for row in by_slug["thematiques-et-outils"].rows:
            for cell in row.cells:
                query = cell.url.split("?", 1)[1]
                assert cell.count == client.get(f"{LIST}?{query}").context["paginator"].count

    def test_drafts_are_never_counted(self, client, catalogue):
        response = client.get(STATISTICS)
        assert response.context["total"] == 4
        food = next(r for r in charts(response)["par-thematique"].rows if "Alimentation" in r.label)
        assert food.count == 2  # the draft about food is left out

    def test_each_chart_has_a_data_table(self, client, catalogue):
        text = client.get(STATISTICS).text
        assert text.count('<table class="data-table') == 5
        assert text.count('role="img"') == 4


class TestYearAxis:
    def test_every_year_between_the_first_and_the_last_has_its_column(self, client, catalogue):
        # Published sheets start in 2008, 2012, 2015 and 2019.
        years = charts(client.get(STATISTICS))["par-annee"]
        assert [c.year for c in years.columns] == list(range(2008, 2020))
        counts = {c.year: c.count for c in years.columns}
        assert counts[2009] == 0 and counts[2010] == 0  # empty years between two are there
        assert (counts[2008], counts[2012], counts[2015], counts[2019]) == (1, 1, 1, 1)
        assert years.empty_years == 8

    def test_columns_are_placed_by_year_and_empty_years_have_no_bar(self, client, catalogue):
        response = client.get(STATISTICS)
        years = charts(response)["par-annee"]
        assert [c.x for c in years.columns] == [30 * (c.year - 2008) for c in years.columns]
        svg = re.search(r'<svg[^>]*class="year-columns".*?</svg>', response.text, re.S).group(0)
        assert svg.count("<rect") == 4  # one bar per year with sheets, none for empty years
        assert "2010</text>" in svg and "2015</text>" in svg  # every fifth year is written
        table = response.text[response.text.index("années sans fiche comprises") :]
        assert re.search(r'<th scope="row">2009</th><td class="zero">0</td>', table)
        assert '<a href="/fiches/?year_min=2012&amp;year_max=2012">2012</a>' in table

    def test_a_single_year_is_one_labelled_column(self, client, db):
        complete_case(start_year=2020)
        years = charts(client.get(STATISTICS))["par-annee"]
        assert [(c.year, c.count, c.labelled) for c in years.columns] == [(2020, 1, True)]

    def test_no_start_year_no_histogram(self, client, db):
        complete_case(start_year=None)
        response = client.get(STATISTICS)
        assert charts(response)["par-annee"].columns == []
        assert "Aucune année de début connue dans cette sélection." in response.text


class TestMatrix:
    def instrument_names(self, *slugs):
        return [Instrument.objects.get(slug=slug).name for slug in slugs]

    def test_columns_are_only_the_instruments_of_the_selection(self, client, catalogue):
        InstrumentFactory(name="Outil que personne n'emploie")
        InstrumentUseFactory(case=catalogue.draft, instrument=InstrumentFactory(name="Secret"))
        matrix = charts(client.get(STATISTICS))["thematiques-et-outils"]
        # Most frequent first (the contrat de réciprocité has two sheets), then by name.
        assert matrix.columns == self.instrument_names(
            "contrat-de-reciprocite", "entente-intercommunale", "ptce"
        )
        assert Instrument.objects.count() > 5  # the vocabulary holds many more

        mobility = charts(client.get(STATISTICS, {"theme": "mobilite"}))["thematiques-et-outils"]
        assert mobility.columns == self.instrument_names("entente-intercommunale")
        assert [row.label for row in mobility.rows] == ["Mobilité"]

    def test_cells_are_shaded_by_value_with_the_number_written(self, client, catalogue):
        response = client.get(STATISTICS)
        matrix = charts(response)["thematiques-et-outils"]
        cells = [cell for row in matrix.rows for cell in row.cells]
        assert {cell.shade for cell in cells if cell.count == 0} == {0}
        assert all(cell.shade >= 1 for cell in cells if cell.count)
        assert matrix.legend  # (shade, low, high) ranges that cover every count
        for cell in cells:
            if cell.count:
                assert any(low <= cell.count <= high for _s, low, high in matrix.legend)
        html = response.text[response.text.index('class="data-table matrix heat-matrix"') :]
        html = html[: html.index("</table>")]
        written = re.findall(r'<td class="heat-(\d)">(?:<a [^>]*>)?(\d+)', html)
        assert len(written) == len(cells)  # every cell writes its number
        assert [int(n) for _shade, n in written] == [cell.count for cell in cells]
        assert "Légende des teintes" in response.text and "aucune fiche" in response.text

    def test_text_on_every_shade_has_a_contrast_of_at_least_4_5(self):
        css = (Path(settings.BASE_DIR) / "static" / "css" / "pages.css").read_text()
        rules = dict(re.findall(r"\.heat-(\d) \{ ([^}]*) \}", css))
        assert set(rules) == {"0", "1", "2", "3", "4"}

        def luminance(colour):
            colour = colour.lstrip("#")
            if len(colour) == 3:
                colour = "".join(c * 2 for c in colour)
            channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
            linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

        for shade, declarations in rules.items():
            background = re.search(r"background: (#[0-9a-f]+)", declarations).group(1)
            text = re.search(r"(?<!-)color: (#[0-9a-f]+)", declarations).group(1)
            light, dark = sorted([luminance(background), luminance(text)], reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 4.5, (shade, background, text)


class TestCsv:
    @pytest.mark.parametrize("chart", CHART_SLUGS)
    def test_each_chart_downloads_as_a_csv_for_french_spreadsheets(self, client, catalogue, chart):
        response = client.get(csv_url(chart))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="statistiques-{chart}.csv"'
        )
        rows = read_csv(response)
        assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)
        assert ";" in response.content.decode().splitlines()[0]

    def test_headers_are_in_french(self, client, catalogue):
        headers = {chart: read_csv(client.get(csv_url(chart)))[0] for chart in CHART_SLUGS}
        assert headers["par-thematique"] == ["Thématique", "Fiches"]
        assert headers["par-outil"] == ["Outil de coopération", "Fiches"]
        assert headers["par-type-de-territoire"] == ["Type de territoire", "Fiches"]
        assert headers["par-annee"] == ["Année de début", "Fiches"]
        assert headers["thematiques-et-outils"][0] == "Thématique"

    @pytest.mark.parametrize("params", [{}, {"region": "bretagne"}, {"status": "active"}])
    def test_csv_numbers_are_the_page_numbers(self, client, catalogue, params):
        page = charts(client.get(STATISTICS, params))
        for slug in CHART_SLUGS:
            rows = read_csv(client.get(csv_url(slug, params)))[1:]
            chart = page[slug]
            if slug == "par-annee":
                assert rows == [[str(c.year), str(c.count)] for c in chart.columns]
            elif slug == "thematiques-et-outils":
                assert rows == [
                    [row.label, *(str(cell.count) for cell in row.cells)] for row in chart.rows
                ]
            else:
                assert rows == [[row.label, str(row.count)] for row in chart.rows]

    def test_csv_counts_equal_the_list_counts_with_the_filters(self, client, catalogue):
        params = {"status": "active"}  # Toulouse (food, 2015) and Brest (mobility, 2012)
        themes = dict(read_csv(client.get(csv_url("par-thematique", params)))[1:])
        assert themes == {"Alimentation et agriculture": "1", "Mobilité": "1"}
        for name, count in themes.items():
            slug = Theme.objects.get(name=name).slug
            assert int(count) == list_count(client, {**params, "theme": slug})
        years = read_csv(client.get(csv_url("par-annee", params)))[1:]
        assert years[0] == ["2012", "1"] and years[-1] == ["2015", "1"]
        assert ["2013", "0"] in years
        brittany = read_csv(client.get(csv_url("par-outil", {"region": "bretagne"})))[1:]
        assert brittany == [[Instrument.objects.get(slug="entente-intercommunale").name, "1"]]

    def test_each_chart_links_to_its_csv_with_the_same_selection(self, client, catalogue):
        text = client.get(STATISTICS, {"region": "bretagne", "status": "active"}).text
        for chart in CHART_SLUGS:
            assert f'href="/statistiques/{chart}.csv?region=bretagne&amp;status=active"' in text
        assert text.count("Télécharger les données (CSV)") == 5

    @pytest.mark.parametrize("chart", ["inconnu", "par-thematique-x", "statistiques"])
    def test_an_unknown_chart_is_a_404(self, client, catalogue, chart):
        assert client.get(f"/statistiques/{chart}.csv").status_code == 404

    def test_an_ignored_filter_leaves_no_message_for_the_next_page(self, client, catalogue):
        response = client.get(csv_url("par-outil", {"theme": "inconnue"}))
        assert response.status_code == 200
        assert "Valeur inconnue" not in client.get(STATISTICS).text
        assert "Valeur inconnue" in client.get(STATISTICS, {"theme": "inconnue"}).text

    def test_drafts_never_reach_a_csv(self, client, catalogue):
        InstrumentUseFactory(case=catalogue.draft, instrument=InstrumentFactory(name="Secret"))
        for chart in CHART_SLUGS:
            assert "Secret" not in client.get(csv_url(chart)).content.decode()


def test_page_and_csv_query_counts_are_fixed_and_do_not_grow(
    client, db, django_assert_max_num_queries
):
    urls = [STATISTICS, *(csv_url(chart) for chart in CHART_SLUGS)]

    def queries(url):
        cache.clear()  # the cold path: counts computed, not read from the cache
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"theme": "mobilite"}).status_code == 200
        return len(context.captured_queries)

    mobility = Theme.objects.get(slug="mobilite")
    for _ in range(3):
        complete_case(themes=[mobility], start_year=2010)
    small = [queries(url) for url in urls]
    for number in range(30):
        complete_case(themes=[mobility], start_year=2000 + number)
    assert [queries(url) for url in urls] == small
    # The page: 6 vocabularies of the filters, the total, the catalogue generation, 6 counts
    # (years, themes twice, instruments, kinds, theme × instrument), theme and instrument names.
    # A file: the same without the total.
    for url, budget in zip(urls, [16] + [15] * len(CHART_SLUGS), strict=True):
        cache.clear()
        with django_assert_max_num_queries(budget):
            assert client.get(url, {"theme": "mobilite", "status": "active"}).status_code == 200
