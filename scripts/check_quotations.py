#!/usr/bin/env python3
"""Checks that every quotation « … » of the content is verbatim in the source lines it cites.

A development tool, not a test: the five source documents are not part of the repository. Point
it at the folder that holds them (files named ``000_….txt``, ``001_….txt``…):

    .venv/bin/python scripts/check_quotations.py --seeds ../shared/seeds [fixtures/content/*.yaml]

For each quotation of each text field, the script takes the citation markers that follow it in
the same paragraph — ``(source 003, l.941–947 ; l.12–14)``, ``(000, l. 33-34)`` — or, failing
that, the citations of the sheet, and looks for the quoted words in those lines (a margin of
a few lines either side, since PDF columns interleave). Comparison ignores line breaks, spacing,
typographic apostrophes and quotation marks, and words cut by a hyphen at the end of a line; an
ellipsis « … » or « […] » in a quotation separates fragments that must appear in that order.

It prints one line per quotation that is not found where it is cited (with the lines where it
is found, if anywhere) and exits with status 1 if there is any.

With ``--copies``, it also lists every run of ``COPY_WORDS`` or more consecutive words that the
content shares with a source outside « » (our own words are required there), except in the
fields where titles and addresses are copied on purpose (bibliography, links…).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
MARGIN = 6  # lines either side of a cited range
COPY_WORDS = 10
COPY_EXEMPT_FIELDS = {"bibliography", "further_info", "links", "url", "title", "name", "note"}
WORD = re.compile(r"[\w'’-]+")

QUOTE = re.compile(r"«\s*((?:[^«»]|«[^«»]*»)*?)\s*»")
# One citation marker: « (source 003, l.941–947 ; l.12–14 ; source 001, l.3) », « (000, l. 33-34) ».
MARKER = re.compile(r"\(([^()]*?\b\d{3}\b[^()]*?\bl\.\s*\d+[^()]*)\)")
SOURCE_REF = re.compile(r"\b(\d{3})\b")
LINE_RANGE = re.compile(r"\bl\.\s*(\d+)(?:\s*[-–]\s*(\d+))?")
ELLIPSIS = re.compile(r"\s*(?:\[…\]|\[\.\.\.\]|…|\.\.\.)\s*")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    text = re.sub(r"[«»“”\"]", " ", text)
    text = text.replace("\u00ad", "")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # word cut at a line end
    text = re.sub(r"\s+", " ", text)
    return text.strip().lower()


@dataclass
class Finding:
    where: str
    quote: str
    cited: str
    found_at: str

    def __str__(self):
        found = f" ; trouvée {self.found_at}" if self.found_at else " ; introuvable ailleurs"
        return f"{self.where} : « {self.quote[:90]} » absente de {self.cited}{found}"


class Sources:
    def __init__(self, folder: Path):
        self.lines: dict[str, list[str]] = {}
        for path in sorted(folder.glob("[0-9][0-9][0-9]_*.txt")):
            self.lines[path.name[:3]] = path.read_text(encoding="utf-8").splitlines()
        if not self.lines:
            raise SystemExit(f"Aucun document source (000_….txt) dans {folder}.")

    def span(self, ref: str, start: int, end: int) -> str:
        lines = self.lines.get(ref, [])
        return normalise("\n".join(lines[max(0, start - 1 - MARGIN) : end + MARGIN]))

    def whole(self, ref: str) -> str:
        return normalise("\n".join(self.lines.get(ref, [])))

    def locate(self, fragments: list[str]) -> str:
        """Where the first fragment occurs in any source (« 003 l.89 »), or ""."""
        needle = fragments[0]
        for ref, lines in self.lines.items():
            for number in range(len(lines)):
                if needle in normalise("\n".join(lines[number : number + 8])):
                    # The last window start that still holds it: the line where it begins.
                    while needle in normalise("\n".join(lines[number + 1 : number + 9])):
                        number += 1
                    return f"en {ref} l.{number + 1}"
        return ""


def contains_in_order(haystack: str, fragments: list[str]) -> bool:
    position = 0
    for fragment in fragments:
        found = haystack.find(fragment, position)
        if found < 0:
            return False
        position = found + len(fragment)
    return True


def parse_markers(text: str) -> list[tuple[str, int, int]]:
    """(source, start, end) of every range of the markers in ``text``, in order."""
    ranges = []
    for marker in MARKER.finditer(text):
        current = None
        for part in re.split(r"[;,]\s*(?=(?:source\s+)?\d{3}\b|l\.)", marker.group(1)):
            ref = SOURCE_REF.search(part)
            if ref and not LINE_RANGE.match(part.strip()):
                current = ref.group(1)
            for match in LINE_RANGE.finditer(part):
                if current:
                    start = int(match.group(1))
                    ranges.append((current, start, int(match.group(2) or start)))
    return ranges


def texts(value, path=""):
    """(path, text) of every string inside a YAML value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts(item, f"{path}[{index}]")


def sheet_ranges(entry: dict, source_refs: dict[str, str]) -> list[tuple[str, int, int]]:
    ranges = []
    for citation in entry.get("citations") or []:
        ref = source_refs.get(citation.get("source"))
        lines = citation.get("lines") or []
        if ref and len(lines) == 2 and lines[0]:
            ranges.append((ref, lines[0], lines[1] or lines[0]))
    return ranges


def check_file(path: Path, sources: Sources, source_refs: dict[str, str]) -> list[Finding]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    findings = []
    for section, entries in data.items():
        for entry in entries or []:
            fallback = sheet_ranges(entry, source_refs) if section == "cases" else []
            for field_path, text in texts(entry):
                for paragraph in re.split(r"\n\s*\n", text):
                    findings += check_paragraph(
                        paragraph,
                        f"{path.name} [{entry.get('slug')}] {field_path}",
                        sources,
                        fallback,
                    )
    return findings


def check_paragraph(paragraph, where, sources: Sources, fallback) -> list[Finding]:
    findings = []
    for quote in QUOTE.finditer(paragraph):
        fragments = [normalise(part) for part in ELLIPSIS.split(quote.group(1))]
        fragments = [fragment for fragment in fragments if fragment]
        if not fragments or len(" ".join(fragments)) < 4:
            continue
        ranges = parse_markers(paragraph[quote.end() :]) or parse_markers(paragraph) or fallback
        if ranges:
            haystacks = [sources.span(ref, start, end) for ref, start, end in ranges]
            cited = ", ".join(f"{ref} l.{start}–{end}" for ref, start, end in ranges)
        else:
            haystacks = [sources.whole(ref) for ref in sources.lines]
            cited = "toutes les sources (aucune citation)"
        if any(contains_in_order(haystack, fragments) for haystack in haystacks):
            continue
        findings.append(Finding(where, quote.group(1), cited, sources.locate(fragments)))
    return findings


def word_list(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(normalise(text))]


def copied_runs(path: Path, sources: Sources) -> list[str]:
    """Runs of COPY_WORDS+ words shared with a source, outside « » and exempt fields."""
    shingles = set()
    for lines in sources.lines.values():
        words = word_list("\n".join(lines))
        shingles |= {tuple(words[i : i + COPY_WORDS]) for i in range(len(words) - COPY_WORDS + 1)}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    findings = []
    for entries in data.values():
        for entry in entries or []:
            for field_path, text in texts(entry):
                if field_path.split(".")[-1].split("[")[0] in COPY_EXEMPT_FIELDS:
                    continue
                words = word_list(QUOTE.sub(" ¶ ", text))
                run_end = -1
                for i in range(len(words) - COPY_WORDS + 1):
                    if i > run_end and tuple(words[i : i + COPY_WORDS]) in shingles:
                        end = i + COPY_WORDS
                        while (
                            end < len(words)
                            and tuple(words[end - COPY_WORDS + 1 : end + 1]) in shingles
                        ):
                            end += 1
                        run_end = end
                        findings.append(
                            f"{path.name} [{entry.get('slug')}] {field_path} : copié sans « » : "
                            f"« {' '.join(words[i:end])} »"
                        )
    return findings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--copies", action="store_true", help="aussi les passages copiés sans « »")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"Dossier des documents sources introuvable : {args.seeds} (option --seeds).")
        return 2
    sources = Sources(args.seeds)
    content = ROOT / "fixtures" / "content"
    refs = {
        entry["slug"]: str(entry["reference"])
        for entry in yaml.safe_load((content / "00_sources.yaml").read_text())["sources"]
    }
    files = args.files or sorted(content.glob("*.yaml"))
    findings = [finding for path in files for finding in check_file(path, sources, refs)]
    for finding in findings:
        print(finding)
    print(f"{len(findings)} citation(s) entre « » introuvable(s) aux lignes citées.")
    copies = [line for path in files for line in copied_runs(path, sources)] if args.copies else []
    for line in copies:
        print(line)
    if args.copies:
        print(f"{len(copies)} passage(s) de {COPY_WORDS} mots ou plus copié(s) sans « ».")
    return 1 if findings or copies else 0


if __name__ == "__main__":
    sys.exit(main())
