"""Every page type: no axe-core violation of WCAG 2.1 A and AA (on a computer's screen and a
phone's), no sideways scrolling at 320 px wide, no Nu Html Checker error."""

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db.models import Count, Q

from casestudies.models import (
    CaseStudy,
    Instrument,
    Organisation,
    PublicationStatus,
    Territory,
    Theme,
)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PUBLISHED = Q(cases__publication_status=PublicationStatus.PUBLISHED)


def page_types() -> dict[str, str]:
    """One address per page type, taken from the content loaded for the test."""
    cases = CaseStudy.objects.published().order_by("title")
    sheet = cases.filter(participations__territory__isnull=False).first()
    territory = Territory.objects.filter(participations__case=sheet).order_by("name").first()
    instrument = Instrument.objects.annotate(n=Count("cases", filter=PUBLISHED)).order_by("-n")[0]
    theme = Theme.objects.annotate(n=Count("cases", filter=PUBLISHED)).order_by("-n")[0]
    first, second, third, fourth = cases[:4]
    organisation = Organisation.objects.filter(participations__case__in=cases).order_by("name")[0]
    return {
        "accueil": "/",
        "liste": "/fiches/",
        "liste-page-2": "/fiches/?page=2",
        "liste-recherche-filtres": f"/fiches/?q=r%C3%A9ciprocit%C3%A9&theme={theme.slug}",
        "liste-sans-resultat": "/fiches/?q=aucunresultatpossible",
        "fiche": sheet.get_absolute_url(),
        "territoires": "/territoires/",
        "territoires-recherche": "/territoires/?q=brest&type=metropole&region=bretagne",
        "territoire": territory.get_absolute_url(),
        "outils": "/outils/",
        "outil": instrument.get_absolute_url(),
        "thematiques": "/thematiques/",
        "thematique": theme.get_absolute_url(),
        "enseignements": "/enseignements/",
        "sources": "/sources/",
        "carte": "/carte/",
        "carte-densite": "/carte/?vue=densite",
        "reseau": "/reseau/",
        "reseau-filtre": f"/reseau/?theme={theme.slug}",
        "organisation": organisation.get_absolute_url(),
        "liste-partenaires": "/fiches/?party_kind_a=metropole&party_kind_b=petr&party_kind_b=pays",
        "statistiques": "/statistiques/",
        "comparaison": f"/comparer/?fiches={first.slug},{second.slug}",
        "comparaison-quatre": f"/comparer/?fiches={first.slug},{second.slug},{third.slug},"
        f"{fourth.slug}",
        "comparaison-vide": "/comparer/",
        "api": "/api/",
        "donnees": "/donnees/",
        "integrer": f"/integrer/?theme={theme.slug}",
        "integrer-liste": f"/integrer/fiches/?theme={theme.slug}",
        "donnees-filtre": f"/donnees/?theme={theme.slug}",
        "contribuer": "/contribuer/",
        "contribuer-mise-a-jour": f"/contribuer/?fiche={sheet.slug}",
        "alerte-nouvelle": f"/alertes/nouvelle/?theme={theme.slug}",
        "alertes": "/alertes/",
        "trouver": "/trouver/",
        "trouver-reponse": "/trouver/?nous=metropole&avec=petr-pays&avec=entreprises"
        "&theme=alimentation-et-agriculture&forme=reciprocite&personnalite=non",
        "accessibilite": "/accessibilite/",
        "a-propos": "/a-propos/",
        "mentions-legales": "/mentions-legales/",
        "donnees-personnelles": "/donnees-personnelles/",
        "contact": "/contact/",
        "page-introuvable": "/cette-page-n-existe-pas/",
        "connexion-gestion": "/admin/login/",
    }


def describe(violations: dict[str, list[dict]]) -> str:
    lines = []
    for name, found in violations.items():
        for violation in found:
            rule = f"{violation['id']} ({violation['impact']})"
            lines.append(f"{name} : {rule} — {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {' '.join(node['target'])} : {node['failureSummary']!r}")
    return "\n".join(lines)


# A computer's screen, and a small phone's (where tables scroll in their own box).
SCREENS = {"ordinateur": {"width": 1280, "height": 900}, "mobile": {"width": 320, "height": 640}}


@pytest.mark.parametrize("screen", SCREENS)
def test_no_wcag_violation_on_any_page_type(new_page, journey, screen):
    if not AXE.exists():
        pytest.fail(f"{AXE} manque : lancez « make install » (npm ci).")
    # The site forbids inline scripts (Content-Security-Policy); only the audit bypasses it.
    page = new_page(bypass_csp=True, viewport=SCREENS[screen])
    violations = {}
    for name, path in page_types().items():
        page.goto(path)
        page.add_script_tag(path=AXE)
        result = page.evaluate(
            """tags => axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
            WCAG_TAGS,
        )
        journey.step(page, name)
        if result["violations"]:
            violations[name] = result["violations"]
    assert not violations, "Violations WCAG 2.1 A/AA (axe-core) :\n" + describe(violations)


def test_no_page_type_scrolls_sideways_on_a_narrow_screen(new_page, journey):
    """Reflow (WCAG 1.4.10): at 320 CSS pixels wide, only data tables may scroll sideways,
    inside their own scrolling box; the page itself never does."""
    page = new_page(viewport=SCREENS["mobile"])
    too_wide = {}
    for name, path in page_types().items():
        page.goto(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            journey.step(page, name)
            too_wide[name] = width
    assert not too_wide, f"Pages plus larges que l'écran de 320 px : {too_wide}"


SCREENSHOTS = ROOT / "test-artifacts" / "pages"


def test_screenshots_of_every_page_type_at_1280_and_390_pixels(new_page):
    """Not a check: the pictures a person looks at before calling a visual change done
    (test-artifacts/pages/<page type>-<width>.png, whole pages)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page = new_page(viewport={"width": width, "height": 900})
        for name, path in page_types().items():
            page.goto(path)
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    assert len(list(SCREENSHOTS.glob("*-390.png"))) >= len(page_types())


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # the 404 page is checked too
        return error.read()


def test_every_page_type_is_valid_html(site, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip(
            "Java manque au Nu Html Checker (Debian : apt-get install default-jre-headless)."
        )
    if not VNU.exists():
        pytest.fail(f"{VNU} manque : lancez « make install » (npm ci).")
    files = []
    for name, path in page_types().items():
        file = tmp_path / f"{name}.html"
        file.write_bytes(fetch(site + path))
        files.append(str(file))
    # One run for every page: the checker's start-up is most of its time.
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stdout)["messages"]
    errors = [m for m in messages if m["type"] in {"error", "non-document-error"}]
    assert not errors, "Erreurs du Nu Html Checker :\n" + "\n".join(
        f"{Path(m.get('url', '?')).stem}:{m.get('lastLine', '?')} — {m['message']}"
        f" — {m.get('extract', '').strip()!r}"
        for m in errors
    )
