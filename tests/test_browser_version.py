"""In Chromium: a page whose JS was built for another version than the server's says so."""

from __future__ import annotations

import pytest

import live_views
from tests.browser_fixtures import CONNECTED

pytestmark = pytest.mark.browser


def test_a_version_mismatch_is_warned_in_the_console(page, page_log):
    version = live_views.__version__

    # As if the server had been upgraded under a cached bundle: the root's version changes as
    # soon as <body> is parsed, before the deferred bundle runs.
    page.add_init_script(
        """new MutationObserver((_, observer) => {
            if (!document.body) return;
            document.body.dataset.liveVersion = "99.0.0";
            observer.disconnect();
        }).observe(document, {childList: true, subtree: true});"""
    )
    with page.expect_console_message(lambda message: "!= server" in message.text) as warning:
        page.goto("/counter/")
    page.wait_for_selector(CONNECTED)  # a warning, not a refusal: the page still works

    assert warning.value.type == "warning"
    assert warning.value.text == (
        f"live_views: JS {version} != server 99.0.0: reload, or run collectstatic"
    )


def test_matching_versions_say_nothing(page, page_log):
    page.goto("/counter/")
    page.wait_for_selector(CONNECTED)

    page.click("#plus-one")
    page.wait_for_selector("#count:text('1')")
    assert not [line for line in page_log.console if "!= server" in line]
