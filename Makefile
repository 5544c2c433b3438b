# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.demo-installed
PORT ?= 8000

.PHONY: demo demo-css test dist docs screenshots lint typecheck js js-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Everything for development: tests, linters, docs, build tools (and so the demo's needs too).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,docs]"
	touch $(STAMP) $(DEMO_STAMP)

# The demo needs the package and uvicorn, nothing else (no browser, linters or docs tools).
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[demo]"
	touch $(DEMO_STAMP)

# Serve sample_site/ at http://127.0.0.1:$(PORT) (SQLite, in-memory channel layer, uvicorn).
# One server process (no autoreloader, whose child would outlive it), which Ctrl-C or a `kill`
# of make stops. The site serves its own static files (sample_site/urls.py).
demo: $(DEMO_STAMP)
	cd sample_site && ../$(BIN)/python manage.py migrate --verbosity 0
	@echo "Serving the demo at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	cd sample_site && exec ../$(BIN)/python -m uvicorn sample_site.asgi:application \
		--host 127.0.0.1 --port $(PORT) --log-level warning --timeout-graceful-shutdown 2

# The whole suite: lint, types, then pytest on SQLite and again on PostgreSQL when it is reachable
# (CI=true makes a missing PostgreSQL, Redis or Chromium a failure instead of a skip). The second
# pass runs as tox does: Python's development mode (asyncio's debug mode, in which a callback
# scheduled from the wrong thread raises) and ResourceWarnings as errors, so CI catches those too.
# The first runs its browser tests on WORKERS pytest-xdist workers, each taking whole modules (a
# module's servers and browser start once): they mostly wait (for servers, Chromium, the page's
# timers), so two at once take half the time on two cores. WORKERS=0 runs them in one process.
# The other tests run alone: they are quick, and some wait on timings a busy machine stretches.
WORKERS ?= 2
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory docs
	$(BIN)/pytest -m "not browser"
	$(BIN)/pytest -m browser -n $(WORKERS) --dist loadfile
	LIVE_VIEWS_TEST_DB=postgres PYTHONDEVMODE=1 PYTHONWARNINGS=error::ResourceWarning \
		$(BIN)/python -m pytest -m "not browser and not redis" -q

# The release: an sdist and a wheel in dist/, checked by twine (CI runs it).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist . >/dev/null
	$(BIN)/twine check --strict dist/*

# The documentation site, warnings as errors (-E: re-read every page, so no warning hides in a
# cache). Open docs/_build/html/index.html.
docs: $(STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html

# Rebuild the bundled JS from static/ (needs node and npm) and run its unit tests.
js:
	cd static && npm ci --no-audit --no-fund && npm run build && npm test

# The sample site's stylesheet framework (Pico CSS, pinned in sample_site/frontend/), copied into
# sample_site/demo/static/demo/. The library's own bundle never includes it.
demo-css:
	cd sample_site/frontend && npm ci --no-audit --no-fund && npm run build

# Our library beside its Django peers, one run (bench/README.md): bench/RESULTS.md and a chart.
# QUICK=1 for a smoke run; PEERS=all for every peer server, not only each peer's fastest.
bench:
	$(PYTHON) bench/run.py $(if $(QUICK),--quick) $(if $(PEERS),--peers $(PEERS))

# The README's pictures of the demos (docs/images/*.png), taken in Chromium with Playwright.
screenshots: $(STAMP)
	$(BIN)/python sample_site/screenshots.py

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache static/node_modules
