"""Adapter for django-live-views (this repository), protocol of docs/protocol.md.

Page: <body hx-ws:connect="/live/ws/?t=TOKEN" data-live-version="0.1.0" ...> and liveblocks
  <div id="lv-counter" data-lv-v="HASH">...</div>,
  <td id="lv-row-7" data-lv-v="HASH" class="value">7</td>.
Socket: the hx-ws:connect URL of the page, with the page's cookies and Origin. On open, what the
  bundled glue sends before anything else (static/src/live_views.js):
  {"join": {"version": V, "blocks": {"lv-counter": HASH, ...}}} -> {"joined": true}
Event (static/src/protocol.js eventFrame; a button outside a form has no values):
  {"event": "increment", "args": {}, "form": {}, "ref": N}
  -> {"content": "<div id=\"lv-counter\" data-lv-v=\"...\" hx-swap-oob=\"outerMorph\">...</div>",
      "ref": N}
  The adapter reads the new value out of the changed block's HTML.
Fan-out trigger: POST /shared/bump/, a plain Django view that updates the row and calls
  broadcast("shared"); every page subscribed to "shared" re-runs its view's get() and sends its
  changed block.
"""

from __future__ import annotations

import html
import re

from client import HttpTrigger, ProtocolError, WsSession

CONNECT_RE = re.compile(r'hx-ws:connect="([^"]+)"')
VERSION_RE = re.compile(r'data-live-version="([^"]+)"')
BLOCK_RE = re.compile(r'id="(lv-[^"]+)" data-lv-v="([0-9a-f]+)"')
COUNTER_RE = re.compile(r'id="lv-counter"[^>]*><span class="value">(-?\d+)</span>')
SHARED_RE = re.compile(r'id="lv-shared"[^>]*><span class="value">(-?\d+)</span>')
ROW_RE = re.compile(r'<td id="lv-row-(\d+)"[^>]*>(-?\d+)</td>')


class Session(WsSession):
    name = "live_views"
    fanout = (
        "POST /shared/bump/ -> broadcast('shared'): one group_send; per page re-run the view's "
        "get() (reads the row), render its liveblocks, send the changed block"
    )
    list_path = "/list/"  # bench/extra.py measures /list1000/ with a subclass
    list_rows = 100
    shared_path = "/shared/"  # bench/extra.py's fanout_per_user: /shared-per-user/

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ref = 0

    async def get_page(self) -> str:
        path = {"list": self.list_path, "shared": self.shared_path}.get(self.page, f"/{self.page}/")
        r = await self.http.get(path)
        if r.status_code != 200:
            raise ProtocolError(f"GET {path} -> {r.status_code}")
        self.page_bytes = len(r.content)
        self.cookies = {c.name: c.value for c in self.http.cookies.jar}
        return r.text

    async def load(self):
        text = await self.get_page()
        self.socket_path = html.unescape(CONNECT_RE.search(text).group(1))
        self.version = VERSION_RE.search(text).group(1)
        self.blocks = dict(BLOCK_RE.findall(text))
        if self.page == "counter":
            self.value = int(COUNTER_RE.search(text).group(1))
        elif self.page == "shared":
            self.value = int(SHARED_RE.search(text).group(1))
        else:
            self.rows = {int(r): int(v) for r, v in ROW_RE.findall(text)}
            self.expect(
                len(self.rows) == self.list_rows,
                f"expected {self.list_rows} rows, got {len(self.rows)}",
            )

    async def connect(self):
        await self.ws_open(self.socket_path)
        self.begin_event()
        await self.send_json({"join": {"version": self.version, "blocks": self.blocks}})
        m = await self.recv_until(lambda m: "joined" in m or "error" in m)
        self.expect("joined" in m, f"join refused: {m}")
        self.expect("content" not in m, "the join answered blocks the page already shows")
        self.mount_bytes = self.last_resp_bytes

    async def _event(self, name, args) -> str:
        self.begin_event()
        self.ref += 1
        ref = self.ref
        await self.send_json({"event": name, "args": args, "form": {}, "ref": ref})
        m = await self.recv_until(lambda m: m.get("ref") == ref)
        self.expect("error" not in m, f"{name}: {m.get('error')}")
        self.expect("content" in m, f"{name}: no block changed")
        return m["content"]

    async def increment(self):
        content = await self._event("increment", {})
        new = int(COUNTER_RE.search(content).group(1))
        self.expect(new == self.value + 1, f"counter {new} != {self.value + 1}")
        self.value = new

    async def bump_row(self, row):
        content = await self._event("bump", {"row": row})
        changed = {int(r): int(v) for r, v in ROW_RE.findall(content)}
        self.expect(list(changed) == [row], f"expected row {row} alone, got rows {list(changed)}")
        self.expect(
            changed[row] == self.rows[row] + 1, f"row {row}: {changed[row]} != {self.rows[row] + 1}"
        )
        self.rows[row] = changed[row]

    # -- broadcast fan-out -------------------------------------------------
    async def wait_shared(self, expected):
        while True:
            m = await self.recv_json()
            match = SHARED_RE.search(m.get("content", ""))
            if match is None:
                continue
            v = int(match.group(1))
            if v == expected:
                self.value = v
                return self.last_recv_t
            self.expect(v < expected, f"shared value {v} overshot {expected}")

    @classmethod
    async def open_trigger(cls, base_url, opts):
        return HttpTrigger(base_url, opts, "/shared/bump/")
