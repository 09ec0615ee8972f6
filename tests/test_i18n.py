"""English interface: negotiation, language switcher, and a complete catalogue of translations.

The interface is translated; the case studies (French documents) are not.
"""

import ast
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from casestudies.models import Theme
from tests.factories import complete_case

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
TITLE = "Coopération laitière entre deux vallées"
SUMMARY = "Deux communautés de communes mutualisent la collecte du lait."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """LocaleMiddleware leaves the last request's language active in the thread: reset it."""
    yield
    translation.deactivate()


@pytest.fixture
def sheet(db):
    return complete_case(title=TITLE, summary=SUMMARY, history="La collecte commence en 2015.")


def english(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return html.unescape(response.text)


def french(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return html.unescape(response.text)


# -- catalogue files -------------------------------------------------------------------------


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: references, flags, msgid, msgstr forms (obsolete ones left out)."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if all(line.startswith("#~") or not line.strip() for line in lines):
            continue
        entry = {"refs": [], "flags": set(), "msgctxt": None, "msgid": "", "msgstr": {}}
        field = None
        for line in lines:
            if line.startswith("#:"):
                entry["refs"] += line[2:].split()
            elif line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            else:
                match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
                if match:
                    field, line = match.group(1), match.group(2)
                value = ast.literal_eval(line)  # "…" with \" \\ \n escapes, as in Python
                if field.startswith("msgstr"):
                    entry["msgstr"][field] = entry["msgstr"].get(field, "") + value
                else:
                    entry[field] = (entry.get(field) or "") + value
        if entry["msgid"]:  # the header has an empty msgid
            entries.append(entry)
    return entries


def untranslated(entries: list[dict]) -> list[str]:
    return [
        f"{entry['msgid']!r} ({' '.join(entry['refs'][:2])})"
        for entry in entries
        if "fuzzy" in entry["flags"] or not all(entry["msgstr"].values()) or not entry["msgstr"]
    ]


def test_every_entry_of_the_english_catalogue_is_translated():
    entries = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 400
    assert untranslated(entries) == []


def test_translations_keep_the_placeholders():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")
    for entry in parse_po(CATALOGUE.read_text(encoding="utf-8")):
        expected = sorted(placeholder.findall(entry["msgid"]))
        for form, text in entry["msgstr"].items():
            assert sorted(placeholder.findall(text)) == expected, (entry["msgid"], form, text)


def test_the_compiled_catalogue_is_up_to_date():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists(), "locale/en/…/django.mo is missing: run « make install »."
    assert compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime, (
        "django.po is newer than django.mo: run « make install » (compile_translations)."
    )


def test_no_template_string_is_left_untranslated(tmp_path):
    """makemessages on a copy of the project: every string of templates/ must be translated.

    Adding {% translate "Chaîne de test" %} to a template without translating it fails here.
    """
    committed = CATALOGUE.read_bytes()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    # The project's own apps (every installed app with a folder here), its templates, locale.
    apps = [name for name in settings.INSTALLED_APPS if (ROOT / name).is_dir()]
    for name in ("cooperations", *apps, "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    # The copy's own settings: BASE_DIR, hence LOCALE_PATHS, is the copy, never the project.
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="cooperations.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "en", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert CATALOGUE.read_bytes() == committed, "makemessages wrote into the project"
    regenerated = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = [
        entry
        for entry in parse_po(regenerated.read_text(encoding="utf-8"))
        if any(ref.startswith("templates/") for ref in entry["refs"])
    ]
    assert len(entries) > 150
    assert untranslated(entries) == [], (
        "Template strings without an English translation: translate them in "
        "locale/en/LC_MESSAGES/django.po (makemessages -l en, then compilemessages)."
    )


# -- negotiation -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["home", "list", "sheet"])
def test_english_interface_around_french_content(client, sheet, page):
    url = {"home": "/", "list": "/fiches/", "sheet": sheet.get_absolute_url()}[page]
    text = english(client, url)
    assert '<html lang="en">' in text
    assert ">Case studies</a>" in text  # the navigation
    assert ">Territories</a>" in text
    assert ">Territoires</a>" not in text
    assert "Skip to content" in text
    assert "Case studies are written in French." in text
    expected = {
        "home": ["published case study", "Latest published case studies", "Search"],
        "list": ["Search and filter", "Keywords", "1 case study", "Export this selection"],
        "sheet": ["Key facts", "Stakeholders", "Lead partner", "History of the cooperation"],
    }[page]
    for phrase in expected:
        assert phrase in text
    for phrase in (
        "Fiches de cas",
        "Parties prenantes",
        "Aller au contenu",
        "Rechercher et filtrer",
    ):
        assert phrase not in text
    # The content stays in French.
    assert TITLE in text
    if page == "sheet":
        assert f'<h1><span lang="fr">{TITLE}</span></h1>' in text
        assert SUMMARY in text
        assert "La collecte commence en 2015." in text


@pytest.mark.parametrize("headers", [{}, {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}])
def test_french_stays_the_default(client, sheet, headers):
    for url in ("/", "/fiches/", sheet.get_absolute_url()):
        text = french(client, url, **headers)
        assert '<html lang="fr">' in text
        assert ">Fiches</a>" in text
        assert "Aller au contenu" in text
        assert "Case studies" not in text
        assert TITLE in text


def test_the_language_cookie_wins_over_the_browser(client, sheet):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = french(client, "/fiches/", HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en">' in text
    assert "Search and filter" in text


# -- language switcher -------------------------------------------------------------------------


def test_the_switcher_is_an_accessible_form_that_returns_to_the_same_page(client, sheet):
    text = french(client, "/fiches/?theme=mobilite&q=lait")
    form = re.search(r'<form class="language-switcher".*?</form>', text, re.S)
    assert form, "no language switcher"
    form = form.group(0)
    assert 'action="/i18n/setlang/"' in form
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/fiches/?theme=mobilite&q=lait">' in form
    assert '<label for="langue" class="visually-hidden">Langue de l\'interface</label>' in form
    assert '<select id="langue" name="language">' in form
    assert '<option value="fr" lang="fr" selected>Français</option>' in form
    assert '<option value="en" lang="en">English</option>' in form
    assert '<button type="submit" class="button button--small">Changer' in form


def test_switching_to_english_returns_to_exactly_the_same_page(client, sheet):
    sheet.themes.add(Theme.objects.get(slug="mobilite"))
    complete_case(title="Entente sans rapport avec la mobilité")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fiches/?theme=mobilite"})
    assert response.status_code == 302
    assert response["Location"] == "/fiches/?theme=mobilite"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # No Accept-Language: the cookie alone makes the next page English.
    text = french(client, response["Location"])
    assert '<html lang="en">' in text
    assert "Search and filter" in text
    assert '<option value="en" lang="en" selected>English</option>' in text
    assert "1 case study" in text  # the filter of the page is still applied
    assert TITLE in text
    assert "Entente sans rapport" not in text
    assert "Mobilité" in text  # a theme's name is content: it stays in French

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/fiches/"})
    assert response["Location"] == "/fiches/"
    assert '<html lang="fr">' in french(client, "/fiches/")


def test_the_switcher_works_with_csrf_checks_and_without_javascript(sheet):
    browser = Client(enforce_csrf_checks=True)
    text = french(browser, sheet.get_absolute_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    response = browser.post(
        "/i18n/setlang/",
        {"csrfmiddlewaretoken": token, "language": "en", "next": sheet.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == sheet.get_absolute_url()
    assert "Key facts" in french(browser, sheet.get_absolute_url())


def test_the_switcher_does_not_redirect_elsewhere(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://example.org/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_cached_counts_and_labels_follow_the_language_of_each_request(client, sheet):
    """Counts may be cached (facets, map, statistics): their labels must not be."""
    pages = {
        "/fiches/": ("<summary>Thématique</summary>", "<summary>Theme</summary>"),
        "/statistiques/": ("Fiches par thématique", "Case studies by theme"),
        "/carte/?vue=densite": ("Légende", "Legend"),
        "/carte/": ("Les liens les plus forts", "The strongest links"),
    }
    for url, (in_french, in_english) in pages.items():
        for _ in range(2):  # the second time, from the cache
            assert in_french in french(client, url)
            text = english(client, url)
            assert in_english in text
            assert in_french not in text
    # A choice label inside the cached facet values: the stakeholder's type of territory.
    assert "Communauté de communes</label>" not in english(client, "/fiches/")
    assert "Community of communes" in english(client, "/fiches/")
    assert "Communauté de communes" in french(client, "/fiches/")
