# The two commands a newcomer needs:  make run  (demo site on SQLite)  and  make test  (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := allianz_site.settings

.PHONY: run test lint format install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --admin
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Checks run with production settings (DEBUG off); they only need some secret key.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-insecure-key-for-checks-only}"; \
	$(BIN)/python manage.py check && \
	$(BIN)/python manage.py makemigrations --check --dry-run
	# The deployment check with production-like variables (HTTPS behind nginx, a random key).
	DJANGO_DEBUG=0 DJANGO_HTTPS=1 DJANGO_BEHIND_PROXY=1 DJANGO_ALLOWED_HOSTS=presse.example.de \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache
