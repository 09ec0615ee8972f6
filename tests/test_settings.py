"""Settings come from the environment, with safe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'cooperations.settings'; "
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.DATABASES['default']['ENGINE'], "
    "settings.LANGUAGE_CODE, settings.TIME_ZONE)"
)


def run_settings(**env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_is_the_default_and_requires_a_secret_key():
    result = run_settings()
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_with_a_key_has_debug_off_and_no_host_allowed():
    result = run_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"
    assert "[]" in result.stdout


def test_development_mode_runs_on_sqlite_in_french():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "True" in result.stdout
    assert "django.db.backends.sqlite3" in result.stdout
    assert "fr Europe/Paris" in result.stdout


def test_postgres_url_selects_postgresql():
    result = run_settings(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert "django.db.backends.postgresql" in result.stdout
