"""scripts/check_quotations.py, the development check of the verbatim rule: a quotation « … »
must be found in the lines it cites, and our own words must not copy a source."""

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "check_quotations", ROOT / "scripts/check_quotations.py"
)
checker = importlib.util.module_from_spec(spec)
sys.modules["check_quotations"] = checker  # (dataclasses look their module up)
spec.loader.exec_module(checker)

SOURCE = (
    """Ligne un du document.
Le contrat de réciprocité relie la ville
et la campagne ; il repose sur la con-
fiance entre les élus et sur des engagements mutuels.
"""
    + "Ligne de remplissage.\n" * 15
    + "Une autre ligne sans rapport.\n"
)


@pytest.fixture
def sources(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "900_document.txt").write_text(SOURCE, encoding="utf-8")
    return checker.Sources(seeds)


def content(tmp_path, text):
    path = tmp_path / "content.yaml"
    entry = {"slug": "essai", "summary": text}
    import yaml

    path.write_text(yaml.safe_dump({"cases": [entry]}, allow_unicode=True), encoding="utf-8")
    return path


def findings(tmp_path, sources, text):
    return checker.check_file(content(tmp_path, text), sources, {})


def test_a_verbatim_quotation_is_found_across_lines_and_a_cut_word(tmp_path, sources):
    text = "Le contrat « repose sur la confiance entre les élus » (source 900, l.3–4)."
    assert findings(tmp_path, sources, text) == []


def test_an_elided_quotation_is_found_in_order(tmp_path, sources):
    text = "Il « relie la ville […] et sur des engagements mutuels » (source 900, l.2–4)."
    assert findings(tmp_path, sources, text) == []


def test_a_reworded_quotation_is_reported_with_its_citation(tmp_path, sources):
    text = "Il « repose sur la confiance des élus » (source 900, l.3–4)."
    (finding,) = findings(tmp_path, sources, text)
    assert finding.cited == "900 l.3–4"
    assert "repose sur la confiance des élus" in str(finding)


def test_a_quotation_found_elsewhere_than_cited_says_where(tmp_path, sources):
    text = "« Une autre ligne sans rapport » (source 900, l.1)."
    (finding,) = findings(tmp_path, sources, text)
    assert finding.found_at == "en 900 l.20"


def test_words_copied_without_quotation_marks_are_reported(tmp_path, sources):
    copied = "Le contrat de réciprocité relie la ville et la campagne ; il repose sur la."
    path = content(tmp_path, copied)
    (line,) = checker.copied_runs(path, sources)
    assert "copié sans « »" in line
    own_words = "Un contrat lie deux territoires voisins, urbain et rural, par des engagements."
    assert checker.copied_runs(content(tmp_path, own_words), sources) == []


def test_markers_of_several_documents_are_parsed():
    ranges = checker.parse_markers("(source 003, l.12–14 ; l.20 ; source 001, l.3–5)")
    assert ranges == [("003", 12, 14), ("003", 20, 20), ("001", 3, 5)]


def test_the_script_refuses_a_missing_sources_folder(tmp_path, capsys):
    assert checker.main(["--seeds", str(tmp_path / "absent")]) == 2
    assert "introuvable" in capsys.readouterr().out


def test_the_content_tells_its_quotations_from_its_own_words(tmp_path):
    """The rule on the repository's own data: every « » of a sheet has a citation marker in
    its paragraph, or the sheet cites its sources (so the checker knows where to look)."""
    import yaml

    for path in sorted((ROOT / "fixtures/content").glob("0*_*.yaml")):
        data = yaml.safe_load(textwrap.dedent(path.read_text(encoding="utf-8"))) or {}
        for entry in data.get("cases") or []:
            assert entry.get("citations"), (path.name, entry["slug"])
