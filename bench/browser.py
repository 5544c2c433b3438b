#!/usr/bin/env python3
"""Browser cost of an update: Chromium (Debian's, driven by Playwright) on the list pages.

For each click on a row's "+1" button the page records, with performance.now():
  recv    the websocket message event (a listener added before hx-ws's own, so it runs first)
  swap    our `live:update` event: hx-ws has parsed the frame and htmx has morphed the block
  layout  right after forcing style and layout (document.body.offsetHeight) in that handler
  paint   the next requestAnimationFrame callback after the swap
then, on the same page, Chromium alone: the same change made by hand (the value cell's text node
set, as the morph does) and layout forced, with no frame, socket or library involved: the floor
under recv->layout, which is the table's own layout cost.
Prints JSON: per page, percentiles of recv->swap, recv->layout, click->swap (the round trip).
Also checks that the frames the bundled JS sends have exactly the shape the adapter sends.
Run by bench/extra.py (tools venv) against a running server; the JS bundle is served from the
package's file through Playwright (the bench apps, like the peers', serve no static files).
"""

from __future__ import annotations

import argparse
import json
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

INIT = """
window.__recv = 0;
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", () => { window.__recv = performance.now(); });
  }
};
"""

CLICK = """async (row) => {
  const root = document.body;
  const done = new Promise((resolve) => root.addEventListener("live:update", () => {
    const swap = performance.now();
    void document.body.offsetHeight;
    const layout = performance.now();
    requestAnimationFrame(() => resolve({swap, layout, paint: performance.now()}));
  }, {once: true}));
  const button = document.querySelector(`#lv-row-${row}`).parentElement.querySelector("button");
  const click = performance.now();
  button.click();
  const t = await done;
  return {...t, click, recv: window.__recv,
          value: Number(document.querySelector(`#lv-row-${row}`).textContent)};
}"""


# Each sample starts in a task after a frame, as a socket message does, not inside a busy loop.
FLOOR = """async ({rows, n}) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const cell = document.querySelector(`#lv-row-${(i * 137) % rows}`);
    const start = performance.now();
    cell.firstChild.data = String(Number(cell.textContent) + 1);
    void document.body.offsetHeight;
    out.push(performance.now() - start);
  }
  return out;
}"""


def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100.0 * len(s) + 0.5) - 1))
    return round(float(s[k]), 3)


def summary(values):
    return {
        "n": len(values),
        "p50_ms": pct(values, 50),
        "p90_ms": pct(values, 90),
        "max_ms": round(max(values), 3),
        "mean_ms": round(sum(values) / len(values), 3),
    }


def measure(page, url, rows, warmup, n, sent):
    page.goto(url)
    page.wait_for_selector('body[data-live-state="connected"]')
    page.wait_for_function("window.__recv > 0")  # the reply to the join
    expected = {}
    recv_swap, recv_layout, recv_paint, click_swap = [], [], [], []
    for i in range(warmup + n):
        row = (i * 137) % rows
        r = page.evaluate(CLICK, row)
        want = expected.get(row, 0) + 1
        if r["value"] != want:
            raise SystemExit(f"row {row} shows {r['value']}, expected {want}")
        expected[row] = want
        if i < warmup:
            continue
        recv_swap.append(r["swap"] - r["recv"])
        recv_layout.append(r["layout"] - r["recv"])
        recv_paint.append(r["paint"] - r["recv"])
        click_swap.append(r["swap"] - r["click"])
    rows_in_dom = page.evaluate("document.querySelectorAll('td[data-lv-v]').length")
    if rows_in_dom != rows:
        raise SystemExit(f"{url}: {rows_in_dom} rows in the DOM, expected {rows}")
    floor = page.evaluate(FLOOR, {"rows": rows, "n": warmup + n})[warmup:]
    return {
        "rows": rows,
        "recv_to_swap_ms": summary(recv_swap),
        "recv_to_layout_ms": summary(recv_layout),
        "recv_to_next_frame_ms": summary(recv_paint),
        "click_to_swap_ms": summary(click_swap),
        "floor_layout_ms": summary(floor),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--n", type=int, default=40)
    args = ap.parse_args()
    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        out["browser"] = f"Chromium {browser.version} (headless)"
        page = browser.new_page()
        page.add_init_script(INIT)
        page.route(
            "**/static/live_views/live_views.min.js",
            lambda route: route.fulfill(path=args.bundle, content_type="text/javascript"),
        )
        sent = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        out["pages"] = {}
        for path, rows in (("/list1000/", 1000), ("/list/", 100)):
            out["pages"][str(rows)] = measure(
                page, args.url + path, rows, args.warmup, args.n, sent
            )
        browser.close()
    frames = [json.loads(f) for f in sent if isinstance(f, str)]
    events = [f for f in frames if "event" in f]
    joins = [f for f in frames if "join" in f]
    first = events[0] if events else {}
    out["sent_event_example"] = first
    # The adapter sends {"event", "args", "form": {}, "ref"} and {"join": {"version", "blocks"}}.
    out["adapter_frames_match"] = (
        bool(events)
        and all(list(f) == ["event", "args", "form", "ref"] and f["form"] == {} for f in events)
        and bool(joins)
        and all(list(f["join"]) == ["version", "blocks"] for f in joins)
    )
    out["page_errors"] = errors
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
