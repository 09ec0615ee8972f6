"""Staff: a new sheet written in the admin (select2 autocompletes, inlines), reviewed,
published, then found by the public on the list and in search."""

import re

from playwright.sync_api import expect

from casestudies.models import CaseStudy, PublicationStatus

PASSWORD = "un-mot-de-passe-solide"
TITLE = "Tours Métropole – PETR du Pays de Retz : la coopération de la Zéphyrine"
SUMMARY = "Deux territoires éloignés échangent des saisonniers et des circuits courts."
PARTIES = [("Tours Métropole", "Tours Métropole Val de Loire", "Porteur"),
           ("Pays de Retz", "PETR du Pays de Retz", "Partenaire")]  # fmt: skip
INSTRUMENT = ("réciprocité", "Contrat de réciprocité ville–campagne")
THEME = ("Mobil", "Mobilité")


def autocomplete(page, select_id: str, search: str, choice: str):
    """Pick ``choice`` in the select2 widget that replaces the <select id=select_id>."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=re.compile(rf"^{re.escape(choice)}$")).click()
    expect(page.locator(f"#{select_id} option:checked")).to_have_text(choice)


def save_and_continue(page):
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".errornote")).to_have_count(0)


def test_staff_writes_reviews_and_publishes_a_sheet(new_page, journey, django_user_model):
    django_user_model.objects.create_superuser("redaction", "redaction@example.org", PASSWORD)
    published_before = CaseStudy.objects.published().count()
    page = new_page()

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label(re.compile(r"^Nom d.utilisateur")).fill("redaction")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    journey.step(page, "connexion")
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Gestion du catalogue")).to_be_visible()

    page.get_by_role("link", name="Fiches de cas", exact=True).first.click()
    page.get_by_role("link", name=re.compile(r"^Ajouter fiche de cas")).click()
    expect(page.get_by_role("heading", name="Ajout de fiche de cas")).to_be_visible()

    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Chapeau").fill(SUMMARY)
    # The address comes from the title (prepopulated field, the admin's JavaScript).
    expect(page.get_by_label("Identifiant d'URL")).to_have_value(re.compile(r"^tours-metropole-"))
    autocomplete(page, "id_themes", *THEME)
    page.get_by_label("Année de début").fill("2024")
    for row, (search, name, role) in enumerate(PARTIES):
        if row > 0:
            page.get_by_role("button", name=re.compile("Partie prenante supplémentaire")).click()
        autocomplete(page, f"id_participations-{row}-territory", search, name)
        page.locator(f"#id_participations-{row}-role").select_option(label=role)
    autocomplete(page, "id_instrument_uses-0-instrument", *INSTRUMENT)
    expect(page.locator("#id_publication_status")).to_have_value(PublicationStatus.DRAFT)
    journey.step(page, "fiche remplie")
    save_and_continue(page)
    journey.step(page, "brouillon enregistré")

    case = CaseStudy.objects.get(title=TITLE)
    assert case.publication_status == PublicationStatus.DRAFT
    assert [str(p.territory) for p in case.participations.all()] == [p[1] for p in PARTIES]
    assert [str(use.instrument) for use in case.instrument_uses.all()] == [INSTRUMENT[1]]
    assert [theme.name for theme in case.themes.all()] == [THEME[1]]

    # The workflow's buttons: brouillon → à relire → publié (a superuser may publish).
    change_url = page.url
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)
    journey.step(page, "à relire")
    page.goto(change_url)
    expect(page.locator(".field-status_now")).to_contain_text("À relire")
    page.get_by_label("Commentaire de relecture").fill("Relue : les sources sont citées.")
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)
    journey.step(page, "publiée")
    case.refresh_from_db()
    assert case.publication_status == PublicationStatus.PUBLISHED

    # The public sees it: in the latest sheets, on the list, and in search.
    page.goto("/")
    latest = page.get_by_role("region", name="Dernières fiches publiées")
    expect(latest.get_by_role("link", name=TITLE)).to_be_visible()
    page.goto("/fiches/")
    expect(page.locator("#resultats-titre")).to_have_text(f"{published_before + 1} fiches")
    page.get_by_label("Trier par").select_option(label="Les plus récentes")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.locator(".case-card").first.get_by_role("heading")).to_have_text(TITLE)
    journey.step(page, "liste publique")

    page.get_by_role("searchbox", name="Mots-clés").fill("zephyrine")  # accents are optional
    page.get_by_role("button", name="Appliquer").click()
    expect(page.locator("#resultats-titre")).to_have_text("1 fiche")
    page.locator(".case-card").get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    parties = page.get_by_role("region", name="Parties prenantes")
    for _, name, _ in PARTIES:
        expect(parties.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("link", name=INSTRUMENT[1], exact=True)).to_be_visible()
    journey.step(page, "fiche publique")
