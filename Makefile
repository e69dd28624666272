# Causerie — the two commands a newcomer needs:
#   make demo   install into .venv and start Causerie on SQLite with a demo article
#   make test   install what the tests need and run the whole suite (CI runs this)

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8080
DATA   ?= ../data
# Test processes (pytest-xdist); whole files go to one process each, so that a file's
# module fixtures (a browser, a server) start once, in the order of the collection, where
# tests/conftest.py puts the longest files first. 0 runs the suite in one process.
TEST_WORKERS ?= 2

.PHONY: demo install test test-deps lint check format clean mutation docs-images data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

demo: install
	@echo "Demo article: http://127.0.0.1:$(PORT)/demo  (Arabic: /demo/ar, English: /demo/en)"
	CAUSERIE_DATABASE_URL=$${CAUSERIE_DATABASE_URL:-sqlite:///causerie.db} CAUSERIE_DEMO_SEED=true \
		$(BIN)/causerie serve --port $(PORT)

test-deps: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@command -v chromium >/dev/null 2>&1 || scripts/install-chromium
	@scripts/install-wordpress
	@scripts/install-nginx
	@[ -d node_modules/axe-core ] && [ -d node_modules/oidc-provider ] || npm install --no-audit --no-fund --silent

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# The OpenAPI fuzzing runs apart, in one process: schemathesis gives its 77 tests one id,
# and pytest-xdist silently runs none of a file whose tests share an id.
FUZZ = tests/fuzz/test_openapi_fuzz.py

test: test-deps lint
	$(BIN)/pytest -q --durations=25 -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
		--ignore=$(FUZZ) $(PYTEST_ARGS)
	$(BIN)/pytest -q -p no:xdist $(FUZZ)

# The pictures in docs/images/, taken again by the tests that make them (Chromium,
# WordPress) or by the desk's own script: the only way they change.
# NAMES="a.png b.png" refreshes some; NAMES='desk-*' the moderation desk's.
docs-images: test-deps
	$(BIN)/python scripts/docs_images.py $(NAMES)

# The public data sets of the spam and toxicity models, fetched from their origins
# and checked (needs internet): docs/data.md. The tests never need them.
data: install
	$(BIN)/python scripts/fetch_data.py $(DATA) $(SETS)

# Mutation testing (mutmut), module by module against its own tests; slow, not in CI.
# MODULES="api/origins.py core/privacy.py" restricts it; figures go to docs/testing.md.
mutation: test-deps
	$(BIN)/pip install --quiet -e '.[mutation]'
	$(BIN)/python scripts/mutation.py $(MODULES)

format:
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache test-artifacts mutants
