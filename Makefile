# The README's two promises: `make run` and `make test`. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format clean worker bench-seed bench-caseload

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

# Benchmark: seed 10,000 cases into a fresh SQLite file and print the time.
bench-seed: install
	rm -f var/bench.sqlite3
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 $(BIN)/python manage.py migrate -v0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 $(BIN)/python manage.py seed_demo --cases 10000
	rm -f var/bench.sqlite3

# Benchmark: the caseload at 100,000 cases (SQLite file by default; set DATABASE_URL for PostgreSQL).
bench-caseload: install
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py bench_caseload --cases 100000
