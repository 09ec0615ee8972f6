#!/usr/bin/env python3
"""Writes the baseline that lets content corrections reach installations loaded before them.

``load_content`` remembers what the content said about each record (``LoadedContent``), and
applies a correction only to fields that still hold that value. Installations loaded by an
earlier release have no such memory: this script computes, for the fields the content has
changed since a given release, the fingerprint (a digest) of the value that release loaded,
and writes them as YAML for ``fixtures/content-baseline/``. A development tool (it needs
git), run once per release that corrects content:

    git worktree add /tmp/old-release <commit of the release>
    (cd /tmp/old-release && DEBUG=1 DATABASE_URL=sqlite:////tmp/old.sqlite3 \\
        /work/main/.venv/bin/python manage.py migrate -v0 && \\
        DEBUG=1 DATABASE_URL=sqlite:////tmp/old.sqlite3 \\
        /work/main/.venv/bin/python manage.py load_content)
    DEBUG=1 DATABASE_URL=sqlite:////tmp/old.sqlite3 .venv/bin/python manage.py migrate -v0
    DEBUG=1 DATABASE_URL=sqlite:////tmp/old.sqlite3 .venv/bin/python scripts/content_baseline.py \\
        > fixtures/content-baseline/<release>.yaml

The database must hold exactly what the old release loaded (a fresh load, no edits).
"""

import os
import sys
from pathlib import Path

import django
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperations.settings")
django.setup()

from casestudies.content import (  # noqa: E402
    SECTIONS,
    ContentLoader,
    fingerprint,
    normal,
    normal_field,
    read_documents,
    same,
)


class Unchecked(ContentLoader):
    """Reads the files without requiring their references to exist in the old database."""

    def lookup(self, model, slug, where):
        return None


def main():
    loader = Unchecked(baseline=None)
    documents = read_documents(loader.directory)
    baseline = {}
    for section in SECTIONS:
        entries = loader.merged_entries(section, documents)
        claimed = {old for _, entry in entries.values() for old in entry.get("former_slugs") or []}
        records = section.model.objects.prefetch_related(*section.prefetch)
        for record in records:
            relations = [r for r in section.relations if not r.additive]
            have = {key: normal(getattr(record, key)) for key in section.fields}
            have.update({relation.name: relation.have(record) for relation in relations})
            if record.slug not in entries:
                if record.slug in claimed:  # merged into another sheet: its whole state
                    baseline.setdefault(section.name, {})[record.slug] = {
                        key: str(fingerprint(value)) for key, value in have.items()
                    }
                continue
            where, entry = entries[record.slug]
            wanted = {key: normal_field(entry[key]) for key in section.fields if key in entry}
            wanted.update({r.name: r.wanted(loader, entry, where) for r in relations})
            changed = {
                key: str(fingerprint(have[key]))
                for key in wanted
                if not same(have[key], wanted[key])
            }
            if changed:
                baseline.setdefault(section.name, {})[record.slug] = changed
    print(
        "# Fingerprints of the values an earlier release loaded, for the fields the content has\n"
        "# corrected since (scripts/content_baseline.py; read by load_content: see content.py)."
    )
    print(yaml.safe_dump(baseline, allow_unicode=True, sort_keys=True, width=100), end="")


if __name__ == "__main__":
    main()
