# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
SHOUHOU := $(VENV)/bin/shouhou
PYTEST_WORKERS ?= 2
PORT ?= 8000

.PHONY: run test bench lint clean screenshots

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

## run: create the virtualenv, install, initialise SQLite with demo data, serve on 127.0.0.1:$(PORT) (make run PORT=8001)
run: $(VENV)/.installed
	$(SHOUHOU) init
	$(SHOUHOU) demo --if-empty
	@echo ""
	@echo "  console   http://127.0.0.1:$(PORT)/console   (staff: e.g. reviewer / shouhou123)"
	@echo "  portal    http://127.0.0.1:$(PORT)/portal    (buyers: buyer / shouhou123)"
	@echo "  API docs  http://127.0.0.1:$(PORT)/api/docs"
	@echo ""
	$(SHOUHOU) serve --host 127.0.0.1 --port $(PORT)

## screenshots: the main console and portal pages as docs/screenshots/*.png (demo data, headless chromium)
screenshots: $(VENV)/.test-installed
	./scripts/test-prereqs
	$(PY) scripts/screenshots.py docs/screenshots

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
