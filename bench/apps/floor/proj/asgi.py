"""The floor of idle websocket memory: a bare ASGI app (no Django, no channels) that accepts
websockets and holds them, served by the same uvicorn with the same options as our target.

bench/extra.py's ``memory_floor`` phase measures it with the shared ``client.measure_memory`` and
our adapter, unchanged, so it speaks the least of our protocol the adapter needs: a page naming
the socket and one block, ``{"joined": true}`` to the join, and a counter block to
``increment``. What a page costs above this app is ours: Django, channels and live_views.
"""

from __future__ import annotations

import json
from typing import Any

PAGE = (
    b'<!doctype html><html><body hx-ws:connect="/live/ws/?t=floor" data-live-version="floor">'
    b'<div id="lv-counter" data-lv-v="0"><span class="value">0</span></div></body></html>'
)
JOINED = '{"joined":true}'


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[1]  # startup / shutdown
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    if scope["type"] == "http":
        while (await receive()).get("more_body"):
            pass
        headers = [(b"content-type", b"text/html; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": PAGE})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    count = 0
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        frame = json.loads(message.get("text") or "{}")
        if "join" in frame:
            reply = JOINED
        else:
            count += 1
            block = f'<div id="lv-counter" data-lv-v="{count:x}" hx-swap-oob="outerMorph">'
            content = f'{block}<span class="value">{count}</span></div>'
            reply = json.dumps({"content": content, "ref": frame.get("ref")})
        await send({"type": "websocket.send", "text": reply})
