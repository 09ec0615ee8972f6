"""Integrity rules of the domain model, enforced by the database and by model validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from casestudies.models import CaseStudy, Participation, PublicationStatus, Role, TerritoryKind
from tests.factories import (
    CaseStudyFactory,
    CitationFactory,
    InstrumentUseFactory,
    OrganisationFactory,
    ParticipationFactory,
    TerritoryFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(create):
    # PostgreSQL refuses an over-long value before checking constraints (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create()


class TestTerritoryCodes:
    @pytest.mark.parametrize("siren", ["12345678", "1234567890", "12345678A", "123 456 789"])
    def test_malformed_siren_is_rejected_by_the_database(self, siren):
        assert_rejected_by_database(lambda: TerritoryFactory(siren=siren))

    def test_malformed_siren_gets_a_french_validation_message(self):
        territory = TerritoryFactory.build(siren="12345")
        with pytest.raises(ValidationError) as error:
            territory.full_clean()
        assert "9 chiffres" in str(error.value.message_dict["siren"])

    def test_well_formed_siren_is_accepted(self):
        territory = TerritoryFactory(siren="200065928")
        territory.full_clean()
        assert territory.official_code == "200065928"

    def test_two_territories_cannot_share_a_siren(self):
        TerritoryFactory(siren="200065928")
        assert_rejected_by_database(lambda: TerritoryFactory(siren="200065928"))

    def test_many_territories_may_have_no_siren(self):
        TerritoryFactory(siren="")
        TerritoryFactory(siren="")

    @pytest.mark.parametrize(
        ("kind", "code"),
        [
            (TerritoryKind.COMMUNE, "63113"),
            (TerritoryKind.COMMUNE, "2A004"),
            (TerritoryKind.DEPARTEMENT, "63"),
            (TerritoryKind.DEPARTEMENT, "2B"),
            (TerritoryKind.DEPARTEMENT, "974"),
            (TerritoryKind.REGION, "84"),
        ],
    )
    def test_insee_codes_of_the_right_shape_are_accepted(self, kind, code):
        territory = TerritoryFactory(kind=kind, insee_code=code)
        territory.full_clean()

    @pytest.mark.parametrize(
        ("kind", "code"),
        [
            (TerritoryKind.COMMUNE, "6311"),
            (TerritoryKind.COMMUNE, "63"),
            (TerritoryKind.DEPARTEMENT, "631"),
            (TerritoryKind.REGION, "2A"),
            (TerritoryKind.METROPOLE, "63113"),
            (TerritoryKind.PETR, "84"),
        ],
    )
    def test_insee_code_must_match_the_kind_of_territory(self, kind, code):
        assert_rejected_by_database(lambda: TerritoryFactory(kind=kind, insee_code=code))
        with pytest.raises(ValidationError) as error:
            TerritoryFactory.build(kind=kind, insee_code=code).full_clean()
        assert "insee_code" in error.value.message_dict

    def test_a_region_and_a_departement_may_share_a_code(self):
        TerritoryFactory(kind=TerritoryKind.REGION, insee_code="01")
        TerritoryFactory(kind=TerritoryKind.DEPARTEMENT, insee_code="01")

    def test_two_communes_cannot_share_an_insee_code(self):
        TerritoryFactory(kind=TerritoryKind.COMMUNE, insee_code="63113")
        assert_rejected_by_database(
            lambda: TerritoryFactory(kind=TerritoryKind.COMMUNE, insee_code="63113")
        )

    def test_slugs_are_unique(self):
        TerritoryFactory(slug="grand-clermont")
        assert_rejected_by_database(lambda: TerritoryFactory(slug="grand-clermont"))


class TestParticipation:
    def test_a_party_cannot_appear_twice_with_the_same_role(self):
        participation = ParticipationFactory(role=Role.PORTEUR)
        assert_rejected_by_database(
            lambda: ParticipationFactory(
                case=participation.case, territory=participation.territory, role=Role.PORTEUR
            )
        )

    def test_duplicate_party_gets_a_french_validation_message(self):
        participation = ParticipationFactory(role=Role.PORTEUR)
        duplicate = Participation(
            case=participation.case, territory=participation.territory, role=Role.PORTEUR
        )
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert "figure déjà avec ce rôle" in str(error.value)

    def test_the_same_party_may_hold_two_roles(self):
        participation = ParticipationFactory(role=Role.PORTEUR)
        ParticipationFactory(
            case=participation.case, territory=participation.territory, role=Role.FINANCEUR
        )
        assert participation.case.participations.count() == 2

    def test_same_organisation_twice_with_same_role_is_rejected(self):
        case = CaseStudyFactory()
        organisation = OrganisationFactory()
        ParticipationFactory(case=case, territory=None, organisation=organisation)
        assert_rejected_by_database(
            lambda: ParticipationFactory(case=case, territory=None, organisation=organisation)
        )

    def test_a_participation_names_exactly_one_party(self):
        case = CaseStudyFactory()
        assert_rejected_by_database(
            lambda: ParticipationFactory(case=case, territory=None, organisation=None)
        )
        assert_rejected_by_database(
            lambda: ParticipationFactory(case=case, organisation=OrganisationFactory())
        )


class TestYears:
    @pytest.mark.parametrize("year", [1949, 2101, 0, 20100])
    def test_absurd_start_year_is_rejected(self, year):
        assert_rejected_by_database(lambda: CaseStudyFactory(start_year=year))
        with pytest.raises(ValidationError) as error:
            CaseStudyFactory.build(start_year=year).full_clean()
        assert "start_year" in error.value.message_dict

    def test_plausible_years_are_accepted(self):
        case = CaseStudyFactory(start_year=1950, end_year=2100)
        case.full_clean()

    def test_a_cooperation_cannot_end_before_it_starts(self):
        assert_rejected_by_database(lambda: CaseStudyFactory(start_year=2015, end_year=2010))

    def test_absurd_signature_year_is_rejected(self):
        assert_rejected_by_database(lambda: InstrumentUseFactory(signature_year=1800))

    def test_citation_line_range_must_be_ordered(self):
        assert_rejected_by_database(lambda: CitationFactory(line_start=50, line_end=10))


class TestPublication:
    def test_saving_a_published_sheet_sets_its_publication_date(self):
        case = CaseStudyFactory(draft=True)
        assert case.published_at is None
        case.publication_status = PublicationStatus.PUBLISHED
        case.save()
        assert case.published_at is not None

    def test_a_published_sheet_without_date_is_rejected_by_the_database(self):
        case = CaseStudyFactory(draft=True)
        assert_rejected_by_database(
            lambda: CaseStudy.objects.filter(pk=case.pk).update(
                publication_status=PublicationStatus.PUBLISHED
            )
        )

    def test_publish_keeps_the_first_publication_date(self):
        case = CaseStudyFactory()
        first = case.published_at
        CaseStudy.objects.filter(pk=case.pk).unpublish()
        CaseStudy.objects.filter(pk=case.pk).publish()
        case.refresh_from_db()
        assert case.is_published
        assert case.published_at == first


class TestThemes:
    def test_themes_have_two_levels_only(self):
        root = ThemeFactory()
        child = ThemeFactory(parent=root)
        grandchild = ThemeFactory.build(parent=child)
        with pytest.raises(ValidationError) as error:
            grandchild.full_clean()
        assert "deux niveaux" in str(error.value)


class TestStringsAndUrls:
    def test_case_url_is_a_readable_french_path(self):
        case = CaseStudyFactory(slug="grand-clermont-pnr")
        assert case.get_absolute_url() == "/fiches/grand-clermont-pnr/"
        assert str(case) == case.title

    def test_territory_url(self):
        assert TerritoryFactory(slug="brest-metropole").get_absolute_url() == (
            "/territoires/brest-metropole/"
        )

    def test_sections_lists_only_filled_sections_in_template_order(self):
        case = CaseStudyFactory(
            history="Depuis 2007.", governance="", territory_context="106 communes"
        )
        labels = [str(label) for label, _ in case.sections()]
        assert labels == ["le territoire et son organisation", "historique de la coopération"]
