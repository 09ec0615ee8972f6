"""Loading the editorial content: idempotent, and never overwriting a staff edit."""

import re
import textwrap

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from casestudies.content import (
    DEFAULT_BASELINE_DIR,
    DEFAULT_CONTENT_DIR,
    UPDATE_COMMENT,
    ContentError,
    ContentLoader,
    fingerprint,
)
from casestudies.models import CaseStudy, LoadedContent, Territory

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
    assert "fiches de cas : 1 créé(s), 0 complété(s), 0 corrigé(s), 0 inchangé(s)" in first
    call_command("load_content", directory=tmp_path)
    second = capsys.readouterr().out
    assert "fiches de cas : 0 créé(s), 0 complété(s), 0 corrigé(s), 1 inchangé(s)" in second


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


# -- corrections of the content reach installations, never over a staff edit -------------------

CORRECTED = (
    MINIMAL.replace('history: "Depuis 2012."', 'history: "Depuis 2013, selon la source."')
    .replace('title: "PETR A – CC B : entente"', 'title: "PETR A – CC B : une entente"')
    .replace(
        "          - {source: doc, lines: [1, 20]}",
        "          - {source: doc, lines: [1, 20]}\n"
        "        lessons:\n"
        "          - {kind: reussite, category: confiance-et-interconnaissance, "
        'text: "Des élus qui se connaissent.", inferred: true}',
    )
)


def loaded(tmp_path, text, baseline=None):
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    write(folder, "content.yaml", text)
    return ContentLoader(folder, baseline=baseline).load()


def test_a_correction_reaches_the_fields_nobody_changed_and_spares_an_edited_one(tmp_path):
    loaded(tmp_path, MINIMAL)
    case = CaseStudy.objects.get(slug="a-b")
    case.title = "Titre choisi par la rédaction"
    case.save()

    report = loaded(tmp_path, CORRECTED)

    case.refresh_from_db()
    assert case.title == "Titre choisi par la rédaction"  # edited since it was loaded: kept
    assert case.history == "Depuis 2013, selon la source."  # untouched: corrected
    (lesson,) = case.lessons.all()
    assert lesson.inferred and lesson.text == "Des élus qui se connaissent."
    assert report.corrected["fiches de cas"] == 1
    assert ("fiche de cas", "a-b", "title") in report.kept
    assert any("Laissé tel quel" in line and "title" in line for line in report.lines())
    latest = Version.objects.get_for_object(case).first()
    assert latest.revision.comment == UPDATE_COMMENT.format(fields="history, lessons")


def test_reloading_a_corrected_content_changes_nothing(tmp_path):
    loaded(tmp_path, MINIMAL)
    loaded(tmp_path, CORRECTED)
    before = row_counts(), Version.objects.count()
    report = loaded(tmp_path, CORRECTED)
    assert (row_counts(), Version.objects.count()) == before
    assert report.corrected == {} and report.filled == {}


def test_an_installation_loaded_before_the_memory_gets_corrections_from_the_baseline(tmp_path):
    loaded(tmp_path, MINIMAL)
    LoadedContent.objects.all().delete()  # as a release without LoadedContent left it
    Territory.objects.filter(slug="cc-b").update(name="CC B (nom corrigé par la rédaction)")
    baseline = tmp_path / "baseline"
    baseline.mkdir()
    (baseline / "release.yaml").write_text(
        yaml.safe_dump(
            {
                "cases": {"a-b": {"history": str(fingerprint("Depuis 2012."))}},
                "territories": {"cc-b": {"name": str(fingerprint("CC B"))}},
            }
        ),
        encoding="utf-8",
    )
    corrected = CORRECTED.replace('name: "CC B"', 'name: "Communauté de communes B"')

    report = loaded(tmp_path, corrected, baseline=baseline)

    assert CaseStudy.objects.get(slug="a-b").history == "Depuis 2013, selon la source."
    # Without a fingerprint for the title, the loader cannot tell: it keeps the database's.
    assert CaseStudy.objects.get(slug="a-b").title == "PETR A – CC B : entente"
    assert Territory.objects.get(slug="cc-b").name == "CC B (nom corrigé par la rédaction)"
    assert ("territoire", "cc-b", "name") in report.kept


MERGED = (
    MINIMAL
    + """
      - slug: a-b-bis
        title: "PETR A – CC B : la même entente"
        summary: "Deux voisins, encore."
        themes: [mobilite]
        parties:
          - {territory: petr-a, role: porteur}
        instruments:
          - {instrument: entente-intercommunale}
        citations:
          - {source: doc, lines: [21, 30]}
"""
)


@pytest.mark.parametrize("edited", [False, True])
def test_a_merged_sheet_is_removed_and_redirects_unless_someone_edited_it(tmp_path, client, edited):
    loaded(tmp_path, MERGED)
    if edited:
        CaseStudy.objects.filter(slug="a-b-bis").update(summary="Complétée par la rédaction.")
    merged = MINIMAL.replace(
        'history: "Depuis 2012."', 'history: "Depuis 2012."\n        former_slugs: [a-b-bis]'
    )

    report = loaded(tmp_path, merged)

    assert CaseStudy.objects.filter(slug="a-b-bis").exists() is edited
    if edited:
        assert ("fiche de cas", "a-b-bis", "fusion dans une autre fiche") in report.kept
    else:
        response = client.get("/fiches/a-b-bis/")
        assert response.status_code == 301 and response["Location"] == "/fiches/a-b/"
        assert Version.objects.get_deleted(CaseStudy).get().object_repr == (
            "PETR A – CC B : la même entente"
        )


def test_two_files_giving_a_record_different_values_are_refused(tmp_path):
    write(tmp_path, "a.yaml", MINIMAL)
    write(tmp_path, "b.yaml", 'territories:\n  - slug: cc-b\n    name: "Autre nom"\n')
    with pytest.raises(ContentError, match=r"b.yaml \[cc-b\].*name.*a.yaml"):
        ContentLoader(tmp_path).load()


def test_the_shipped_baseline_holds_only_fingerprints():
    for path in DEFAULT_BASELINE_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for records in data.values():
            for values in records.values():
                assert all(re.fullmatch(r"[0-9a-f]{20}", digest) for digest in values.values())
