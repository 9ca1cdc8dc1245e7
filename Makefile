# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run serve install install-dev system-packages migrate demo test e2e bench lint messages clean

run: install migrate demo serve

serve:
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

system-packages:
	@scripts/system-packages.sh run

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: system-packages $(VENV)/.runtime-installed node_modules/.installed

install-dev: install $(VENV)/.dev-installed
	@scripts/system-packages.sh test

migrate: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_program

# The demo applications go through the real services, which log every task; keep the output to the logins.
demo: migrate
	$(PY) manage.py load_demo
	LOG_LEVEL=WARNING $(PY) manage.py load_demo_applications
	LOG_LEVEL=WARNING $(PY) manage.py load_demo_reviews
	LOG_LEVEL=WARNING $(PY) manage.py load_demo_payments
	LOG_LEVEL=WARNING $(PY) manage.py load_demo_awards

# DATABASE_URL=postgres://postgres@127.0.0.1:5432/eci make test runs the suite on PostgreSQL.
test: install-dev
	$(PY) -m pytest -n 2

e2e: install-dev
	$(PY) -m pytest -m e2e

# The benchmark needs PostgreSQL: it creates the database eci_bench once, seeds 10 000 applications in it once,
# then measures the staff pages and writes docs/benchmarks.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/eci_bench
bench: install-dev
	DATABASE_URL="$(BENCH_DATABASE_URL)" DJANGO_DEBUG=false LOG_LEVEL=WARNING $(PY) manage.py bench

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install-dev
	$(PY) manage.py makemessages --locale fr --locale en --no-obsolete --ignore ".venv/*" --ignore "node_modules/*"
	$(PY) manage.py compilemessages --ignore ".venv/*" --ignore "node_modules/*"

clean:
	rm -rf $(VENV) node_modules db.sqlite3 var staticfiles
