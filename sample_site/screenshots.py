"""Take the README's screenshots of the demos: ``make screenshots`` (needs Chromium + Playwright).

Serves sample_site with uvicorn on a free port (tests/live_server.py), drives each demo into a
state worth showing, and writes docs/images/<demo>.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.live_server import LiveServer  # noqa: E402

OUT = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
CONNECTED = 'body[data-live-state="connected"]'


def counter(page: Page) -> None:
    page.goto("/counter/")
    page.wait_for_selector(CONNECTED)
    for _ in range(3):
        page.click("#plus-two")
    page.wait_for_function("document.getElementById('count').textContent === '6'")


def signup(page: Page) -> None:
    page.goto("/signup/")
    page.wait_for_selector(CONNECTED)
    page.fill("#id_username", "demo")
    page.fill("#id_email", "ada@example")
    page.fill("#id_password", "correct horse")
    page.fill("#id_password2", "correct hors")
    page.click("#id_username")
    page.wait_for_selector("#lv-form_errors .errorlist")


def todos(page: Page) -> None:
    page.goto("/todos/")
    page.wait_for_selector(CONNECTED)
    for title in ("Write the docs", "Ship 0.1", "Celebrate"):
        page.fill("#new-title", title)
        page.press("#new-title", "Enter")
        page.wait_for_selector(f"text={title}")


def contacts(page: Page) -> None:
    # The demo's migrations seed its contacts (Ada Lovelace, Alan Turing, ...): adding them
    # again was refused (their emails are unique), and the run stopped here.
    page.goto("/contacts/")
    page.wait_for_selector(CONNECTED)


def market(page: Page) -> None:
    page.goto("/market/")
    page.wait_for_selector(CONNECTED)


def hooks(page: Page) -> None:
    page.goto("/hooks/")
    page.wait_for_selector(CONNECTED)
    page.click("#hook-push")
    page.wait_for_selector("text=widget heard clicked 2")


def chart(page: Page) -> None:
    page.goto("/chart/")
    page.wait_for_selector(CONNECTED)
    page.wait_for_selector("#chart[data-points='8']")


DEMOS = {"home": lambda page: page.goto("/"), "counter": counter, "signup": signup}
DEMOS |= {"todos": todos, "contacts": contacts, "market": market}
DEMOS |= {"hooks": hooks, "chart": chart}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with LiveServer() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            base_url=server.base_url, viewport={"width": 1400, "height": 900}
        )
        # `screenshots.py hooks chart` takes only those.
        for name, drive in DEMOS.items():
            if sys.argv[1:] and name not in sys.argv[1:]:
                continue
            page = context.new_page()
            drive(page)
            page.screenshot(path=OUT / f"{name}.png")
            print(f"wrote {OUT / name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
