"""A Rédacteur submits a sheet, an Éditeur is told by e-mail (a real local SMTP server), reads
the difference with the previous version, and publishes it."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.factories import complete_case

PASSWORD = "un-mot-de-passe-solide"


def member(django_user_model, group, username):
    user = django_user_model.objects.create_user(
        username, f"{username}@exemple.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label(re.compile(r"^Nom d.utilisateur")).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Gestion du catalogue")).to_be_visible()


def test_submit_notify_compare_publish(new_page, journey, django_user_model, site, smtp):
    member(django_user_model, "Rédacteur", "camille")
    member(django_user_model, "Éditeur", "dominique")
    draft = complete_case(
        draft=True, title="Coopération de la Zéphyrine", summary="Première version."
    )
    change = f"/admin/casestudies/casestudy/{draft.pk}/change/"

    writer = new_page()
    log_in(writer, "camille")
    writer.goto(change)
    writer.get_by_label("Chapeau").fill("Deux territoires échangent des saisonniers.")
    writer.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(writer.locator(".messagelist .success")).to_be_visible()
    writer.get_by_label("Chapeau").fill("Deux territoires éloignés échangent des saisonniers.")
    journey.step(writer, "rédactrice : chapeau complété")
    writer.get_by_role("button", name="Soumettre à la relecture").click()
    expect(writer.locator(".messagelist .success")).to_contain_text("Zéphyrine")
    journey.step(writer, "rédactrice : soumise")

    [notice] = smtp.to("dominique@exemple.org")
    assert "Fiche à relire : Coopération de la Zéphyrine" in str(notice["Subject"])
    link = re.search(r"https?://\S+/change/", smtp.body(notice))[0]
    assert link.endswith(change)

    editor = new_page()
    log_in(editor, "dominique")
    queue = editor.get_by_role("region", name="File de relecture")
    expect(queue.get_by_role("link", name="Coopération de la Zéphyrine")).to_be_visible()
    journey.step(editor, "éditeur : file de relecture")
    queue.get_by_role("link", name="Coopération de la Zéphyrine").click()
    editor.get_by_role("link", name="Historique").click()
    editor.get_by_role("button", name="Comparer").click()
    diff = editor.locator("table.version-diff")
    expect(diff.locator("ins", has_text="éloignés")).to_be_visible()
    journey.step(editor, "éditeur : différences")
    editor.goto(change)
    editor.get_by_role("button", name="Publier", exact=True).click()
    expect(editor.locator(".messagelist .success")).to_contain_text("Zéphyrine")
    journey.step(editor, "éditeur : publiée")

    draft.refresh_from_db()
    assert draft.is_published
    public = new_page(java_script_enabled=False)
    public.goto(draft.get_absolute_url())
    expect(public.get_by_role("heading", level=1)).to_have_text("Coopération de la Zéphyrine")
    [published] = [m for m in smtp.to("camille@exemple.org") if "publiée" in str(m["Subject"])]
    assert draft.get_absolute_url() in smtp.body(published)
