"""What moving between live pages costs in Chromium: a data-live-navigate link (fetch, swap,
the new page's own socket and join) against an ordinary page load of the same live page, both
timed from the click until the new page is connected. sample_site under uvicorn.

    .venv/bin/python bench/live_navigate.py [ROUNDS]

Prints p50/p90 in ms. Figures on a shared machine are noisy: say so when you quote them.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.live_server import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CONNECTED = 'body[data-live-state="connected"]'


def timed_move(page, selector: str, *, live: bool) -> float:
    """Click ``selector`` and wait until the next page is connected; milliseconds."""
    if live:
        start = page.evaluate("() => performance.now()")
        page.click(selector)
        page.wait_for_url("**/counter/")
        page.wait_for_selector(CONNECTED)
        return page.evaluate("() => performance.now()") - start
    # A page load starts a new clock: measure from the navigation's own start.
    page.click(selector)
    page.wait_for_url("**/counter/")
    page.wait_for_selector(CONNECTED)
    return page.evaluate(
        "() => performance.now() - performance.getEntriesByType('navigation')[0].startTime"
    )


def main(rounds: int) -> None:
    with LiveServer() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=server.base_url)
        results: dict[str, list[float]] = {"live link": [], "ordinary load": []}
        for _ in range(rounds):
            for name, live in (("live link", True), ("ordinary load", False)):
                page.goto("/hooks/")
                page.wait_for_selector(CONNECTED)
                if not live:  # the same link without data-live-navigate
                    page.evaluate(
                        "document.getElementById('to-counter').removeAttribute('data-live-navigate')"
                    )
                results[name].append(timed_move(page, "#to-counter", live=live))
        browser.close()
    for name, times in results.items():
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        print(
            f"{name}: p50 {statistics.median(times):.1f} ms, p90 {p90:.1f} ms ({len(times)} runs)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
