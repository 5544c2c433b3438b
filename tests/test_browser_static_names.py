"""The glue's lazily loaded parts under a static files storage that hashes names (Django's
ManifestStaticFilesStorage, served hashed-only as ServeStatic's KEEP_ONLY_HASHED_FILES does):
sample_site with DEMO_RENAMED_STATIC=1 (demo/renamed_static.py). Found by a walk-through of the
deployment guide: the main script was loaded hashed, and its parts by their plain names, cached
60 s where they were served at all; served hashed-only they were 404, and polling, uploads,
hooks and navigation did nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import CONNECTED, wait_until
from tests.live_server import LiveServer
from tests.test_browser_uploads import INPUT, file

pytestmark = pytest.mark.browser

HASHED = re.compile(r"/static/live_views/live_views(\.[a-z]+)?\.min\.0123abcd\.js$")


@pytest.fixture(scope="module")
def server():
    # Overrides browser_fixtures' server: the library's scripts under hashed names only.
    with LiveServer(env={"DEMO_RENAMED_STATIC": "1"}) as running:
        yield running


def scripts_loaded(page):
    """(url, status) of every script of the library the page fetched."""
    loaded = []
    page.on(
        "response",
        lambda r: "/static/live_views/" in r.url and loaded.append((r.url, r.status)),
    )
    return loaded


def assert_all_hashed(loaded):
    for url, status in loaded:
        assert HASHED.search(url), url  # never the plain name, which is not served
        assert status == 200, (url, status)


def parts(loaded):
    return {m[1][1:] for url, _ in loaded if (m := HASHED.search(url)) and m[1]}


def wait_for_parts(page, loaded, wanted):
    """Until ``loaded`` lists ``wanted``: a response's event reaches the test a moment after the
    page ran the script (on a loaded machine, after what the script did showed)."""
    wait_until(
        page, lambda: wanted <= parts(loaded), timeout_ms=5000, message=f"{wanted} not loaded"
    )


def test_the_upload_part_loads_by_its_hashed_name_and_files_go_up(page, page_log):
    loaded = scripts_loaded(page)
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)

    page.set_input_files(INPUT, [file("hashed.txt", b"h" * 100)])

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    wait_for_parts(page, loaded, {"uploads"})
    assert_all_hashed(loaded)


def test_the_hook_and_polling_parts_load_by_their_hashed_names(page, page_log):
    loaded = scripts_loaded(page)
    page.goto("/chart/")
    page.wait_for_selector(CONNECTED)

    expect(page.locator("#chart .uplot")).to_have_count(1)  # its hook mounted
    expect(page.locator("#chart")).not_to_have_attribute("data-points", "0")  # it polls
    wait_for_parts(page, loaded, {"hooks", "polling"})
    assert_all_hashed(loaded)
