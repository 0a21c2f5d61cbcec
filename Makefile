# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

.PHONY: run test lint format messages compilemessages check-translations bench faults install clean

$(STAMP): pyproject.toml
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

## Start the whole product (web, Celery worker and beat) with demo data.
run: $(STAMP)
	PYTHON=$(PYTHON) bin/run

compilemessages: $(STAMP)
	DEBUG=1 $(PYTHON) manage.py compiletranslations

## The whole suite against PostgreSQL and Redis.
test: $(STAMP) compilemessages
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	TESTING=1 $(PYTHON) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	DEBUG=1 $(PYTHON) -m mypy .
	DEBUG=1 DATABASE_URL=sqlite:///:memory: $(PYTHON) manage.py makemigrations --check --dry-run
	$(PYTHON) bin/check_translations
	DEBUG=0 SECRET_KEY=lint-check-$$(date +%s)-a-long-random-looking-secret-value-for-check \
	ALLOWED_HOSTS=helpdesk.example.com DATABASE_URL=sqlite:///:memory: \
	$(PYTHON) manage.py check --deploy --fail-level WARNING

format: $(STAMP)
	$(PYTHON) -m ruff check --fix .
	$(PYTHON) -m ruff format .

## Refresh the translation catalogues from the code and templates.
messages: $(STAMP)
	DEBUG=1 $(PYTHON) manage.py makemessages --all --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-obsolete

clean:
	rm -rf var/helpdesk.sqlite3 var/broker var/static
