"""The workflow as buttons: what each role may press, what the server accepts whatever is
posted, who is told (a real local SMTP server), and the review queue of the admin's home."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from casestudies.models import CaseStudy, PublicationStatus
from tests.factories import complete_case
from tests.test_workflow import change_form_data

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED = (
    PublicationStatus.DRAFT,
    PublicationStatus.IN_REVIEW,
    PublicationStatus.PUBLISHED,
)


def member(django_user_model, group, username, email):
    user = django_user_model.objects.create_user(
        username, email, "un-mot-de-passe-solide", is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group))
    browser = Client()
    browser.force_login(user)
    return user, browser


@pytest.fixture
def team(django_user_model):
    return {
        "redacteur": member(django_user_model, "Rédacteur", "camille", "camille@exemple.org"),
        "editeur": member(django_user_model, "Éditeur", "dominique", "dominique@exemple.org"),
    }


def buttons(browser, case) -> list[str]:
    response = browser.get(reverse("admin:casestudies_casestudy_change", args=[case.pk]))
    return [str(label) for _status, label in response.context["transitions"]]


@pytest.fixture
def press(django_capture_on_commit_callbacks):
    """Press a workflow button; what runs after the commit (the e-mails) runs."""

    def pressing(browser, case, transition, comment=""):
        url = reverse("admin:casestudies_casestudy_change", args=[case.pk])
        data = change_form_data(browser, case, review_comment=comment)
        data["_transition"] = transition
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(url, data)

    return pressing


def test_each_role_sees_the_buttons_of_its_transitions(team):
    _, writer = team["redacteur"]
    _, editor = team["editeur"]
    draft = complete_case(draft=True)
    assert buttons(writer, draft) == ["Soumettre à la relecture"]
    review = complete_case(draft=True, publication_status=IN_REVIEW)
    assert buttons(writer, review) == ["Renvoyer en brouillon"]
    assert buttons(editor, review) == ["Publier", "Renvoyer en brouillon"]
    published = complete_case()
    assert buttons(writer, published) == []
    assert buttons(editor, published) == ["Dépublier (retour en brouillon)"]
    page = editor.get(reverse("admin:casestudies_casestudy_change", args=[review.pk]))
    html = page.content.decode()
    assert 'name="_transition" value="publie"' in html
    assert '<select name="publication_status"' not in html  # no drop-down any more


def test_a_redacteur_can_never_publish_by_a_forged_button(team, press):
    _, writer = team["redacteur"]
    review = complete_case(draft=True, publication_status=IN_REVIEW)
    response = press(writer, review, PUBLISHED)
    assert response.status_code == 200
    assert "Seul un éditeur peut publier" in response.content.decode()
    review.refresh_from_db()
    assert review.publication_status == IN_REVIEW


def test_a_draft_cannot_skip_the_review_even_for_an_editor(team, press):
    _, editor = team["editeur"]
    draft = complete_case(draft=True)
    response = press(editor, draft, PUBLISHED)
    assert "doit passer par « À relire »" in response.content.decode()
    draft.refresh_from_db()
    assert draft.publication_status == DRAFT


def test_submit_then_send_back_then_publish_tells_the_right_people(team, smtp, press):
    writer_user, writer = team["redacteur"]
    _, editor = team["editeur"]
    draft = complete_case(draft=True, title="Fiche de Camille")

    assert press(writer, draft, IN_REVIEW).status_code == 302
    draft.refresh_from_db()
    assert draft.publication_status == IN_REVIEW and draft.updated_by == writer_user
    [notice] = smtp.to("dominique@exemple.org")
    assert notice["Subject"].strip() == "Fiche à relire : Fiche de Camille"
    change = reverse("admin:casestudies_casestudy_change", args=[draft.pk])
    assert f"https://catalogue.test{change}" in smtp.body(notice)
    assert not smtp.to("camille@exemple.org")  # the author is not told of their own step

    comment = "Il manque la source du chiffre de 2019."
    assert press(editor, draft, DRAFT, comment).status_code == 302
    draft.refresh_from_db()
    assert draft.publication_status == DRAFT
    [back] = smtp.to("camille@exemple.org")
    assert back["Subject"].strip() == "Fiche renvoyée en brouillon : Fiche de Camille"
    assert comment in smtp.body(back)
    latest = Version.objects.get_for_object(draft).first().revision
    assert latest.comment == f"Renvoyée en brouillon — {comment}"

    assert press(writer, draft, IN_REVIEW).status_code == 302
    assert press(editor, draft, PUBLISHED).status_code == 302
    draft.refresh_from_db()
    assert draft.publication_status == PUBLISHED
    published = smtp.to("camille@exemple.org")[-1]
    assert published["Subject"].strip() == "Fiche publiée : Fiche de Camille"
    assert f"https://catalogue.test{draft.get_absolute_url()}" in smtp.body(published)
    assert len(smtp.to("dominique@exemple.org")) == 2  # two submissions


def test_the_bulk_actions_tell_the_same_people(team, smtp, django_capture_on_commit_callbacks):
    writer_user, writer = team["redacteur"]
    _, editor = team["editeur"]
    sheets = [complete_case(draft=True, title=f"Fiche groupée {n}") for n in (1, 2)]
    CaseStudy.objects.filter(pk__in=[s.pk for s in sheets]).update(updated_by=writer_user)
    changelist = reverse("admin:casestudies_casestudy_changelist")
    ids = [str(s.pk) for s in sheets]
    with django_capture_on_commit_callbacks(execute=True):
        writer.post(changelist, {"action": "submit_for_review", "_selected_action": ids})
    [notice] = smtp.to("dominique@exemple.org")
    assert notice["Subject"].strip() == "2 fiches à relire"
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(changelist, {"action": "publish_selected", "_selected_action": ids})
    assert sorted(m["Subject"].strip() for m in smtp.to("camille@exemple.org")) == [
        "Fiche publiée : Fiche groupée 1",
        "Fiche publiée : Fiche groupée 2",
    ]


def test_the_admin_home_shows_the_review_queue_oldest_first(team):
    _, editor = team["editeur"]
    older = complete_case(draft=True, publication_status=IN_REVIEW, title="La plus ancienne")
    newer = complete_case(draft=True, publication_status=IN_REVIEW, title="La plus récente")
    CaseStudy.objects.filter(pk=older.pk).update(updated_at="2026-01-01T00:00:00Z")
    complete_case(draft=True, title="Un brouillon")
    page = editor.get(reverse("admin:index"))
    html = page.content.decode()
    assert "File de relecture" in html
    assert "À relire : 2" in html and "Brouillon : 1" in html
    assert html.index("La plus ancienne") < html.index("La plus récente")
    assert newer.title in html


# -- preview and differences ----------------------------------------------------------------------
def test_staff_preview_a_draft_exactly_as_its_public_page_never_indexed(team, client):
    _, editor = team["editeur"]
    draft = complete_case(draft=True, title="Brouillon à prévisualiser")
    preview = reverse("admin:casestudies_casestudy_preview", args=[draft.pk])
    response = editor.get(preview)
    assert response.status_code == 200
    assert response.templates[0].name == "casestudies/case_detail.html"
    html = response.content.decode()
    assert "Brouillon à prévisualiser" in html and "Aperçu réservé à l'équipe éditoriale" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    # « Voir sur le site » of a draft opens the preview; the public address stays a 404.
    change = editor.get(reverse("admin:casestudies_casestudy_change", args=[draft.pk]))
    assert f'href="{preview}"' in change.content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    login = client.get(preview)
    assert login.status_code == 302 and "/login/" in login.url
    published = complete_case()
    assert (
        editor.get(reverse("admin:casestudies_casestudy_preview", args=[999999])).status_code == 404
    )
    assert (
        "apercu"
        not in editor.get(reverse("admin:casestudies_casestudy_change", args=[published.pk]))
        .content.decode()
        .split("viewsitelink")[1][:200]
    )


def test_a_staff_member_without_rights_on_sheets_sees_no_preview(django_user_model):
    clerk = django_user_model.objects.create_user("guichet", password="x", is_staff=True)
    browser = Client()
    browser.force_login(clerk)
    draft = complete_case(draft=True)
    response = browser.get(reverse("admin:casestudies_casestudy_preview", args=[draft.pk]))
    assert response.status_code == 403


def test_the_history_compares_two_versions_field_by_field(team, press):
    _, writer = team["redacteur"]
    draft = complete_case(draft=True, summary="Deux territoires voisins coopèrent sur l'eau.")
    url = reverse("admin:casestudies_casestudy_change", args=[draft.pk])
    for summary in (draft.summary, "Deux territoires voisins coopèrent sur l'alimentation."):
        data = change_form_data(writer, draft, summary=summary)
        assert writer.post(url, data).status_code == 302
    press(writer, draft, IN_REVIEW)
    versions = list(Version.objects.get_for_object(draft))
    assert len(versions) == 3
    history = writer.get(reverse("admin:casestudies_casestudy_history", args=[draft.pk]))
    assert 'name="de"' in history.content.decode()
    compare = reverse("admin:casestudies_casestudy_compare", args=[draft.pk])
    response = writer.get(compare, {"de": versions[-1].pk, "a": versions[0].pk})
    rows = {change.label: str(change.diff) for change in response.context["changes"]}
    assert rows["Chapeau"] == (
        "Deux territoires voisins coopèrent sur <del>l&#x27;eau.</del> "
        "<ins>l&#x27;alimentation.</ins>"
    )
    assert rows["Statut de publication"] == "<del>Brouillon</del> <ins>À relire</ins>"
    assert "Titre" not in rows  # unchanged fields are not listed
    bad = writer.get(compare, {"de": "x", "a": versions[0].pk})
    assert bad.status_code == 302


# -- a Rédacteur's change to a published sheet waits for review -----------------------------------
@pytest.fixture
def held(team, press, client):
    """A published sheet that a Rédacteur changed: its title, summary and lesson."""
    _, writer = team["redacteur"]
    sheet = complete_case(title="Titre publié", summary="Chapeau publié, sur le vélo.")
    url = reverse("admin:casestudies_casestudy_change", args=[sheet.pk])
    data = change_form_data(
        writer, sheet, title="Titre non relu", summary="Chapeau non relu, sur le tramway."
    )
    data["lessons-0-text"] = "Un enseignement non relu."
    response = writer.post(url, data)
    assert response.status_code == 302
    return sheet


def public_texts(client, sheet) -> dict:
    """What the public sees of the sheet: its page, search, the CSV export and the API."""
    page = client.get(sheet.get_absolute_url()).content.decode()
    found = [c.slug for c in client.get("/fiches/", {"q": "tramway"}).context["cases"]]
    export = b"".join(client.get("/fiches/export.csv").streaming_content).decode()
    api = client.get(f"/api/fiches/{sheet.slug}/").json()
    return {"page": page, "found": found, "export": export, "api": api}


def test_the_public_keeps_the_published_text_until_an_editor_accepts(held, client, team, smtp):
    sheet = held
    sheet.refresh_from_db()
    assert sheet.title == "Titre publié"
    assert [lesson.text for lesson in sheet.lessons.all()] != ["Un enseignement non relu."]
    seen = public_texts(client, sheet)
    assert "Titre publié" in seen["page"] and "Titre non relu" not in seen["page"]
    assert seen["found"] == []  # the proposed word is not searchable
    assert "Titre non relu" not in seen["export"] and "Titre publié" in seen["export"]
    assert seen["api"]["title"] == "Titre publié"
    assert "Un enseignement non relu." not in str(seen["api"])
    [waiting] = sheet.pending_revisions.waiting()
    assert waiting.author.username == "camille"
    home = team["editeur"][1].get(reverse("admin:index")).content.decode()
    assert "en attente d’un éditeur" in home or "en attente d'un éditeur" in home
    assert "Titre publié" in home

    _, editor = team["editeur"]
    change = editor.get(reverse("admin:casestudies_casestudy_change", args=[sheet.pk]))
    assert "Modifications en attente de relecture" in change.content.decode()
    preview = editor.get(
        reverse("admin:casestudies_casestudy_pending", args=[sheet.pk, waiting.pk, "apercu"])
    )
    assert "Titre non relu" in preview.content.decode()
    sheet.refresh_from_db()
    assert sheet.title == "Titre publié"  # the preview changed nothing
    compare = editor.get(
        reverse("admin:casestudies_casestudy_compare", args=[sheet.pk]),
        {"de": waiting.base_id, "a": waiting.version_id},
    )
    rows = {change.label: str(change.diff) for change in compare.context["changes"]}
    assert rows["Titre"] == "Titre <del>publié</del> <ins>non relu</ins>"

    accept = reverse("admin:casestudies_casestudy_pending", args=[sheet.pk, waiting.pk, "accepter"])
    assert editor.get(accept).status_code == 403  # a decision is a POST
    _, writer = team["redacteur"]
    assert writer.post(accept).status_code == 403  # and an Éditeur's
    assert editor.post(accept).status_code == 302
    sheet.refresh_from_db()
    assert sheet.title == "Titre non relu"
    assert [lesson.text for lesson in sheet.lessons.all()] == ["Un enseignement non relu."]
    seen = public_texts(client, sheet)
    assert "Titre non relu" in seen["page"] and seen["found"] == [sheet.slug]
    assert seen["api"]["title"] == "Titre non relu"
    waiting.refresh_from_db()
    assert waiting.status == "acceptee" and waiting.decided_by.username == "dominique"


def test_a_refused_change_leaves_the_sheet_as_published(held, client, team):
    _, editor = team["editeur"]
    [waiting] = held.pending_revisions.waiting()
    refuse = reverse("admin:casestudies_casestudy_pending", args=[held.pk, waiting.pk, "refuser"])
    assert editor.post(refuse, {"review_comment": "Source manquante."}).status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.comment) == ("refusee", "Source manquante.")
    assert "Titre publié" in client.get(held.get_absolute_url()).content.decode()
    unknown = reverse("admin:casestudies_casestudy_pending", args=[held.pk, waiting.pk, "autre"])
    assert editor.post(unknown).status_code == 404


def test_an_editor_s_change_to_a_published_sheet_goes_live_at_once(team, client):
    _, editor = team["editeur"]
    sheet = complete_case(title="Titre publié")
    url = reverse("admin:casestudies_casestudy_change", args=[sheet.pk])
    assert (
        editor.post(url, change_form_data(editor, sheet, title="Titre corrigé")).status_code == 302
    )
    assert "Titre corrigé" in client.get(sheet.get_absolute_url()).content.decode()
    assert not sheet.pending_revisions.exists()


def test_the_change_form_is_lighter_and_keeps_shared_records_safe(team):
    _, editor = team["editeur"]
    sheet = complete_case()
    page = editor.get(reverse("admin:casestudies_casestudy_change", args=[sheet.pk]))
    html = page.content.decode()
    # The sheet's sections are folded, required fields marked, help on the unclear fields.
    flat = " ".join(html.split())
    folded = '<details><summary> <h2 id="fieldset-0-2-heading" class="fieldset-heading">'
    assert folded + "Sections de la fiche" in flat
    assert "Les champs marqués * sont obligatoires" in html and "css/admin.css" in html
    form = page.context["adminform"].form
    assert form.fields["themes"].help_text and form.fields["title"].help_text
    # No edit or delete shortcut next to shared vocabularies; partners can still be added.
    for name in (
        "change_id_themes",
        "delete_id_themes",
        "change_id_instrument_uses-0-instrument",
        "delete_id_lessons-0-category",
        "delete_id_citations-0-source",
    ):
        assert f'id="{name}"' not in html, name
    assert 'id="add_id_participations-0-territory"' in html
