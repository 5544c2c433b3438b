"""The attributes that make a file input upload live (the bundled JS reads them)."""

from __future__ import annotations

import json

from django.urls import NoReverseMatch, reverse

# Fired by the bundled JS on the input once its chosen files are uploaded (or refused): the
# input's trigger, so it sends ``validate`` and the page shows the field's errors live.
UPLOADED_EVENT = "live:uploaded"


def upload_url() -> str | None:
    """The upload route, or None when the project's URLconf does not include live_views.urls
    (live_views.W042): file inputs then stay plain."""
    try:
        return reverse("live_views:upload")
    except NoReverseMatch:
        return None


def upload_attrs(html_name: str, url: str) -> dict[str, str]:
    return {
        "data-live-upload": url,
        "hx-ws:send": "",
        "hx-trigger": UPLOADED_EVENT,
        "data-live-event": "validate",
        "data-live-args": json.dumps({"field": html_name}, separators=(",", ":")),
        # The browser keeps the chosen files on show: a morph would empty the input.
        "data-live-ignore": "",
    }
