"""The protocol's names and numbers are defined once (live_views/connect/wire.py); the browser's
copy in static/src/protocol.js must say the same."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from live_views.connect import wire

STATIC = Path(__file__).resolve().parent.parent / "static"


def js_constants() -> dict[str, dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI (CI=true) to compare the JS protocol constants")
        pytest.skip("node is not installed: cannot read static/src/protocol.js")
    script = (
        "const p = await import('./src/protocol.js');"
        "console.log(JSON.stringify({CLOSE: p.CLOSE, FRAME: p.FRAME}));"
    )
    out = subprocess.run(
        [node, "--input-type=module", "-e", script],
        cwd=STATIC,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    constants: dict[str, dict[str, object]] = json.loads(out.stdout)
    return constants


def test_the_js_close_codes_are_the_servers():
    assert js_constants()["CLOSE"] == wire.CLOSE_CODES


def test_the_js_frame_keys_are_the_servers():
    assert js_constants()["FRAME"] == wire.FRAME_KEYS


def test_the_named_constants_are_the_tables():
    # The tables the JS is compared with are the constants the Python code uses.
    for name, code in wire.CLOSE_CODES.items():
        assert getattr(wire, f"CLOSE_{name}") == code
    for name, key in wire.FRAME_KEYS.items():
        assert getattr(wire, name) == key
    assert len(set(wire.CLOSE_CODES.values())) == len(wire.CLOSE_CODES)


def test_the_consumer_answers_every_layer_message_type():
    from live_views.socket.consumer import LiveConsumer

    for message_type in (wire.BROADCAST, wire.SESSION_ENDED, wire.SESSION_CHECK):
        assert callable(getattr(LiveConsumer, message_type.replace(".", "_")))
