"""The restore drill of the README (scripts/restore_drill.sh) on the test PostgreSQL server:
pg_dump, pg_restore into a new database, identical pages and counts from both."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.catalogue_fixtures import build_mixed_catalogue

ROOT = Path(settings.BASE_DIR)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_a_database_that_serves_the_same_pages():
    catalogue = build_mixed_catalogue()
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHON": sys.executable,
    }
    result = subprocess.run(
        ["bash", "scripts/restore_drill.sh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restauration vérifiée : fiches publiées : 3" in result.stdout
    assert "pages identiques" in result.stdout
    assert catalogue.full.slug  # the drill counted the sheets built above


def test_the_fingerprint_changes_when_the_content_changes(db, capsys):
    from django.core.management import call_command

    from casestudies.models import CaseStudy

    catalogue = build_mixed_catalogue()
    call_command("site_fingerprint")
    before = capsys.readouterr().out
    CaseStudy.objects.filter(pk=catalogue.full.pk).update(summary="Un autre chapeau. Voilà.")
    call_command("site_fingerprint")
    after = capsys.readouterr().out
    assert before.splitlines()[0] == after.splitlines()[0] == "fiches publiées : 3"
    changed = [a for a, b in zip(after.splitlines(), before.splitlines(), strict=True) if a != b]
    assert any(catalogue.full.slug in line for line in changed)
