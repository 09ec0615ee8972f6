"""Production hardening: headers, deploy checks, login throttling, configurable admin URL."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


PRODUCTION = {
    "SECRET_KEY": "k" * 30 + uuid.uuid4().hex + "Z!x",
    "ALLOWED_HOSTS": "cooperations.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://cooperations.example.org",
}


def test_security_headers_on_public_pages(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_pages_carry_no_inline_script(client):
    # JSON-LD blocks are data, never executed (and outside the Content-Security-Policy).
    for url in ["/", reverse("casestudies:case-list")]:
        text = client.get(url).text
        assert not re.search(r'<script(?! type="application/ld\+json">)', text)
        assert text.count("<script") == text.count('<script type="application/ld+json">')


def test_production_settings_pass_the_deploy_check():
    result = run(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_to_https_and_secures_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run(["shell", "-v", "0", "-c", code], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("True True True 31536000")
    assert "HTTP_X_FORWARDED_PROTO" in result.stdout


def test_admin_url_is_configurable():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = run(["shell", "-v", "0", "-c", code], ADMIN_URL="gestion-interne/", **PRODUCTION)
    assert result.stdout.strip() == "/gestion-interne/"


def test_admin_login_locks_after_repeated_failures(client, django_user_model, settings):
    django_user_model.objects.create_superuser("editrice", "e@example.org", "le-bon-mot-de-passe")
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "editrice", "password": "mauvais"})
        assert response.status_code == 200
        assert "Veuillez compléter correctement" in response.text  # the admin French error
    response = client.post(login, {"username": "editrice", "password": "mauvais"})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.text
    # Even the right password is refused while the lock lasts.
    response = client.post(login, {"username": "editrice", "password": "le-bon-mot-de-passe"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_works_below_the_limit(client, django_user_model):
    django_user_model.objects.create_superuser("editrice", "e@example.org", "le-bon-mot-de-passe")
    client.post(reverse("admin:login"), {"username": "editrice", "password": "mauvais"})
    response = client.post(
        reverse("admin:login"), {"username": "editrice", "password": "le-bon-mot-de-passe"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.fixture
def scratch_database_url():
    """An empty database of the same engine as the tests', removed afterwards."""
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        name = f"coop_migrations_{uuid.uuid4().hex[:8]}"
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        base = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{base}/{name}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = Path(f"/tmp/coop-migrations-{uuid.uuid4().hex[:8]}.sqlite3")
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)


def test_migrations_apply_from_empty_and_roll_back_to_zero(scratch_database_url):
    env = {"DEBUG": "1", "DATABASE_URL": scratch_database_url}
    forward = run(["migrate", "--noinput"], **env)
    assert forward.returncode == 0, forward.stderr
    back = run(["migrate", "casestudies", "zero", "--noinput"], **env)
    assert back.returncode == 0, back.stderr
    assert "Unapplying casestudies.0001_initial... OK" in back.stdout
    again = run(["migrate", "--noinput"], **env)
    assert again.returncode == 0, again.stderr
    check = run(["showmigrations", "casestudies"], **env)
    assert "[ ]" not in check.stdout and "[X] 0005_editorial_groups" in check.stdout
