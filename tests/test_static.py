"""The committed JS bundle, static/package.json, its lock file and the docs agree."""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from pathlib import Path

import live_views

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "live_views/static/live_views/live_views.min.js"


def pinned_htmx() -> str:
    package = json.loads((ROOT / "static/package.json").read_text())
    return package["dependencies"]["htmx.org"]


def test_htmx_is_pinned_exactly_and_locked():
    version = pinned_htmx()
    assert re.fullmatch(r"4\.\d+\.\d+", version), "pin an exact htmx 4 release"
    lock = json.loads((ROOT / "static/package-lock.json").read_text())
    assert lock["packages"]["node_modules/htmx.org"]["version"] == version


def test_bundle_holds_the_pinned_htmx_its_ws_extension_and_the_glue():
    bundle = BUNDLE.read_text()
    version = pinned_htmx()
    assert bundle.startswith("var htmx=")  # htmx first, as vendored: no banner to pay for
    assert f'version="{version}"' in bundle
    assert 'registerExtension("ws"' in bundle
    assert "htmx:ws:after:connection" in bundle
    assert "live:connected" in bundle
    assert "sourceMappingURL" not in bundle


def test_versions_file_matches_the_pin():
    versions = json.loads(BUNDLE.with_name("VERSIONS.json").read_text())
    assert versions["htmx.org"] == pinned_htmx()


def test_readme_names_the_bundled_htmx():
    assert f"htmx {pinned_htmx()}" in (ROOT / "README.md").read_text()


def test_package_version_is_the_one_the_js_reports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == live_views.__version__


def test_bundle_is_built_for_the_package_version():
    # build.mjs bakes live_views.__version__ in; CI rebuilds, so a bump without a rebuild fails.
    assert f'"{live_views.__version__}"' in BUNDLE.read_text()


def test_the_latency_simulator_is_a_development_script_only():
    dev = BUNDLE.with_name("live_views.dev.min.js").read_text()
    assert "enableLatencySim" in dev
    assert "enableLatencySim" not in BUNDLE.read_text()


def test_the_bundle_stays_under_20_kib_gzipped():
    # The issue-18 budget: htmx, hx-ws and the glue together (build.mjs prints the figure).
    assert len(gzip.compress(BUNDLE.read_bytes(), compresslevel=9)) < 20 * 1024


def test_the_demo_chart_library_is_bundled_for_the_sample_site_only():
    chart = ROOT / "sample_site/demo/static/demo/chart.min.js"
    assert "u-over" in chart.read_text()  # uPlot's own markup
    assert "u-over" not in BUNDLE.read_text()
    package = json.loads((ROOT / "static/package.json").read_text())
    assert "uplot" in package["devDependencies"]
