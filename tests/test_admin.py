"""The admin as the staff's editing tool: every model editable, inlines, clear French errors."""

import html

import pytest
from django.urls import reverse

from casestudies.models import (
    CaseStudy,
    CooperationType,
    Instrument,
    LessonCategory,
    Participation,
    PublicationStatus,
    Territory,
)
from tests.factories import (
    CaseStudyFactory,
    InstrumentFactory,
    OrganisationFactory,
    SourceDocumentFactory,
    TerritoryFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def admin_url(obj, action="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


def every_model_instance():
    return [
        TerritoryFactory(name="Pays de Morlaix"),
        OrganisationFactory(name="Chambre d'agriculture du Puy-de-Dôme"),
        InstrumentFactory(name="Entente de test"),
        ThemeFactory(name="Mobilité de test"),
        CooperationType.objects.get(slug="urbain-rural"),
        LessonCategory.objects.get(number=3),
        SourceDocumentFactory(title="Vadémécum de test", short_title="Vadémécum de test"),
        CaseStudyFactory(title="Brest – Quimper : entente de test"),
    ]


def test_change_and_list_pages_of_every_model_show_the_record_to_staff(staff_client):
    for obj in every_model_instance():
        change = staff_client.get(admin_url(obj))
        assert change.status_code == 200, obj
        assert html.escape(str(getattr(obj, "name", None) or obj.title)) in change.text
        changelist = staff_client.get(
            reverse(f"admin:casestudies_{obj._meta.model_name}_changelist")
        )
        assert changelist.status_code == 200
        add = staff_client.get(reverse(f"admin:casestudies_{obj._meta.model_name}_add"))
        assert add.status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(client):
    for obj in every_model_instance():
        response = client.get(admin_url(obj))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_admin_is_in_french(staff_client):
    response = staff_client.get(reverse("admin:casestudies_casestudy_add"))
    assert "Parties prenantes" in response.text
    assert "Enregistrer" in response.text


def management_form(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def sheet_form_data(territory, other_territory_role="partenaire", **overrides):
    theme = ThemeFactory()
    instrument = Instrument.objects.get(slug="contrat-de-reciprocite")
    source = SourceDocumentFactory()
    organisation = OrganisationFactory()
    data = {
        "title": "Métropole d'essai – PETR d'essai : contrat de réciprocité",
        "slug": "metropole-petr-essai-contrat",
        "summary": "Une métropole et un PETR voisins signent un contrat de réciprocité.",
        "themes": [str(theme.pk)],
        "cooperation_types": [str(CooperationType.objects.get(slug="urbain-rural").pk)],
        "start_year": "2016",
        "end_year": "",
        "cooperation_status": "active",
        "publication_status": PublicationStatus.DRAFT,
        **management_form("participations", 2),
        "participations-0-territory": str(territory.pk),
        "participations-0-role": "porteur",
        "participations-0-position": "0",
        "participations-1-organisation": str(organisation.pk),
        "participations-1-role": other_territory_role,
        "participations-1-position": "1",
        **management_form("instrument_uses", 1),
        "instrument_uses-0-instrument": str(instrument.pk),
        "instrument_uses-0-signature_year": "2016",
        **management_form("citations", 1),
        "citations-0-source": str(source.pk),
        "citations-0-line_start": "10",
        "citations-0-line_end": "40",
        **management_form("lessons", 1),
        "lessons-0-kind": "reussite",
        "lessons-0-category": str(LessonCategory.objects.get(number=7).pk),
        "lessons-0-text": "La confiance entre élus.",
        "lessons-0-position": "0",
        **management_form("redirects", 0),
    }
    data.update(overrides)
    return data


def test_admin_saves_a_sheet_with_its_inlines(staff_client):
    territory = TerritoryFactory()
    response = staff_client.post(
        reverse("admin:casestudies_casestudy_add"), sheet_form_data(territory)
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    case = CaseStudy.objects.get(slug="metropole-petr-essai-contrat")
    assert case.participations.count() == 2
    assert case.instrument_uses.get().signature_year == 2016
    assert case.citations.get().line_end == 40
    assert case.lessons.get().category.number == 7
    assert case.themes.count() == 1


def test_duplicate_party_in_one_submission_is_refused_with_a_french_message(staff_client):
    territory = TerritoryFactory()
    data = sheet_form_data(territory)
    data.update(
        {
            **management_form("participations", 2),
            "participations-1-organisation": "",
            "participations-1-territory": str(territory.pk),
            "participations-1-role": "porteur",
        }
    )
    response = staff_client.post(reverse("admin:casestudies_casestudy_add"), data)
    assert response.status_code == 200
    assert "figure deux fois avec le même rôle" in response.text
    assert not CaseStudy.objects.exists()
    assert not Participation.objects.exists()


def test_duplicate_of_a_saved_party_is_refused_with_a_french_message(staff_client):
    territory = TerritoryFactory()
    staff_client.post(reverse("admin:casestudies_casestudy_add"), sheet_form_data(territory))
    case = CaseStudy.objects.get()
    existing = case.participations.get(territory=territory)
    data = sheet_form_data(territory)
    data.update(
        {
            **management_form("participations", 2, initial=1),
            "participations-0-id": str(existing.pk),
            "participations-0-case": str(case.pk),
            "participations-1-organisation": "",
            "participations-1-territory": str(territory.pk),
            "participations-1-role": "porteur",
            **management_form("instrument_uses", 0),
            **management_form("citations", 0),
            **management_form("lessons", 0),
            "loaded_version": str(case.version),
        }
    )
    response = staff_client.post(admin_url(case), data)
    assert response.status_code == 200
    assert "figure deux fois avec le même rôle" in response.text
    assert case.participations.count() == 2


def test_participation_with_both_kinds_of_party_is_refused(staff_client):
    territory = TerritoryFactory()
    data = sheet_form_data(
        territory, **{"participations-0-organisation": str(OrganisationFactory().pk)}
    )
    response = staff_client.post(reverse("admin:casestudies_casestudy_add"), data)
    assert response.status_code == 200
    assert "soit un territoire, soit une organisation" in response.text
    assert not CaseStudy.objects.exists()


def test_malformed_siren_is_refused_in_the_admin_with_a_french_message(staff_client):
    response = staff_client.post(
        reverse("admin:casestudies_territory_add"),
        {
            "name": "Brest métropole",
            "slug": "brest-metropole",
            "kind": "metropole",
            "siren": "24290",
        },
    )
    assert response.status_code == 200
    assert "9 chiffres" in response.text
    assert not Territory.objects.filter(slug="brest-metropole").exists()


def test_insee_code_on_a_grouping_is_refused_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:casestudies_territory_add"),
        {"name": "PETR d'essai", "slug": "petr-essai", "kind": "petr", "insee_code": "63113"},
    )
    assert response.status_code == 200
    assert "Seuls les communes, départements et régions" in response.text
    assert not Territory.objects.filter(slug="petr-essai").exists()


def test_absurd_year_is_refused_in_the_admin(staff_client):
    data = sheet_form_data(TerritoryFactory(), start_year="1850")
    response = staff_client.post(reverse("admin:casestudies_casestudy_add"), data)
    assert response.status_code == 200
    assert "1950" in response.text
    assert not CaseStudy.objects.exists()


def test_submit_publish_and_unpublish_actions(staff_client):
    draft = CaseStudyFactory(draft=True)
    changelist = reverse("admin:casestudies_casestudy_changelist")

    def act(action):
        return staff_client.post(
            changelist, {"action": action, "_selected_action": [draft.pk]}, follow=True
        )

    refused = act("publish_selected")
    assert "seules les fiches « À relire » peuvent être publiées" in refused.text
    draft.refresh_from_db()
    assert draft.publication_status == PublicationStatus.DRAFT

    assert "1 fiche soumise à relecture." in act("submit_for_review").text
    assert "1 fiche publiée." in act("publish_selected").text
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None

    act("unpublish_selected")
    draft.refresh_from_db()
    assert draft.publication_status == PublicationStatus.DRAFT


def test_sheet_list_filters_by_territory_kind(staff_client):
    petr = TerritoryFactory(kind="petr")
    with_petr = CaseStudyFactory(title="Avec un PETR")
    with_petr.participations.create(territory=petr, role="porteur")
    CaseStudyFactory(title="Sans PETR")
    response = staff_client.get(
        reverse("admin:casestudies_casestudy_changelist"), {"territory_kind": "petr"}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [with_petr]


def test_autocomplete_finds_territories_by_name(staff_client):
    TerritoryFactory(name="Toulouse Métropole")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "toulouse",
            "app_label": "casestudies",
            "model_name": "participation",
            "field_name": "territory",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Toulouse Métropole"]
