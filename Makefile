# Jejak: `make run` serves the demo, `make test` runs the whole suite. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Where `make run` and `make serve` listen: HOST=0.0.0.0:8080 (or a port alone, HOST=8080).
HOST ?= 127.0.0.1:8000
HOST_ADDRESS := $(if $(findstring :,$(HOST)),$(HOST),127.0.0.1:$(HOST))
# Links in emails and documents (verification codes) point where Jejak is served, unless
# SITE_URL is set; 0.0.0.0 (every interface) is reached as 127.0.0.1 on this machine.
SITE_URL ?= http://$(subst 0.0.0.0,127.0.0.1,$(HOST_ADDRESS))
DEV_ENV := DEBUG=1 SITE_URL=$(SITE_URL)

.DEFAULT_GOAL := help

.PHONY: help install check-system run serve worker test test-postgres lint format typecheck migrations messages screenshots deploy-check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'
	@echo "Variables:"
	@echo "  HOST=$(HOST)   where run and serve listen (e.g. make run HOST=0.0.0.0:8080)"
	@echo "  SITE_URL=$(SITE_URL)   links in emails and documents; follows HOST unless set"
	@echo "  TEST_WORKERS=$(TEST_WORKERS)   processes make test runs the suite in (auto: one per core)"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Jejak needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed ## Create .venv and install Jejak with its pinned dependencies

check-system: install ## Check the Debian packages WeasyPrint needs
	@$(PY) -c 'import weasyprint' 2>/dev/null || { \
	  echo "WeasyPrint cannot load its system libraries. Install them with:"; \
	  echo "  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
	  exit 1; }

run: check-system ## Migrate, load the demo data, start the background worker and serve on HOST (default 127.0.0.1:8000)
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py seed_demo
	@# The worker sends emails and builds large reports; it stops when the server stops.
	@$(DEV_ENV) $(PY) manage.py worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver $(HOST_ADDRESS)

serve: install ## Serve on HOST without migrating, seeding or the worker
	$(DEV_ENV) $(PY) manage.py runserver $(HOST_ADDRESS)

worker: install ## Run the background worker alone (it sends emails and builds large reports)
	$(DEV_ENV) $(PY) manage.py worker

# How many processes `make test` runs the suite in (pytest-xdist): one per core unless set.
TEST_WORKERS ?= auto

test: check-system ## Run the whole test suite on every core (PostgreSQL when DATABASE_URL is set)
	$(PY) -m pytest -n $(TEST_WORKERS)

lint: install ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install ## Type-check the apps with mypy and django-stubs (settings load with DEBUG=1)
	$(DEV_ENV) $(VENV)/bin/mypy

migrations: install ## Fail when models and migrations differ
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

messages: install ## Extract and compile translations
	$(DEV_ENV) $(PY) manage.py makemessages -l en -l id --ignore '.venv/*'
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore '.venv/*'

screenshots: install ## Retake the README's screenshots into docs/screenshots/ (needs chromium)
	$(PY) docs/screenshots.py

deploy-check: check-system ## Bring up the production stack on this machine (nginx, gunicorn, workers, Redis, PostgreSQL), check it, load it, tear it down
	$(PY) deploy/check.py --python $(PY)

clean: ## Remove the virtual environment and the SQLite database
	rm -rf $(VENV) db.sqlite3 staticfiles
