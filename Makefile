# The two commands a newcomer needs:  make run  (demo site on SQLite)  and  make test  (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := allianz_site.settings

.PHONY: run test format install clean screenshots lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The browser tests' tools (axe-core, the Nu Html Checker, Lighthouse) come from package.json.
# --ignore-scripts: vnu-jar's install script would download a Java runtime; Debian's Java is used.
# Only the tests need them; without npm (outside CI) those gates are skipped with a reason.
# npm ls: the installed tree must match package.json, its overrides included (npm ci installs a
# lock file that ignores them without a word).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund && npm ls --all >/dev/null; \
	else echo "npm not found: the axe, Nu Html Checker and Lighthouse checks will be skipped."; fi

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --admin
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# The checks run with production settings (DEBUG off) and, like a newcomer's shell, no secret key.
test: install node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DJANGO_SECRET_KEY $(BIN)/python manage.py check
	env -u DJANGO_SECRET_KEY $(BIN)/python manage.py makemigrations --check --dry-run
	# The deployment check with production-like variables (HTTPS behind nginx, a random key).
	DJANGO_DEBUG=0 DJANGO_HTTPS=1 DJANGO_BEHIND_PROXY=1 DJANGO_ALLOWED_HOSTS=presse.example.de \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest

# Pictures of every public page type at 390 px and 1280 px (tests/browser/pages.py lists them),
# and the admin pages the staff manual docs/redaktion.md shows (admin-*.png).
screenshots: install node_modules/.package-lock.json
	mkdir -p docs/screenshots
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q -p no:cacheprovider \
		tests/browser/test_quality_gates.py tests/browser/test_staff_manual.py \
		tests/browser/test_workflow_journey.py \
		-k "fits_the_screen or test_staff_manual or test_workflow_journey"

# Lighthouse (mobile and desktop) on home, archive and a release; writes docs/lighthouse.md.
lighthouse: install node_modules/.package-lock.json
	$(BIN)/python -m tests.browser.lighthouse

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles .pytest_cache .ruff_cache
