# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
SHOUHOU := $(VENV)/bin/shouhou
PYTEST_WORKERS ?= 2

.PHONY: run test bench lint clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

## run: create the virtualenv, install, initialise SQLite with demo data, serve on 127.0.0.1:8000
run: $(VENV)/.installed
	$(SHOUHOU) init
	$(SHOUHOU) demo --if-empty
	$(SHOUHOU) serve --host 127.0.0.1 --port 8000

## test: install test dependencies and system prerequisites, then run every test on SQLite and PostgreSQL
test: $(VENV)/.test-installed lint
	./scripts/test-prereqs
	$(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider --junitxml=test-results/junit.xml

## lint: ruff, mypy and the import contracts (part of `make test`)
lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## bench: the benchmark suite (not part of `make test`)
bench: $(VENV)/.test-installed
	./scripts/test-prereqs
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var test-results
