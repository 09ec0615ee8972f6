"""Loading the editorial content: idempotent, and never overwriting a staff edit."""

import textwrap

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from casestudies.content import DEFAULT_CONTENT_DIR, ContentError, ContentLoader
from casestudies.models import CaseStudy, LessonKind, Territory

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


def test_command_reports_what_it_did(capsys):
    call_command("load_content")
    first = capsys.readouterr().out
    assert "fiches de cas : " in first and "créé(s)" in first
    call_command("load_content")
    second = capsys.readouterr().out
    assert "fiches de cas : 0 créé(s), 0 complété(s)" in second


def test_the_model_sheet_is_loaded_complete_and_published():
    ContentLoader().load()
    case = CaseStudy.objects.published().get(slug="grand-clermont-pnr-livradois-forez-pat")
    assert case.participations.count() >= 2
    assert case.participations.filter(territory__slug="pnr-livradois-forez").exists()
    assert case.instrument_uses.filter(instrument__slug="projet-alimentaire-territorial").exists()
    assert case.themes.filter(slug="alimentation-et-agriculture").exists()
    assert {lesson.kind for lesson in case.lessons.all()} == {
        LessonKind.SUCCESS,
        LessonKind.OBSTACLE,
    }
    for citation in case.citations.select_related("source"):
        assert citation.source.reference == "000"
        assert 1 <= citation.line_start <= citation.line_end <= citation.source.line_count
    petr = Territory.objects.get(slug="petr-grand-clermont")
    assert petr.population == 423000
    assert petr.members.count() == 4


def test_geography_reference_holds_every_departement_and_region():
    ContentLoader().load()
    assert Territory.objects.departements().count() == 101
    assert Territory.objects.regions().count() == 18
    puy_de_dome = Territory.objects.get(slug="puy-de-dome")
    assert puy_de_dome.insee_code == "63"
    assert list(puy_de_dome.regions.values_list("insee_code", flat=True)) == ["84"]


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
