"""Loading the editorial content: idempotent, and never overwriting a staff edit."""

import textwrap

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from casestudies.content import DEFAULT_CONTENT_DIR, ContentError, ContentLoader
from casestudies.models import CaseStudy, Territory

pytestmark = pytest.mark.django_db


def row_counts():
    models = apps.get_app_config("casestudies").get_models()
    counts = {model.__name__: model.objects.count() for model in models}
    for model in models:
        for m2m in model._meta.many_to_many:
            counts[f"{model.__name__}.{m2m.name}"] = m2m.remote_field.through.objects.count()
    return counts


def test_loading_the_content_twice_changes_nothing():
    call_command("load_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = row_counts()
    assert first["CaseStudy"] >= 1
    call_command("load_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert row_counts() == first


def write(tmp_path, name, text):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")


MINIMAL = """
    sources:
      - slug: doc
        title: "Document"
        publisher: "Éditeur"
        kind: etude
        line_count: 100
    territories:
      - slug: petr-a
        name: "PETR A"
        kind: petr
      - slug: cc-b
        name: "CC B"
        kind: communaute-communes
    cases:
      - slug: a-b
        title: "PETR A – CC B : entente"
        summary: "Deux voisins."
        history: "Depuis 2012."
        themes: [mobilite]
        parties:
          - {territory: petr-a, role: porteur}
          - {territory: cc-b, role: partenaire}
        instruments:
          - {instrument: entente-intercommunale, signature_year: 2012}
        citations:
          - {source: doc, lines: [1, 20]}
"""


def test_command_reports_what_it_did(tmp_path, capsys):
    write(tmp_path, "content.yaml", MINIMAL)
    call_command("load_content", directory=tmp_path)
    first = capsys.readouterr().out
    assert "fiches de cas : 1 créé(s), 0 complété(s), 0 inchangé(s)" in first
    call_command("load_content", directory=tmp_path)
    second = capsys.readouterr().out
    assert "fiches de cas : 0 créé(s), 0 complété(s), 1 inchangé(s)" in second


def test_reloading_never_overwrites_a_staff_edit_but_fills_empty_fields(tmp_path):
    write(tmp_path, "content.yaml", MINIMAL)
    ContentLoader(tmp_path).load()
    case = CaseStudy.objects.get(slug="a-b")
    case.title = "Titre corrigé par la rédaction"
    case.history = ""
    case.save()
    case.participations.filter(territory__slug="cc-b").delete()

    report = ContentLoader(tmp_path).load()

    case.refresh_from_db()
    assert case.title == "Titre corrigé par la rédaction"
    assert case.history == "Depuis 2012."  # an emptied field is filled again
    assert case.participations.count() == 1  # an edited relation is left alone
    assert report.filled["fiches de cas"] == 1


def test_a_sheet_unpublished_by_staff_stays_unpublished(tmp_path):
    write(tmp_path, "content.yaml", MINIMAL)
    ContentLoader(tmp_path).load()
    CaseStudy.objects.filter(slug="a-b").unpublish()
    ContentLoader(tmp_path).load()
    assert not CaseStudy.objects.get(slug="a-b").is_published


def test_unknown_field_is_reported_with_file_and_slug(tmp_path):
    write(tmp_path, "bad.yaml", MINIMAL.replace("history:", "histoire:"))
    with pytest.raises(ContentError, match=r"bad.yaml \[a-b\].*histoire"):
        ContentLoader(tmp_path).load()
    assert not CaseStudy.objects.exists()


def test_unknown_reference_is_reported_and_nothing_is_loaded(tmp_path):
    write(tmp_path, "bad.yaml", MINIMAL.replace("{territory: cc-b", "{territory: cc-z"))
    with pytest.raises(ContentError, match="cc-z"):
        ContentLoader(tmp_path).load()
    assert not Territory.objects.filter(slug="petr-a").exists()


def test_invalid_value_is_reported_by_the_command(tmp_path):
    write(tmp_path, "bad.yaml", MINIMAL.replace("signature_year: 2012", "signature_year: 1812"))
    with pytest.raises(CommandError, match="Contenu invalide"):
        call_command("load_content", directory=tmp_path)


def test_default_directory_is_inside_the_repository():
    assert DEFAULT_CONTENT_DIR.is_dir()
    assert DEFAULT_CONTENT_DIR.parent.name == "fixtures"
