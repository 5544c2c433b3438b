# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test docs screenshots lint typecheck js js-test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,docs]"
	touch $(STAMP)

# Serve sample_site/ at http://127.0.0.1:8000 (SQLite, in-memory channel layer, daphne).
demo: $(STAMP)
	cd sample_site && ../$(BIN)/python manage.py migrate --verbosity 0
	cd sample_site && ../$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite: lint, types, then pytest on SQLite and again on PostgreSQL when it is reachable
# (CI=true makes a missing PostgreSQL, Redis or Chromium a failure instead of a skip).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory docs
	$(BIN)/pytest
	LIVE_VIEWS_TEST_DB=postgres $(BIN)/pytest -m "not browser and not redis" -q

# The documentation site, warnings as errors (-E: re-read every page, so no warning hides in a
# cache). Open docs/_build/html/index.html.
docs: $(STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html

# Rebuild the bundled JS from static/ (needs node and npm) and run its unit tests.
js:
	cd static && npm ci --no-audit --no-fund && npm run build && npm test

# Our library beside its Django peers, one run (bench/README.md): bench/RESULTS.md and a chart.
# QUICK=1 for a smoke run; PEERS=all for every peer server, not only each peer's fastest.
bench:
	$(PYTHON) bench/run.py $(if $(QUICK),--quick) $(if $(PEERS),--peers $(PEERS))

# The README's pictures of the demos (docs/images/*.png), taken in Chromium with Playwright.
screenshots: $(STAMP)
	$(BIN)/python sample_site/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache static/node_modules
