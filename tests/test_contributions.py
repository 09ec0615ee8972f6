"""/contribuer/: a public proposal becomes a moderated proposal, never a published sheet."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.models import CaseStudy, PublicationStatus, Role
from contributions.models import Proposal, ProposalKind, ProposalStatus
from cooperations.antispam import SALT, start_token
from tests.factories import (
    CaseStudyFactory,
    InstrumentFactory,
    OrganisationFactory,
    ParticipationFactory,
    TerritoryFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("contributions:contribute")


@pytest.fixture(autouse=True)
def no_wait(settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0


@pytest.fixture
def known():
    """A published sheet whose parties the form suggests, and the vocabularies it offers."""
    case = CaseStudyFactory(title="Alimentation entre la métropole et le PETR")
    metropole = TerritoryFactory(name="Toulouse Métropole", kind="metropole")
    ParticipationFactory(case=case, territory=metropole, role=Role.PORTEUR)
    hidden = TerritoryFactory(name="Territoire des seuls brouillons")
    ParticipationFactory(case=CaseStudyFactory(draft=True), territory=hidden)
    return {
        "case": case,
        "territory": metropole,
        "organisation": OrganisationFactory(name="Chambre d'agriculture du Gers"),
        "instrument": InstrumentFactory(),
        "theme": ThemeFactory(),
    }


def proposal_data(known, **changes):
    data = {
        "debut": start_token(),
        "site_web": "",
        "title": "Coopération alimentaire Toulouse – Gers",
        "partenaire_1": "Toulouse Métropole",
        "partenaire_2": "chambre d'agriculture du gers",
        "partenaire_3": "Communauté de communes inventée",
        "instrument": str(known["instrument"].pk),
        "instrument_other": "",
        "themes": [str(known["theme"].pk)],
        "start_year": "2016",
        "end_year": "",
        "description": "La métropole et le PETR organisent l'approvisionnement des cantines.",
        "successes": "Des élus qui se connaissent.",
        "obstacles": "Peu de moyens d'animation.",
        "links": "https://exemple.org/dossier\nhttps://exemple.org/bilan.pdf",
        "contributor_name": "Camille Martin",
        "contributor_organisation": "PETR du Pays Portes de Gascogne",
        "contributor_email": "camille@exemple.org",
    }
    data.update(changes)
    return data


@pytest.fixture
def editor_mailbox(django_user_model):
    """An Éditeur (notified) and a Rédacteur (not: they cannot publish), with addresses."""
    editor = django_user_model.objects.create_user(
        "editrice", "editrice@exemple.org", "un-mot-de-passe-solide", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Éditeur"))
    writer = django_user_model.objects.create_user(
        "redacteur", "redacteur@exemple.org", "un-mot-de-passe-solide", is_staff=True
    )
    writer.groups.add(Group.objects.get(name="Rédacteur"))
    return editor


# -- the form -------------------------------------------------------------------------------------
def test_the_form_suggests_the_parties_of_published_sheets_only(client, known):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Toulouse Métropole" in response.context["known_parties"]
    assert "Territoire des seuls brouillons" not in response.context["known_parties"]
    html = response.content.decode()
    assert 'list="parties-connues"' in html and '<datalist id="parties-connues">' in html
    assert "(obligatoire)" in html
    assert 'name="site_web"' in html and 'tabindex="-1"' in html


def test_every_sheet_links_to_an_update_report_that_names_it(client, known):
    case = known["case"]
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"{URL}?fiche={case.slug}" in page
    response = client.get(URL, {"fiche": case.slug})
    assert response.context["case"] == case
    assert response.context["form"]["title"].value() == case.title
    assert "Signaler une mise à jour" in response.content.decode()
    draft = CaseStudyFactory(draft=True)
    assert client.get(URL, {"fiche": draft.slug}).context["case"] is None


# -- a proposal is stored, acknowledged, notified -------------------------------------------------
def test_a_proposal_is_stored_for_moderation_and_mailed_through_smtp(
    client, known, smtp, editor_mailbox
):
    response = client.post(URL, proposal_data(known))
    assert response.status_code == 302 and response.url == reverse("contributions:thanks")

    proposal = Proposal.objects.get()
    assert proposal.kind == ProposalKind.NEW and proposal.status == ProposalStatus.NEW
    assert proposal.title == "Coopération alimentaire Toulouse – Gers"
    assert proposal.partners == [
        {"name": "Toulouse Métropole", "territory": known["territory"].slug, "organisation": None},
        {
            "name": "chambre d'agriculture du gers",
            "territory": None,
            "organisation": known["organisation"].slug,
        },
        {"name": "Communauté de communes inventée", "territory": None, "organisation": None},
    ]
    assert list(proposal.themes.all()) == [known["theme"]]
    assert proposal.instrument == known["instrument"] and proposal.start_year == 2016
    assert proposal.link_list() == ["https://exemple.org/dossier", "https://exemple.org/bilan.pdf"]
    assert len(proposal.client_fingerprint) == 32 and "127.0.0.1" not in proposal.client_fingerprint
    assert CaseStudy.objects.filter(title=proposal.title).count() == 0  # nothing published

    [ack] = smtp.to("camille@exemple.org")
    assert ack["Subject"].strip() == (
        "Votre proposition « Coopération alimentaire Toulouse – Gers » a bien été reçue"
    )
    assert "Rien n'est publié tel quel" in smtp.body(ack)
    [notice] = smtp.to("editrice@exemple.org")
    assert (
        notice["Subject"].strip()
        == "Nouvelle proposition : Coopération alimentaire Toulouse – Gers"
    )
    admin_url = reverse("admin:contributions_proposal_change", args=[proposal.pk])
    assert f"https://catalogue.test{admin_url}" in smtp.body(notice)
    assert not smtp.to("redacteur@exemple.org")


def test_an_update_report_is_tied_to_its_sheet(client, known, smtp, editor_mailbox):
    case = known["case"]
    data = proposal_data(known, fiche=case.slug, description="Le PETR a rejoint le projet en 2024.")
    assert client.post(URL, data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == ProposalKind.UPDATE and proposal.case == case
    [notice] = smtp.to("editrice@exemple.org")
    assert notice["Subject"].strip().startswith("Mise à jour signalée")
    assert f"https://catalogue.test{case.get_absolute_url()}" in smtp.body(notice)


def test_a_failing_mail_server_loses_nothing(client, known, smtp):
    smtp.refuse = True
    assert client.post(URL, proposal_data(known)).status_code == 302
    assert Proposal.objects.count() == 1


# -- abuse resistance -----------------------------------------------------------------------------
def test_a_filled_honeypot_is_answered_as_a_success_and_kept_nowhere(client, known, smtp):
    response = client.post(URL, proposal_data(known, site_web="https://spam.example"))
    assert response.status_code == 302 and response.url == reverse("contributions:thanks")
    assert Proposal.objects.count() == 0 and smtp.messages == []


def test_a_form_sent_faster_than_a_person_is_shown_again_with_what_was_typed(
    client, known, settings
):
    settings.PUBLIC_FORM_MIN_SECONDS = 60
    response = client.post(URL, proposal_data(known))
    assert response.status_code == 200 and Proposal.objects.count() == 0
    form = response.context["form"]
    assert [e.code for e in form.non_field_errors().as_data()] == ["too_fast"]
    assert form["description"].value().startswith("La métropole et le PETR")
    assert "envoyé trop vite" in response.content.decode()


def test_a_forged_or_stale_start_time_is_refused_without_losing_the_text(client, known):
    forged = client.post(URL, proposal_data(known, debut="1700000000"))
    assert [e.code for e in forged.context["form"].non_field_errors().as_data()] == ["forged"]
    with mock.patch("time.time", return_value=1_000_000_000):
        old = signing.dumps(1_000_000_000, salt=SALT)
    stale = client.post(URL, proposal_data(known, debut=old))
    assert [e.code for e in stale.context["form"].non_field_errors().as_data()] == ["stale"]
    assert stale.context["form"]["title"].value() == "Coopération alimentaire Toulouse – Gers"
    assert Proposal.objects.count() == 0


def test_an_address_past_its_hourly_limit_gets_a_429_in_french(client, known, settings):
    settings.CONTRIBUTIONS_PER_ADDRESS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(URL, proposal_data(known)).status_code == 302
    refused = client.post(URL, proposal_data(known))
    assert refused.status_code == 429
    assert "revenez dans une heure" in refused.content.decode()
    assert refused.templates[0].name == "refused.html"
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, proposal_data(known)).status_code == 302
    assert Proposal.objects.count() == 3


def test_the_daily_limit_holds_whatever_the_addresses(known, settings):
    settings.CONTRIBUTIONS_PER_DAY = 3
    statuses = [
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(URL, proposal_data(known)).status_code
        for n in range(1, 6)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert Proposal.objects.count() == 3


def test_invalid_posts_count_too(client, known, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 60  # every post is « too fast »
    settings.CONTRIBUTION_ATTEMPTS_PER_HOUR = 30
    statuses = [client.post(URL, proposal_data(known)).status_code for _ in range(40)]
    assert statuses == [200] * 30 + [429] * 10
    refused = client.post(URL, proposal_data(known))
    assert refused["Retry-After"] == "3600" and Proposal.objects.count() == 0


def test_a_nul_byte_never_reaches_the_database(client, known):
    assert client.get(URL, {"fiche": "a\x00b"}).status_code == 200
    assert client.post(URL, proposal_data(known, fiche="\x00")).status_code == 302
    assert Proposal.objects.get().case is None


def test_a_flood_of_1000_posts_keeps_the_limit_and_costs_one_query_each(client, known, settings):
    settings.CONTRIBUTIONS_PER_ADDRESS_PER_HOUR = 5
    statuses = [client.post(URL, proposal_data(known)).status_code for _ in range(999)]
    assert statuses.count(302) == 5 and statuses.count(429) == 994
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, proposal_data(known)).status_code == 429
    assert len(queries) == 1  # the count of the address's recent proposals, on its index
    assert Proposal.objects.count() == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"contributor_email": "pas-une-adresse"}, "contributor_email"),
        ({"links": "javascript:alert(1)"}, "links"),
        ({"links": "\n".join(f"https://exemple.org/{n}" for n in range(6))}, "links"),
        ({"start_year": "deux-mille"}, "start_year"),
        ({"start_year": "1800"}, "start_year"),
        ({"start_year": "2020", "end_year": "2010"}, "end_year"),
        ({"themes": ["999999"]}, "themes"),
        ({"instrument": "abc"}, "instrument"),
        ({"partenaire_1": "x" * 201}, "partenaire_1"),
    ],
)
def test_every_field_is_bounded_and_bad_values_are_explained(client, known, changes, field):
    response = client.post(URL, proposal_data(known, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Proposal.objects.count() == 0


def test_html_is_kept_as_text_in_storage_admin_and_mail(client, known, smtp, admin_client):
    title = "<script>alert('x')</script> Coopération\r\nBcc: victime@exemple.org"
    assert client.post(URL, proposal_data(known, title=title)).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.title == "<script>alert('x')</script> Coopération Bcc: victime@exemple.org"
    page = admin_client.get(reverse("admin:contributions_proposal_change", args=[proposal.pk]))
    assert "<script>alert('x')</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()
    [ack] = smtp.to("camille@exemple.org")
    assert "\n" not in ack["Subject"] and ack["Bcc"] is None
    assert ack.get_content_type() == "text/plain"
    assert not smtp.to("victime@exemple.org")


def test_posting_needs_the_csrf_token(known):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(URL, proposal_data(known)).status_code == 403
    assert Proposal.objects.count() == 0


# -- moderation -----------------------------------------------------------------------------------
@pytest.fixture
def proposal(client, known):
    assert client.post(URL, proposal_data(known)).status_code == 302
    return Proposal.objects.get()


def test_the_moderation_queue_lists_new_proposals_with_a_draft_button(admin_client, proposal):
    changelist = reverse("admin:contributions_proposal_changelist")
    response = admin_client.get(changelist, {"status__exact": "nouvelle"})
    assert list(response.context["cl"].result_list) == [proposal]
    page = admin_client.get(reverse("admin:contributions_proposal_change", args=[proposal.pk]))
    assert "Créer une fiche brouillon" in page.content.decode()
    assert admin_client.get(reverse("admin:contributions_proposal_add")).status_code == 403


def test_creer_une_fiche_brouillon_copies_what_it_can_into_an_unpublished_draft(
    admin_client, client, proposal, known
):
    url = reverse("admin:contributions_proposal_draft", args=[proposal.pk])
    assert admin_client.get(url).status_code == 403  # a state change is a POST
    response = admin_client.post(url)
    draft = CaseStudy.objects.get(title=proposal.title)
    assert response.status_code == 302
    assert response.url == reverse("admin:casestudies_casestudy_change", args=[draft.pk])
    assert draft.publication_status == PublicationStatus.DRAFT and draft.published_at is None
    assert draft.summary == proposal.description and draft.start_year == 2016
    assert list(draft.themes.all()) == [known["theme"]]
    assert list(draft.instruments.all()) == [known["instrument"]]
    parties = {(p.territory_id, p.organisation_id, p.role) for p in draft.participations.all()}
    assert parties == {
        (known["territory"].pk, None, Role.PARTENAIRE),
        (None, known["organisation"].pk, Role.PARTENAIRE),
    }
    # Nothing unverified goes into a public section: the lessons stay in the proposal.
    assert draft.editorial_note == "" and "élus" not in draft.summary
    assert "<https://exemple.org/dossier>" in draft.further_info
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert f"proposition n° {proposal.pk}" in message
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.draft == draft
    # Not public, and a second click creates nothing more.
    assert client.get(draft.get_absolute_url()).status_code == 404
    admin_client.post(url)
    assert CaseStudy.objects.filter(title=proposal.title).count() == 1


def test_the_bulk_action_drafts_only_proposals_not_refused(admin_client, client, known):
    for title in ("Retenue un jour", "Refusée d'emblée"):
        assert client.post(URL, proposal_data(known, title=title)).status_code == 302
    Proposal.objects.filter(title="Refusée d'emblée").update(status=ProposalStatus.REFUSED)
    changelist = reverse("admin:contributions_proposal_changelist")
    ids = [str(pk) for pk in Proposal.objects.values_list("pk", flat=True)]
    admin_client.post(changelist, {"action": "create_drafts", "_selected_action": ids})
    assert list(
        CaseStudy.objects.filter(title__in=["Retenue un jour", "Refusée d'emblée"]).values_list(
            "title", flat=True
        )
    ) == ["Retenue un jour"]


def test_an_update_report_creates_no_draft(admin_client, client, known):
    data = proposal_data(known, fiche=known["case"].slug)
    assert client.post(URL, data).status_code == 302
    report = Proposal.objects.get()
    admin_client.post(reverse("admin:contributions_proposal_draft", args=[report.pk]))
    report.refresh_from_db()
    assert report.draft is None and report.status == ProposalStatus.NEW


def test_a_moderator_without_the_right_to_add_sheets_cannot_draft(
    client, proposal, django_user_model
):
    viewer = django_user_model.objects.create_user("lecteur", password="x", is_staff=True)
    viewer.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename__in=["view_proposal", "change_proposal"])
    )
    client.force_login(viewer)
    url = reverse("admin:contributions_proposal_draft", args=[proposal.pk])
    assert client.post(url).status_code == 403
    assert not CaseStudy.objects.filter(title=proposal.title).exists()


def test_the_personal_data_page_says_what_contributions_and_alerts_keep(client):
    page = client.get(reverse("casestudies:personal-data")).content.decode()
    assert "Propositions de coopérations" in page and "Alertes par courriel" in page
    assert "effacée" in page
