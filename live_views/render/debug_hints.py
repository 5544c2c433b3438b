"""With ``DEBUG`` on, a page that cannot go live says why, in the browser console and the log.

Both mistakes are otherwise silent: the page renders, sits at ``connecting`` and never updates.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

logger = logging.getLogger("live_views")

# What {% liveblock %}/{% live_on %}, {% live_connect %} and {% live_scripts %} write.
_LIVE_MARKS = ('data-lv-v="', "data-live-event=")
_ROOT_MARK = "data-live-root"
_SCRIPT_MARK = "live_views/live_views.min."
STATIC_FILES_FIX = (
    "An ASGI server (uvicorn, daphne, gunicorn) serves no static files by itself: serve them "
    "with ServeStatic or WhiteNoise, or run collectstatic and let your proxy serve STATIC_ROOT "
    "(README: Static files under an ASGI server)"
)


def _console_error(message: str, nonce: str | None) -> SafeString:
    # json.dumps makes a JS string literal; "</" is escaped so it cannot close the script.
    literal = json.dumps(message).replace("</", "<\\/")
    script = f"console.error({literal})"
    if nonce:
        return format_html('<script nonce="{}">{}</script>', nonce, SafeString(script))
    return format_html("<script>{}</script>", SafeString(script))


def script_load_check(src: str, nonce: str | None) -> SafeString:
    """An inline script that reports, once the deferred scripts ran, that ours did not."""
    message = f"live_views: {src} did not load, so this page is not live. {STATIC_FILES_FIX}."
    literal = json.dumps(message).replace("</", "<\\/")
    # Deferred scripts run before DOMContentLoaded; the bundle defines the global htmx.
    script = (
        f'addEventListener("DOMContentLoaded",()=>{{if(!window.htmx)console.error({literal})}})'
    )
    if nonce:
        return format_html('<script nonce="{}">{}</script>', nonce, SafeString(script))
    return format_html("<script>{}</script>", SafeString(script))


def missing_tags(html: str) -> list[str]:
    """The tags a page that uses liveblocks or ``live_on`` needs but does not render."""
    if not any(mark in html for mark in _LIVE_MARKS):
        return []
    missing = []
    if _ROOT_MARK not in html:
        missing.append("{% live_connect %} (on the page's root element, normally <body>)")
    if _SCRIPT_MARK not in html:
        missing.append("{% live_scripts %} (in <head>)")
    return missing


def report_missing_tags(response: Any, view_name: str, request: HttpRequest) -> None:
    """Log what the rendered page lacks and append a console error saying the same."""
    from live_views.connect.csp import page_nonce

    charset = getattr(response, "charset", None) or "utf-8"
    html = response.content.decode(charset, errors="replace")
    missing = missing_tags(html)
    if not missing:
        return
    message = (
        f"live_views: the page {request.path} ({view_name}) has liveblocks or live_on but no "
        f"{' and no '.join(missing)}, so it cannot go live. Add it to the template."
    )
    logger.warning(message)
    nonce = page_nonce({"request": request})
    response.content = (html + _console_error(message, nonce)).encode(charset)
