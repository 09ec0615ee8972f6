"""End-to-end tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Run with ``make e2e`` (the default ``pytest`` run leaves tests/e2e out, see pyproject.toml).
Each test starts from the real catalogue content (``load_content``, run once). The screenshots
taken at each step of a journey are written under test-artifacts/e2e/ only when the test fails.
"""

import io
import os
import re
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

# Playwright's sync API keeps an event loop in the main thread, which makes Django believe it
# is called from async code: the ORM calls of the tests and fixtures are plain sync code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "test-artifacts" / "e2e"))
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a loaded 2-core machine, short enough for a broken step to fail quickly.
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, for the fixtures' teardown to read."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright absent : pip install -e '.[dev]'"
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium introuvable à {CHROMIUM} (Debian : apt-get install chromium).")
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
        )
    except sync_api.Error as error:
        playwright.stop()
        pytest.skip(f"Chromium ({CHROMIUM}) ne démarre pas : {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def catalogue_content(django_db_setup, django_db_blocker):
    """The real content, loaded once. A live server needs a transactional database, emptied
    after each test: each test gets the content back through Django's serialized rollback, or,
    on the in-memory SQLite test database, from a copy of the whole database (much faster)."""
    connection = connections[DEFAULT_DB_ALIAS]
    snapshot = None
    with django_db_blocker.unblock():
        call_command("load_content", stdout=io.StringIO())
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.ensure_connection()
            snapshot = sqlite3.connect(":memory:")
            connection.connection.backup(snapshot)
            connection._test_serialized_contents = "[]"  # nothing left for Django to restore
        else:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()

    def restore():  # called by each test, whose database access is then allowed
        if snapshot is not None:
            connection.ensure_connection()
            snapshot.backup(connection.connection)

    yield restore
    if snapshot is not None:
        snapshot.close()


@pytest.fixture
def site(catalogue_content, django_db_serialized_rollback, live_server):
    """The address of the live server, serving the real catalogue content."""
    catalogue_content()
    # Counts are cached by catalogue generation, which starts again with each test's database.
    cache.clear()
    return live_server.url


class Journey:
    """Screenshots of the steps of a test, kept in memory and written out only on failure."""

    def __init__(self):
        self.shots: list[tuple[str, bytes]] = []
        self.pages = []
        self.contexts = []

    def step(self, page, name: str):
        # The visible part only, in JPEG: a full-page PNG at every step doubles a journey's time.
        self.shots.append((name, page.screenshot(type="jpeg", quality=70)))

    def save(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        for number, (name, image) in enumerate(self.shots, start=1):
            (directory / f"{number:02d}-{slug(name)}.jpg").write_bytes(image)
        for number, page in enumerate(self.pages, start=1):
            if not page.is_closed():
                (directory / f"zz-derniere-vue-page-{number}.html").write_text(
                    page.content(), encoding="utf-8"
                )
                last_view = directory / f"zz-derniere-vue-page-{number}.png"
                page.screenshot(path=last_view, full_page=True)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "etape"


@pytest.fixture
def journey(request):
    journey = Journey()
    yield journey
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        directory = ARTIFACTS / slug(request.node.nodeid.split("::", 1)[-1])
        shutil.rmtree(directory, ignore_errors=True)  # no screenshot left from an older run
        try:
            journey.save(directory)
        except Exception as error:  # the browser itself may be what failed
            print(f"Captures d'écran impossibles : {error}")
        else:
            print(f"Captures d'écran de chaque étape : {directory}")
    for context in journey.contexts:
        context.close()


@pytest.fixture
def new_page(browser, site, journey):
    """Opens a page in a fresh French browser context (options: java_script_enabled…).

    The journey closes the contexts, after its screenshots of a failure."""

    def open_page(**options):
        options = {
            "base_url": site,
            "locale": "fr-FR",
            "viewport": {"width": 1280, "height": 900},
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        journey.contexts.append(context)
        page = context.new_page()
        journey.pages.append(page)
        return page

    return open_page
