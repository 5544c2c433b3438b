"""An event's reply: what its handler returned, for the JS that sent it (a hook's
``pushEvent(…)`` promise resolves with it). Only a dict is a reply; JSON-checked and size-checked
like ``live_push_event`` payloads, before the render, so a bad one fails the event."""

from __future__ import annotations

import json
from typing import Any

from live_views.connect import wire
from live_views.connect.effects import encoded_payload


def reply_of(event: str, result: Any) -> dict[str, Any]:
    if not isinstance(result, dict):
        return {}
    # A copy, as the payload was when returned (lazy translations in the page's language).
    return {wire.REPLY: json.loads(encoded_payload(f"The reply of {event!r}", result))}
