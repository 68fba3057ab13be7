# Assessor: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck bench screenshots clean db

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

db: install
	$(BIN)/assessor db upgrade

run: db
	$(BIN)/assessor serve --debug --host 127.0.0.1 --port 5000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check assessor tests
	$(BIN)/ruff format --check assessor tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance/*.sqlite* .pytest_cache
