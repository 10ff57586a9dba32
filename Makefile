# The README's two promises: `make run` and `make test`. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format clean worker bench smoke-prod load

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/python manage.py compile_translations -v0 > /dev/null

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Optional, PostgreSQL only: runs queued jobs and the daily schedule (casemgmt/jobs/).
# `make run` needs none of it: on SQLite a deferred job runs at once, in-process.
worker: install
	@$(BIN)/python manage.py shell -v0 -c "from django.conf import settings; \
	  settings.ON_POSTGRESQL or exit('make worker needs PostgreSQL: set DATABASE_URL=postgres://...')"
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py procrastinate worker

# SQLite by default; set DATABASE_URL=postgres://... to run on PostgreSQL.
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles test-artifacts

# Benchmarks (docs/performance.md): every figure beside its references, measured in the same
# run, on the database in DATABASE_URL (SQLite file by default; PostgreSQL for real figures).
# Seeds up to 100,000 demo cases first; BENCH_ARGS="--cases 20000 --repeat 3 --only caseload".
# Never part of `make test`.
bench: install
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# Production smoke check (docs/operations.md): gunicorn with production settings on a free
# loopback port against the PostgreSQL in DATABASE_URL (migrated first); checks headers,
# cookie flags, error pages, /healthz, the admin's second factor and the lockout, then stops
# gunicorn whatever happened.
smoke-prod: install
	$(BIN)/python scripts/smoke_prod.py $(SMOKE_ARGS)

# Load run (docs/performance.md, "Load"): gunicorn with production settings and 2 workers on
# a free loopback port against the PostgreSQL in DATABASE_URL, driven by locust (headless,
# bounded in time) as staff who sign in with their second factor; prints req/s and
# p50/p95/p99, fails on any error. LOAD_ARGS="--users 16 --run-time 120 --no-dashboard".
# Never part of `make test` or CI.
load: install
	$(BIN)/python scripts/load/run.py $(LOAD_ARGS)
