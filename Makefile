# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# The slow fault-injection tests (marker `faults`) run only with `make faults`. The suite runs in
# TEST_WORKERS processes (pytest-xdist), each test file in one of them (tests/xdist_env.py).
TEST_WORKERS ?= 2
PYTEST_ARGS ?= -m "not faults" -n $(TEST_WORKERS) --dist loadfile
FAULTS_ARGS ?=
FAULTS_DATABASE ?= test_hd_faults
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk_bench
BENCH_SECONDS ?= 15

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

## The fault suite: real workers and web servers under kills, Redis and PostgreSQL restarts, outages.
## It restarts the local PostgreSQL for a few seconds (every database on it): not for a shared CI run.
faults: $(STAMP) compilemessages
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	TEST_DATABASE_NAME=$${TEST_DATABASE_NAME:-$(FAULTS_DATABASE)} TESTING=1 \
	$(PYTHON) -m pytest -m faults $(FAULTS_ARGS)

## Load benchmarks (wrk on loopback, bounded runs) at 10k, 100k and 1M tickets, side by side with
## django-helpdesk 2.6.1 (installed into bench/peer/, git-ignored), and the SLA sweep at 1M.
## Results: bench/out/*.json; the recorded figures: bench/RESULTS.md.
bench: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_10k $(PYTHON) bench/datagen.py --tickets 10000
	@psql "$(BENCH_DATABASE_URL)" -Atc "SELECT count(*) FROM tickets_ticket" 2>/dev/null | grep -qx 1000000 || \
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PYTHON) bench/datagen.py --tickets 1000000
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_10k $(PYTHON) bench/web_load.py --seconds $(BENCH_SECONDS)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PYTHON) bench/web_load.py --seconds $(BENCH_SECONDS) --writers 0 2 10
	$(PYTHON) bench/peer.py --tickets 10000 100000 --ours-1m $(BENCH_DATABASE_URL) --seconds $(BENCH_SECONDS)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PYTHON) bench/sla_sweep.py --due 1000

lint: $(STAMP)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	DEBUG=1 $(PYTHON) -m mypy .
	$(VENV)/bin/lint-imports
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
