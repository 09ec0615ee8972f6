"""Editorial workflow: roles, review before publication, history, no lost update."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from casestudies.models import CaseStudy, Participation, PublicationStatus, Role
from tests.factories import (
    CaseStudyFactory,
    InstrumentUseFactory,
    ParticipationFactory,
    TerritoryFactory,
    ThemeFactory,
    complete_case,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:casestudies_casestudy_changelist")


def user_in(django_user_model, group_name, username):
    user = django_user_model.objects.create_user(
        username=username, password="un-mot-de-passe-solide", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def redacteur(client, django_user_model):
    client.force_login(user_in(django_user_model, "Rédacteur", "redactrice"))
    return client


@pytest.fixture
def editeur(client, django_user_model):
    client.force_login(user_in(django_user_model, "Éditeur", "editeur"))
    return client


def change_form_data(client, case, **changes):
    """What a browser would post back from the change form the server renders."""
    response = client.get(reverse("admin:casestudies_casestudy_change", args=[case.pk]))
    assert response.status_code == 200
    data = form_data_from(response)
    data.update(changes)
    return data


def post_change(client, case, **changes):
    url = reverse("admin:casestudies_casestudy_change", args=[case.pk])
    return client.post(url, change_form_data(client, case, **changes))


class TestRoles:
    def test_groups_hold_the_expected_permissions(self):
        redacteur = set(
            Group.objects.get(name="Rédacteur").permissions.values_list("codename", flat=True)
        )
        editeur = set(
            Group.objects.get(name="Éditeur").permissions.values_list("codename", flat=True)
        )
        assert {
            "add_casestudy",
            "change_casestudy",
            "add_territory",
            "change_sourcedocument",
        } <= redacteur
        assert "publish_casestudy" not in redacteur and "delete_casestudy" not in redacteur
        assert redacteur < editeur
        assert {"publish_casestudy", "delete_casestudy", "delete_territory"} <= editeur

    def test_a_redacteur_cannot_publish_from_the_change_form(self, redacteur):
        case = complete_case(draft=True, publication_status=PublicationStatus.IN_REVIEW)
        response = post_change(redacteur, case, publication_status=PublicationStatus.PUBLISHED)
        assert response.status_code == 200
        assert "Seul un éditeur peut publier ou dépublier une fiche." in response.text
        case.refresh_from_db()
        assert case.publication_status == PublicationStatus.IN_REVIEW
        assert case.published_at is None

    def test_a_redacteur_is_only_offered_draft_and_review(self, redacteur):
        """The workflow's buttons (tests/test_review_workflow.py has every role and status)."""
        case = complete_case(draft=True)
        response = redacteur.get(reverse("admin:casestudies_casestudy_change", args=[case.pk]))
        assert [status for status, _label in response.context["transitions"]] == [
            PublicationStatus.IN_REVIEW
        ]

    def test_a_redacteur_cannot_publish_with_a_forged_action(self, redacteur):
        case = complete_case(draft=True, publication_status=PublicationStatus.IN_REVIEW)
        redacteur.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [case.pk]})
        case.refresh_from_db()
        assert case.publication_status == PublicationStatus.IN_REVIEW

    def test_a_redacteur_cannot_unpublish(self, redacteur):
        case = complete_case()
        redacteur.post(CHANGELIST, {"action": "unpublish_selected", "_selected_action": [case.pk]})
        response = post_change(redacteur, case, publication_status=PublicationStatus.DRAFT)
        assert "Sélectionnez un choix valide" in response.text or response.status_code == 200
        case.refresh_from_db()
        assert case.is_published

    def test_a_redacteur_cannot_publish_with_a_bulk_edit(self, redacteur):
        case = complete_case(draft=True, publication_status=PublicationStatus.IN_REVIEW)
        redacteur.post(
            CHANGELIST,
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(case.pk),
                "form-0-publication_status": PublicationStatus.PUBLISHED,
                "_save": "Enregistrer",
            },
        )
        case.refresh_from_db()
        assert case.publication_status == PublicationStatus.IN_REVIEW

    def test_a_redacteur_cannot_delete(self, redacteur):
        case = complete_case(draft=True)
        response = redacteur.post(
            reverse("admin:casestudies_casestudy_delete", args=[case.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        assert CaseStudy.objects.filter(pk=case.pk).exists()

    def test_a_redacteur_submits_a_draft_for_review(self, redacteur):
        case = complete_case(draft=True)
        response = post_change(redacteur, case, publication_status=PublicationStatus.IN_REVIEW)
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.publication_status == PublicationStatus.IN_REVIEW

    def test_an_editeur_publishes_a_reviewed_sheet_and_the_date_is_set_once(self, editeur):
        case = complete_case(draft=True, publication_status=PublicationStatus.IN_REVIEW)
        assert (
            post_change(editeur, case, publication_status=PublicationStatus.PUBLISHED).status_code
            == 302
        )
        case.refresh_from_db()
        first = case.published_at
        assert case.is_published and first is not None
        post_change(editeur, case, publication_status=PublicationStatus.DRAFT)
        post_change(editeur, case, publication_status=PublicationStatus.IN_REVIEW)
        post_change(editeur, case, publication_status=PublicationStatus.PUBLISHED)
        case.refresh_from_db()
        assert case.is_published and case.published_at == first

    def test_an_editeur_cannot_publish_a_draft_that_skipped_review(self, editeur):
        case = complete_case(draft=True)
        response = post_change(editeur, case, publication_status=PublicationStatus.PUBLISHED)
        assert response.status_code == 200
        case.refresh_from_db()
        assert case.publication_status == PublicationStatus.DRAFT

    def test_an_editeur_can_delete(self, editeur):
        case = complete_case(draft=True)
        editeur.post(reverse("admin:casestudies_casestudy_delete", args=[case.pk]), {"post": "yes"})
        assert not CaseStudy.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW])
def test_unpublished_sheets_are_invisible_on_every_public_surface(client, status):
    territory = TerritoryFactory(name="Territoire témoin")
    theme = ThemeFactory(name="Thème témoin")
    visible = complete_case(title="Fiche publiée témoin")
    hidden = CaseStudyFactory(
        title="Fiche cachée zorglub", publication_status=status, published_at=None
    )
    for case in (visible, hidden):
        ParticipationFactory(case=case, territory=territory, role=Role.MEMBRE)
        case.themes.add(theme)
    use = InstrumentUseFactory(case=hidden)
    InstrumentUseFactory(case=visible, instrument=use.instrument)

    pages = [
        "/",
        reverse("casestudies:case-list"),
        reverse("casestudies:case-list") + "?q=zorglub",
        territory.get_absolute_url(),
        theme.get_absolute_url(),
        use.instrument.get_absolute_url(),
        reverse("casestudies:territory-list"),
        reverse("casestudies:instrument-list"),
        reverse("casestudies:lesson-list"),
        reverse("casestudies:source-list"),
        visible.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Fiche cachée" not in response.text, url
    assert client.get(hidden.get_absolute_url()).status_code == 404


class TestHistory:
    def test_an_inline_change_is_recorded_and_a_revert_restores_it(self, editeur):
        case = complete_case(draft=True)
        participation = case.participations.get(role=Role.PORTEUR)
        # First save through the admin: the starting point of the history.
        assert post_change(editeur, case).status_code == 302
        first_version = Version.objects.get_for_object(case).order_by("pk").last()

        prefix = "participations"
        index = list(case.participations.order_by("position", "pk")).index(participation)
        response = post_change(editeur, case, **{f"{prefix}-{index}-role": Role.FINANCEUR})
        assert response.status_code == 302
        participation.refresh_from_db()
        assert participation.role == Role.FINANCEUR
        assert Version.objects.get_for_object(case).count() == 2

        history = editeur.get(reverse("admin:casestudies_casestudy_history", args=[case.pk]))
        assert history.status_code == 200
        revert_url = reverse(
            "admin:casestudies_casestudy_revision", args=[case.pk, first_version.pk]
        )
        form = editeur.get(revert_url)
        assert form.status_code == 200
        response = editeur.post(revert_url, form_data_from(form))
        assert response.status_code == 302
        participation.refresh_from_db()
        assert participation.role == Role.PORTEUR


def form_data_from(response):
    """Every field of the rendered admin form and its inline forms, as a browser sends them."""
    adminform = response.context["adminform"].form
    data = {}
    for name in adminform.fields:
        value = adminform[name].value()
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value not in (None, ""):
                    data[form.add_prefix(name)] = str(value)
    return data


class TestNoLostUpdate:
    def test_a_save_based_on_an_old_version_is_refused(self, editeur, client, django_user_model):
        case = complete_case(draft=True, title="Titre d'origine")
        stale = change_form_data(editeur, case, title="Titre de l'éditeur en retard")

        other = django_user_model.objects.create_superuser("collegue", "c@example.org", "x" * 20)
        colleague = client.__class__()
        colleague.force_login(other)
        assert post_change(colleague, case, title="Titre de la collègue").status_code == 302

        url = reverse("admin:casestudies_casestudy_change", args=[case.pk])
        response = editeur.post(url, stale)
        assert response.status_code == 200
        assert "a été modifiée par collegue" in response.text
        case.refresh_from_db()
        assert case.title == "Titre de la collègue"

    def test_successive_saves_of_a_fresh_form_succeed(self, editeur):
        case = complete_case(draft=True)
        assert post_change(editeur, case, title="Premier titre").status_code == 302
        assert post_change(editeur, case, title="Second titre").status_code == 302
        case.refresh_from_db()
        assert case.title == "Second titre"
        assert case.version == 3


def test_the_admin_shows_a_sanitised_preview(editeur):
    case = complete_case(draft=True, history="**Depuis 2010** <script>alert(1)</script>")
    response = editeur.get(reverse("admin:casestudies_casestudy_change", args=[case.pk]))
    assert "<strong>Depuis 2010</strong>" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_participation_is_kept_when_staff_remove_nothing(editeur):
    case = complete_case(draft=True)
    before = Participation.objects.filter(case=case).count()
    assert post_change(editeur, case).status_code == 302
    assert Participation.objects.filter(case=case).count() == before
