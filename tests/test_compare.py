"""/comparer/: what the compared sheets share, rows in order of usefulness, comparable figures."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.models import Instrument, ReferenceArea, Role, Theme
from tests.catalogue_fixtures import build_catalogue
from tests.factories import (
    CaseStudyFactory,
    CitationFactory,
    InstrumentUseFactory,
    LessonFactory,
    OrganisationFactory,
    ParticipationFactory,
    TerritoryFactory,
    complete_case,
)

pytestmark = pytest.mark.django_db

COMPARE = reverse("casestudies:compare")
ROW_ORDER = [
    "Parties prenantes",
    "Nombre de parties prenantes",
    "Population des territoires partenaires",
    "Types de parties",
    "Outils",
    "Thématiques",
    "Types de coopération",
    "Gouvernance",
    "Moyens humains et financiers",
    "Conditions de réussite",
    "Freins et difficultés",
    "Années",
    "État",
    "Sources",
]


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def url(*cases):
    return COMPARE + "?fiches=" + ",".join(case.slug for case in cases)


def rows_of(response) -> dict:
    return {row.label: row for row in response.context["rows"]}


def labels(cell) -> list[str]:
    return [item.label for item in cell]


def row_html(response, label) -> str:
    """The <tr> whose row header starts with ``label``."""
    for row in re.findall(r"<tr>.*?</tr>", response.text, re.S):
        if re.search(rf'<th scope="row">{re.escape(label)}[ <]', row):
            return row
    raise AssertionError(label)


class TestSharedValues:
    def test_what_two_sheets_share_is_marked_en_commun(self, client, catalogue):
        # Toulouse and Nantes: both a contrat de réciprocité, food, urbain–rural; other parties.
        response = client.get(url(catalogue.toulouse, catalogue.nantes))
        assert response.status_code == 200
        rows = rows_of(response)
        tools = rows["Outils"]
        assert tools.in_common == 1
        assert all(item.in_common and item.in_all for cell in tools.cells for item in cell)
        assert "en commun" in row_html(response, "Outils")
        assert "en commun" in row_html(response, "Thématiques")
        assert "en commun" not in row_html(response, "Parties prenantes")  # no shared party
        assert rows["Parties prenantes"].in_common == 0
        # Their kinds of party are the same (a métropole, a PETR): shared, row by row.
        assert rows["Types de parties"].in_common == 2
        # Active and « en projet »: not shared.
        assert rows["État"].in_common == 0
        assert "en commun" not in row_html(response, "État")
        assert "≠" not in response.text and "différent selon les fiches" not in response.text

    def test_the_summary_lists_the_shared_values(self, client, catalogue):
        response = client.get(url(catalogue.toulouse, catalogue.nantes))
        summary = response.text[response.text.index("Ce que ces fiches ont en commun") :]
        summary = summary[: summary.index("Tableau comparatif")]
        reciprocity = Instrument.objects.get(slug="contrat-de-reciprocite").name
        assert reciprocity in summary and "Alimentation et agriculture" in summary
        assert "Toulouse Métropole" not in summary
        assert [line.label for line in response.context["shared"]] == [
            "Types de parties", "Outils", "Thématiques", "Types de coopération",
            "Conditions de réussite",  # a lesson of the same category; the sources differ
        ]  # fmt: skip

    def test_a_shared_partner_is_marked_and_listed_first(self, client, db):
        partner = TerritoryFactory(name="PNR des Grands Causses", kind="pnr")
        first, second = complete_case(title="Première"), complete_case(title="Seconde")
        for case in (first, second):
            ParticipationFactory(case=case, territory=partner, role=Role.PARTENAIRE)
        response = client.get(url(first, second))
        parties = rows_of(response)["Parties prenantes"]
        assert parties.in_common == 1
        for cell in parties.cells:
            assert cell[0].label == "PNR des Grands Causses" and cell[0].in_common
            assert not any(item.in_common for item in cell[1:])
        html = row_html(response, "Parties prenantes")
        assert re.search(
            r"PNR des Grands Causses</a> \(Parc naturel régional, Partenaire\) "
            r'<span class="shared-tag">en commun</span>',
            html,
        )
        assert "1 valeur en commun" in html

    def test_with_three_sheets_a_value_of_two_says_which(self, client, catalogue):
        response = client.get(url(catalogue.toulouse, catalogue.brest, catalogue.nantes))
        tools = rows_of(response)["Outils"]
        reciprocity = tools.cells[0][0]
        assert (reciprocity.shared, reciprocity.compared, reciprocity.in_all) == (2, 3, False)
        assert reciprocity.holders == [1, 3]
        assert "en commun (fiches 1, 3)" in row_html(response, "Outils")
        assert not tools.cells[1][0].in_common  # the entente is Brest's alone

    def test_lessons_are_shared_by_category(self, client, catalogue):
        response = client.get(url(catalogue.toulouse, catalogue.brest))
        successes = rows_of(response)["Conditions de réussite"]
        # Both sheets have a lesson of category 7, with their own texts.
        assert successes.in_common == 1
        assert [len(cell[0].notes) for cell in successes.cells] == [1, 1]
        assert "en commun" in row_html(response, "Conditions de réussite")


class TestRowsAndFigures:
    def test_rows_in_order_of_usefulness_sources_last(self, client, catalogue):
        response = client.get(url(catalogue.toulouse, catalogue.brest))
        assert [row.label for row in response.context["rows"]] == ROW_ORDER
        headers = re.findall(r'<th scope="row">([^<]+)', response.text)
        assert [header.strip() for header in headers] == ROW_ORDER

    def test_number_of_parties_and_years(self, client, db):
        first = complete_case(title="Première", start_year=2016, end_year=2020)
        second = complete_case(title="Seconde", start_year=2019)
        ParticipationFactory(case=second)
        response = client.get(url(first, second))
        rows = rows_of(response)
        parties = rows["Nombre de parties prenantes"].cells
        assert [(f.value, f.detail) for f in parties] == [
            ("2", "1 territoire, 1 organisation"),
            ("3", "2 territoires, 1 organisation"),
        ]
        years = rows["Années"].cells
        assert (years[0].value, years[0].detail) == ("2016 – 2020", "durée : 4 ans")
        assert (years[1].value, years[1].detail) == ("depuis 2019", "année de fin non précisée")

    def test_population_sums_known_populations_and_counts_each_person_once(self, client, db):
        reference = ReferenceArea.objects.create(
            kind="epci", code="200066926", name="Grand Auch", population=40000
        )
        commune_area = ReferenceArea.objects.create(
            kind="commune", code="32013", name="Auch", population=22000
        )
        commune_area.contained_in.add(reference)
        epci = TerritoryFactory(
            name="Grand Auch Cœur de Gascogne", kind="communaute-agglomeration",
            siren="200066926", reference=reference, population=39000,
        )  # fmt: skip
        auch = TerritoryFactory(name="Auch", kind="commune", reference=commune_area)
        petr = TerritoryFactory(name="PETR de Gascogne", kind="petr", population=70000)
        unknown = TerritoryFactory(name="Pays sans chiffre", kind="pays")
        funder = TerritoryFactory(name="Région financeuse", kind="region", population=6_000_000)
        sheet = CaseStudyFactory(title="Gascogne")
        for territory, role in [
            (epci, Role.PORTEUR), (auch, Role.PARTENAIRE), (petr, Role.PARTENAIRE),
            (unknown, Role.MEMBRE), (funder, Role.FINANCEUR),
        ]:  # fmt: skip
            ParticipationFactory(case=sheet, territory=territory, role=role)
        other = CaseStudyFactory(title="Sans territoire")
        ParticipationFactory(case=other, territory=None, organisation=OrganisationFactory())
        response = client.get(url(sheet, other))
        figure, none = rows_of(response)["Population des territoires partenaires"].cells
        # Official population of the EPCI (40 000, not the source's 39 000), the PETR's from
        # the source; Auch is inside the EPCI; the funding région does not cooperate.
        assert figure.value == "110\xa0000 habitants"
        assert figure.detail == (
            "population connue pour 2 territoires sur 3 ; "
            "1 territoire compris dans un autre n'est pas compté à part"
        )
        assert none.value == "" and none.detail == ""
        assert "110\xa0000 habitants" in row_html(response, "Population des territoires")

    def test_a_territory_placed_only_in_a_partner_departement_is_counted_once(self, client, db):
        departement = TerritoryFactory(
            name="Gers", kind="departement", insee_code="32", population=190000
        )
        petr = TerritoryFactory(name="PETR du Gers", kind="petr", population=70000)
        petr.departements.add(departement)
        sheet = CaseStudyFactory(title="Gers")
        ParticipationFactory(case=sheet, territory=departement, role=Role.PORTEUR)
        ParticipationFactory(case=sheet, territory=petr, role=Role.PARTENAIRE)
        response = client.get(url(sheet, complete_case()))
        figure = rows_of(response)["Population des territoires partenaires"].cells[0]
        assert figure.value == "190\xa0000 habitants"

    def test_the_table_has_a_caption_headers_and_a_focusable_scroll_region(self, client, catalogue):
        text = client.get(url(catalogue.toulouse, catalogue.brest, catalogue.nantes)).text
        assert re.search(
            r'<div class="table-scroll" role="region" tabindex="0" '
            r'aria-labelledby="comparaison-legende">\s*<table class="data-table compare">\s*'
            r'<caption id="comparaison-legende">Comparaison de 3 fiches',
            text,
        )
        assert text.count('<th scope="col">') == 4  # « Critère » and one per sheet
        assert text.count('<th scope="row">') == len(ROW_ORDER)
        assert "Fiche 1</span>" in text and "Fiche 3</span>" in text


class TestRequests:
    def test_repeated_parameters_work_like_a_comma_list(self, client, catalogue):
        response = client.get(COMPARE, {"fiches": [catalogue.toulouse.slug, catalogue.brest.slug]})
        assert [c.slug for c in response.context["cases"]] == [
            catalogue.toulouse.slug, catalogue.brest.slug,
        ]  # fmt: skip

    def test_more_than_four_unknown_and_draft_slugs_get_a_message(self, client, catalogue):
        extra = CaseStudyFactory()
        published = [catalogue.toulouse, catalogue.brest, catalogue.nantes, catalogue.cluster]
        response = client.get(url(*published, extra) + ",n-existe-pas," + catalogue.draft.slug)
        assert response.status_code == 200
        assert response.context["cases"] == published
        assert "On compare au plus 4 fiches" in response.text
        assert "n-existe-pas" in response.text and catalogue.draft.slug in response.text
        assert catalogue.draft.title not in response.text

    @pytest.mark.parametrize("query", ["", "?fiches=", "?fiches=,,,", "?fiches=" + "x" * 5000])
    def test_too_few_sheets_explain_what_to_do(self, client, catalogue, query):
        response = client.get(COMPARE + query)
        assert response.status_code == 200
        assert "ajoutez deux à quatre fiches à la comparaison" in response.text

    def test_one_published_sheet_is_not_a_comparison(self, client, catalogue):
        response = client.get(url(catalogue.toulouse, catalogue.draft))
        assert response.context["rows"] == []
        assert "Choisissez au moins deux fiches publiées" in response.text


def sheet_with(parties: int, extras: int):
    case = complete_case(start_year=2015)
    departement = TerritoryFactory(kind="departement")
    for _ in range(parties):
        area = ReferenceArea.objects.create(
            kind="epci", code=f"{ReferenceArea.objects.count():09d}", name="EPCI", population=900
        )
        region, _created = ReferenceArea.objects.get_or_create(kind="region", code="99", name="R")
        area.contained_in.add(region)
        territory = TerritoryFactory(population=1000, reference=area)
        territory.departements.add(departement)
        territory.regions.add(TerritoryFactory(kind="region"))
        grouping = TerritoryFactory(kind="petr")
        grouping.members.add(territory)
        ParticipationFactory(case=case, territory=territory, role=Role.PARTENAIRE)
    for number in range(extras):
        InstrumentUseFactory(case=case)
        slug = f"theme-{case.pk}-{number}"
        case.themes.add(Theme.objects.create(name=slug, slug=slug))
        CitationFactory(case=case)
        LessonFactory(case=case)
    return case


def test_query_count_is_fixed_and_does_not_grow(client, db, django_assert_max_num_queries):
    def count(cases):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(*cases)).status_code == 200
        return len(context.captured_queries)

    small = count([sheet_with(1, 1), sheet_with(1, 1)])
    large = count([sheet_with(12, 8) for _ in range(4)])
    assert large == small
    # The slugs found, the sheets, their parties, the parties' official records (with the
    # population of their communes) and what contains them, their groupings, départements and
    # régions, instruments, themes, cooperation types, citations, lessons.
    cases = [sheet_with(3, 2), sheet_with(2, 3)]
    with django_assert_max_num_queries(14):
        client.get(url(*cases))
