# Assessor: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TRANSLATIONS := assessor/translations
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

.PHONY: install run serve test stress test-tools lint bench bench-quick screenshots clean db messages

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS)
	touch $(STAMP)

install: $(STAMP) $(MO_FILES)

# The interface's message catalogues: extract every string users see (babel.cfg) into the
# template messages.pot, merge it into each language's messages.po (translations kept), and
# compile them (.mo files, not committed; `make install` compiles them too).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location --sort-output \
	  --add-comments=TRANSLATORS: --project=Assessor -o $(TRANSLATIONS)/messages.pot assessor
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap \
	  --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS)

# A catalogue edited after install is recompiled by `make install` (and so by run, test...).
%.mo: %.po | $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

db: install
	$(BIN)/assessor db upgrade

run: db
	$(BIN)/assessor serve --debug --host 127.0.0.1 --port 5000

# Production: gunicorn, 2 x cores + 1 workers (at most 9) of 4 threads. Needs SECRET_KEY in the
# environment; DATABASE_URL is optional (default: SQLite in instance/). See README, "Running
# in production".
HOST ?= 127.0.0.1
PORT ?= 8000
serve: db
	$(BIN)/assessor serve --host $(HOST) --port $(PORT)

# Browser-test tools: axe-core and vnu-jar from npm; Chromium, poppler-utils and Java from Debian;
# LibreOffice Calc and Writer (headless) to open the XLSX and DOCX files as a user would.
# Installed where possible (npm present; root with apt); otherwise the browser tests skip with a
# message, except in CI (CI=true) where they fail.
node_modules/.stamp: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser accessibility and HTML checks will be skipped" >&2; fi

test-tools: node_modules/.stamp
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui"; \
	dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing:$$missing (install with: sudo apt-get install$$missing); the tests that need them will be skipped" >&2; fi; \
	fi

test: install test-tools
	$(BIN)/pytest

# PNGs of every kind of page (desktop and phone width) and of the PDF report's first pages, for
# the README and for reviewers, into docs/screenshots/. Starts its own server, like the tests.
screenshots: install test-tools
	PYTHONPATH=. $(BIN)/python tests/browser/screenshots.py docs/screenshots

# Load and crash tests against the production server (gunicorn) on 127.0.0.1, on SQLite and
# PostgreSQL: 50 users at once, then kill -9 mid-save; 40 slow clients while 10 users work; a
# burst of creations; the PDF renderer killed, 150 reports through one server, SIGTERM during a
# render; two app servers and two `assessor worker` on PostgreSQL and Redis (db 15, emptied),
# a worker and a server killed. About 10 minutes on 2 cores; stopped after 25.
stress: install
	ASSESSOR_STRESS=1 timeout 1500 $(BIN)/pytest tests/stress -p no:cacheprovider -rA -s

lint: install
	$(BIN)/ruff check assessor tests benchmarks
	$(BIN)/ruff format --check assessor tests benchmarks
	$(BIN)/mypy

# Benchmarks of the PDF and the web app against their floors (not part of `make test`): about
# 10 minutes on 2 cores; writes docs/benchmarks.md (and the raw figures to reports/). The web
# part serves on 127.0.0.1 only, with bounded load, and stops its servers at the end.
bench: install
	$(BIN)/python -m benchmarks.run

# The figures with targets only (pages against Jinja alone, memory at 1x, 3x, 10x, click-to-file,
# throughput against the floor app): a few minutes. Writes the same files as `make bench`.
bench-quick: install
	$(BIN)/python -m benchmarks.run --quick

clean:
	rm -rf $(VENV) instance/*.sqlite* .pytest_cache
