"""« Quel outil pour notre coopération ? »: a visitor fills the finder's form without JavaScript
and follows a proposed case."""

import re

from playwright.sync_api import expect


def test_a_visitor_describes_the_project_and_follows_a_proposed_case(new_page, journey):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    page.get_by_role("link", name=re.compile("^Quel outil pour notre coopération")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quel outil pour notre coopération ?")
    journey.step(page, "questionnaire")

    page.get_by_label("Ou bien : nous sommes").select_option("metropole")
    page.get_by_role("group", name="Avec qui ?").get_by_label("un PETR ou un Pays").check()
    page.get_by_role("group", name="Sur quoi ?").get_by_label("Alimentation et agriculture").check()
    page.get_by_label("un contrat de réciprocité entre ville et campagne").check()
    page.get_by_role("group", name="Faut-il une personne morale ?").get_by_label("non").check()
    journey.step(page, "questionnaire rempli")
    page.get_by_role("button", name="Voir les outils et les cas").click()

    expect(page).to_have_url(re.compile(r"/trouver/\?.*forme=reciprocite"))
    fits = page.locator(".finder-fits > li")
    expect(fits.first.get_by_role("heading")).to_have_text("Contrat de réciprocité ville–campagne")
    expect(page.get_by_role("heading", name="Les outils écartés, et pourquoi")).to_be_visible()
    journey.step(page, "réponse")

    proposed = page.locator(".finder-cases a", has_text="Portes de Gascogne")
    expect(proposed).to_be_visible()
    proposed.click()
    expect(page).to_have_url(re.compile(r"/fiches/toulouse-metropole-portes-de-gascogne"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Toulouse Métropole")
    journey.step(page, "cas proposé")
