# Precis: the two commands are `make demo` and `make test`; see README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WORKERS ?= 4
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/precis
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# Two processes suit the 2-core machines this runs on; override with PYTEST_WORKERS=auto.
PYTEST_WORKERS ?= 2
# The demo runs background tasks (search indexing) inline, so it needs no worker. It runs
# with DEBUG (e-mail goes to files, listed at /accounts/outbox/) yet shows the site's own
# 404 and 500 pages (precis/core/errorpages.py); links are built for the address asked
# on, and PORT gives the one used without a request (SITE_URL, unless set).
DEMO_ENV := DEBUG=true PORT=$(PORT) TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend

.PHONY: install demo serve worker test test-sqlite test-postgres test-e2e lint format bench lock clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	# The math font the site serves, axe-core for the browser tests and addons-linter for
	# the extension's Firefox package, from the npm registry.
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: install
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT) (e-mail it sends: http://127.0.0.1:$(PORT)/accounts/outbox/)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-style: collected static files served by WhiteNoise, several gunicorn workers.
serve: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn precis.wsgi --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile -

worker: install
	$(PY) manage.py db_worker

test: install
	$(MAKE) test-sqlite
ifeq ($(CI),true)
	$(MAKE) test-postgres
endif

test-sqlite:
	env -u DATABASE_URL $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-postgres:
	DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not e2e"

test-e2e: install
	$(PY) -m pytest e2e -m e2e

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/run.py
	$(PY) bench/import_bench.py
	$(PY) bench/render_bench.py
	$(PY) bench/diff_bench.py --page
	$(PY) bench/pages_bench.py

# Re-pin everything after changing requirements*.txt.
lock:
	rm -rf /tmp/precis-lock && $(PYTHON) -m venv /tmp/precis-lock
	/tmp/precis-lock/bin/pip install --quiet -r requirements-dev.txt
	( echo "# Transitive pins: everything pip installed for requirements-dev.txt, so a fresh"; \
	  echo "# machine gets exactly what CI tested. Regenerate with \`make lock\`."; \
	  /tmp/precis-lock/bin/pip freeze ) > constraints.txt

# --- browser extension (extension/README.md) ---
# dist/precis-chromium.zip and dist/precis-firefox.zip, byte for byte the same from the
# same sources; EXTENSION_SERVER_URL=https://… sets the server a fresh install asks.
.PHONY: extension
extension:
	$(PYTHON) extension/build.py --out dist
# --- end browser extension ---

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
