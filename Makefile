# The two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run dev test lint typecheck test-postgres mutate mutate-changed bench screenshots messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## Set up (venv, database, demo data) and serve on http://127.0.0.1:8000 with the worker:
## gunicorn, DEBUG off, static files from the app, a secret key generated under var/.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo
	./scripts/serve.sh

## For development: Django's server with DEBUG and auto-reload, and the worker.
dev: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo --quiet
	$(BIN)/python manage.py run_huey --quiet & trap 'kill $$!' EXIT; DEBUG=1 SIGN_IN_CODES_IN_OUTBOX=1 $(BIN)/python manage.py runserver $${ADDRESS:-127.0.0.1:8000}

# The suite runs on every core (pytest-xdist) and measures coverage of the application
# code; it fails under the floor in pyproject.toml ([tool.coverage.report] fail_under).
PYTEST := $(BIN)/python -m pytest -n auto --dist worksteal --cov --cov-report=term

## The whole suite on SQLite with coverage, then lint, layer and type checks.
test: $(STAMP)
	$(PYTEST)
	$(MAKE) --no-print-directory lint

## Style, the layers (.importlinter: no domain app imports a face, the core imports no kind) and types.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy .

## The same suite on PostgreSQL (DATABASE_URL, default the local server).
test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/servicedesk} $(PYTEST)

## Mutation testing of the rule modules (mutmut, see docs/testing.md): a score per module,
## the survivors, exit 1 below the floor (90 %). MODULES="promises/*.py" to pick some.
mutate: $(STAMP)
	$(BIN)/python scripts/mutate.py $(MODULES)

## The same, on the rule modules a change touches (their code or their tests) since BASE.
mutate-changed: $(STAMP)
	$(BIN)/python scripts/mutate.py --changed $${BASE:-HEAD~1}

## Benchmarks against a real gunicorn on PostgreSQL; see docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

## Save the main pages as PNG under docs/screenshots/ (runs the browser tests).
screenshots: $(STAMP)
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -m browser

## Rebuild the compiled translations after editing locale/*/LC_MESSAGES/django.po.
messages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var
