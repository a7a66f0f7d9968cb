# Stir developer entry points. `make demo` and `make test` are the two commands that matter.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stir-installed

.PHONY: install demo test lint unit bench stack-up stack-down airflow clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)

## Run the whole pipeline once on the embedded stack (ClickHouse on chDB, moto S3, PostgreSQL, sshd).
demo: install
	$(BIN)/stir demo

## Lint, then every test against the real embedded engines.
test: install lint
	bash scripts/run-tests.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint gcc_social/models gcc_social/macros gcc_social/tests --processes 2

bench: install
	$(BIN)/python -m bench

stack-up: install
	$(BIN)/stir stack up

stack-down:
	$(BIN)/stir stack down

## Airflow UI on the embedded stack: http://127.0.0.1:8080
airflow: install
	$(BIN)/stir stack up && set -a && source $${STIR_HOME:-.stir}/stack.env && set +a && $(BIN)/airflow standalone

clean:
	-$(BIN)/stir stack down
	rm -rf .stir gcc_social/target gcc_social/logs
