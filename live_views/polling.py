"""``live_every``: events a page's browser sends by itself every N seconds, while the page is
visible. The join reply tells the browser what to send (``every_frame``); the system check
``check_live_every`` (live_views.E180, E181, E182) says what is wrong with a declaration."""

from __future__ import annotations

import math
from typing import Any

from live_views.arguments import Signature
from live_views.connect import wire

MIN_SECONDS = 0.1  # the event rate limit (EVENT_RATE) still applies to every tick


def problems(view_class: type) -> list[tuple[str, str]]:
    """(check id, message) for each thing wrong with ``view_class.live_every``."""
    every = getattr(view_class, "live_every", {})
    name = view_class.__qualname__
    if not isinstance(every, dict):
        return [("E180", f"{name}.live_every must be a dict, not {type(every).__name__}.")]
    found = []
    events = getattr(view_class, "live_events", {})
    for event, seconds in every.items():
        if event not in events:
            found.append(("E180", f"{name}.live_every names {event!r}, which is not a live event."))
        else:
            found.extend(
                _needs_arguments(name, event, events[event].attribute, events[event].signature)
            )
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds < MIN_SECONDS
        ):
            found.append(
                (
                    "E181",
                    f"{name}.live_every[{event!r}] must be a number of seconds of at least "
                    f"{MIN_SECONDS}, not {seconds!r}.",
                )
            )
    return found


def _needs_arguments(
    name: str, event: str, attribute: str, signature: Signature
) -> list[tuple[str, str]]:
    # A tick sends no arguments: a required one would fail every tick with bad_arguments.
    required = [p.name for p in signature.parameters if p.required and not p.whole_form]
    if not required:
        return []
    names = ", ".join(repr(p) for p in required)
    return [
        (
            "E182",
            f"{name}.live_every[{event!r}] sends no arguments, but {name}.{attribute}() "
            f"requires {names}.",
        )
    ]


def every_frame(view: Any) -> dict[str, Any]:
    """The join reply's polling: only the entries that are valid (the check reports the rest)."""
    view_class = type(view)
    if not getattr(view_class, "live_every", None) or problems(view_class):
        return {}
    return {wire.EVERY: {event: float(seconds) for event, seconds in view_class.live_every.items()}}
