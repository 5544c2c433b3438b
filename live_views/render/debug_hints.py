"""With ``DEBUG`` on, a page that cannot go live says why, in the browser console and the log
(a missing tag, a WSGI server with no HTTP transport to fall back on); so does a live form
marked ``data-live-reset``, which the browser ignores on a live form, a ``{% live_on %}``
clicked on an element a keyboard cannot press (a ``<div>``, a ``<span>``), and ids that several
elements share (the morph pairs elements by id).

These mistakes are otherwise silent: the page renders, sits at ``connecting`` and never updates;
the form keeps what the user typed after a valid submit.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from typing import Any

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from live_views.conf import conf

logger = logging.getLogger("live_views")

# What {% liveblock %}/{% live_on %}, {% live_connect %} and {% live_scripts %} write.
_LIVE_MARKS = ('data-lv-v="', "data-live-event=")
_ROOT_MARK = "data-live-root"
_SCRIPT_MARK = "live_views/live_views.min."
_FORM_TAG_RE = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
# [^<>]: a tag ends before the next one begins, so each "<" of a script's "a<b" is scanned up to
# the next "<", not on to the page's end (quadratic in a large inline script).
_EVENT_TAG_RE = re.compile(
    r'<([a-z][a-z0-9-]*)\b[^<>]*\bdata-live-event="([^"]*)"[^<>]*>', re.IGNORECASE
)
# Either quotes: a trigger whose filter quotes a key in double ones is written in single ones.
_TRIGGER_RE = re.compile(r"""\bhx-trigger=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# What a keyboard reaches and presses (Enter, Space) by itself, or what sends on submit/change.
_ID_RE = re.compile(r"""\sid=["']([^"']+)["']""", re.IGNORECASE)
# What the browser never shows as elements of the page: a template's or a script's text.
_INERT_RE = re.compile(r"<(template|script)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_KEYBOARD_TAGS = {"a", "button", "input", "select", "textarea", "form", "summary", "option"}
STATIC_FILES_FIX = (
    "An ASGI server (uvicorn, daphne, gunicorn) serves no static files by itself: serve them "
    "with ServeStatic or WhiteNoise, or run collectstatic and let your proxy serve STATIC_ROOT "
    "(README: Static files under an ASGI server)"
)


def _console(message: str, nonce: str | None, level: str = "error") -> SafeString:
    # json.dumps makes a JS string literal; "</" is escaped so it cannot close the script.
    literal = json.dumps(message).replace("</", "<\\/")
    script = f"console.{level}({literal})"
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


def socket_unreachable(html: str, request: HttpRequest) -> bool:
    """A live page served by a WSGI server (``runserver`` without daphne), which cannot open
    its socket, and with no HTTP transport to fall back on (``live_views.urls`` is not
    included): it renders, then sits at ``disconnected``."""
    if _ROOT_MARK not in html or not isinstance(request, WSGIRequest) or conf.TRANSPORT == "http":
        return False
    try:
        reverse("live_views:http")
    except NoReverseMatch:
        return True
    return False


def reset_live_forms(html: str) -> int:
    """How many live forms (``{% live_form %}``) are marked ``data-live-reset``: the browser
    ignores it on them, since the server validates their submit and resets them itself."""
    tags = _FORM_TAG_RE.findall(html)
    return sum(1 for tag in tags if "data-live-form" in tag and "data-live-reset" in tag)


def keyboardless_events(html: str) -> list[str]:
    """The ``{% live_on %}`` events sent on a click of an element that Tab does not reach and
    Enter does not press (``<div>``, ``<li>``): a keyboard or screen-reader user cannot send
    them. An element with a trigger of its own that is no click (``intersect``) or that names
    a key is the page's choice; so is a custom element."""
    events = []
    for match in _EVENT_TAG_RE.finditer(html):
        tag, name = match.group(1).lower(), match.group(2)
        trigger = None
        if found := _TRIGGER_RE.search(match.group(0)):
            trigger = found[1] if found[1] is not None else found[2]
        clicked = trigger is None or ("click" in trigger and "key" not in trigger)
        # An <a> without href is no link: Tab passes it by.
        linkless = tag == "a" and not re.search(r"\bhref=", match.group(0), re.IGNORECASE)
        named = f'<{tag}> ("{name}")'
        # Once each: a list's rows repeat one element, and the message names only three, so
        # twenty rows' <span> ("edit") hid the <div> ("open") after them.
        keyboardless = (tag not in _KEYBOARD_TAGS or linkless) and clicked and "-" not in tag
        if keyboardless and named not in events:
            events.append(named)
    return events


def shared_ids(html: str) -> list[tuple[str, int]]:
    """The ids more than one element of the page has, with how many have each."""
    counts = Counter(_ID_RE.findall(_INERT_RE.sub("", html)))
    return [(ident, count) for ident, count in counts.items() if count > 1]


def report_mistakes(response: Any, view_name: str, request: HttpRequest) -> None:
    """Log what the rendered page gets wrong and append a console message saying the same."""
    from live_views.connect.csp import page_nonce

    charset = getattr(response, "charset", None) or "utf-8"
    html = response.content.decode(charset, errors="replace")
    said: list[tuple[str, str]] = []
    missing = missing_tags(html)
    if missing:
        said.append(
            (
                f"live_views: the page {request.path} ({view_name}) has liveblocks or live_on but "
                f"no {' and no '.join(missing)}, so it cannot go live. Add it to the template.",
                "error",
            )
        )
    if socket_unreachable(html, request):
        said.append(
            (
                f"live_views: the page {request.path} ({view_name}) is served by a WSGI server "
                "(manage.py runserver without daphne?), which cannot open its websocket, and the "
                "URLconf does not include live_views.urls for the HTTP transport, so it cannot go "
                "live. Put 'daphne' first in INSTALLED_APPS (runserver then serves websockets) "
                'or run an ASGI server, or add path("", include("live_views.urls")) to the '
                "URLconf (README: No websocket? The HTTP transport).",
                "error",
            )
        )
    if reset_live_forms(html):
        said.append(
            (
                f"live_views: the page {request.path} ({view_name}) has a {{% live_form %}} "
                "marked data-live-reset, which a live form ignores: its submit is validated "
                "first, and an invalid one keeps what the user typed and chose. To empty the "
                "form after a valid submit, call self.reset_form() in form_valid().",
                "warn",
            )
        )
    keyboardless = keyboardless_events(html)
    if keyboardless:
        said.append(
            (
                f"live_views: the page {request.path} ({view_name}) has {{% live_on %}} on "
                f"{', '.join(keyboardless[:3])}, sent on a click that a keyboard cannot make: "
                "Tab does not reach the element and Enter does not press it. Use a <button "
                'type="button"> (style it as you like), or give the element tabindex="0", a '
                "role and a key in its trigger (hx-trigger=\"click, keyup[key=='Enter']\").",
                "warn",
            )
        )
    shared = shared_ids(html)
    if shared:
        named = ", ".join(f'"{ident}" ({count} elements)' for ident, count in shared[:3])
        said.append(
            (
                f"live_views: the page {request.path} ({view_name}) has ids that several "
                f"elements share: {named}. An update's morph pairs elements by id, so it can "
                "give one element another's typed text, focus or state, and a label names only "
                "the first. Make each id unique: a form shown several times needs a prefix "
                "of its own (a LiveFormComponent without one makes its ids from its address).",
                "warn",
            )
        )
    if not said:
        return
    nonce = page_nonce({"request": request})
    for message, _level in said:
        logger.warning(message)
    console = "".join(_console(message, nonce, level) for message, level in said)
    response.content = (html + console).encode(charset)
