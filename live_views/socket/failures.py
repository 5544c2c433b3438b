"""An exception a page's own code raised and nothing handled: who hears of it.

The log has it (``live_views`` at ERROR, with its traceback), which error reporters' logging
integrations capture; the browser gets an error frame that names what failed, with the
exception's text only with ``DEBUG`` on. A socket the test client watches hands it to the test
instead of the log: the client raises it in the test, as Django's test client raises a view's
exception, and logs what it does not raise (live_views/testing). Logged here as well, each
failure a passing test expected printed its traceback in the run. The client watches by setting
``RAISED`` in the context the socket's application runs in: a page's events run in that
context; work done for a page elsewhere (a broadcast's refresh runs in the broadcast's) is
reported to the list its consumer took from it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from django.conf import settings

from live_views.socket import protocol

logger = logging.getLogger("live_views")

# Set by the test client in the context a socket's application runs in (live_views/testing).
# Each with its traceback as it was then (one exception may be raised again for other pages, a
# shared render's, and a raise adds to the object's traceback), and the line the log would have.
Failure = tuple[BaseException, TracebackType | None, str]
Raised = list[Failure]
RAISED: ContextVar[Raised | None] = ContextVar("live_views_raised", default=None)

# What makes text markup: escaped, so a page that shows the message as HTML shows it as text.
# Quotes stay: Python's and Django's messages quote names with them ("Reverse for 'welcome'
# not found", 'Cannot assign "<AnonymousUser>"'), and &#x27; and &quot; made them hard to read
# in the console, where the message is meant to be read.
_DEBUG_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def debug_detail(exc: BaseException, text: str) -> str:
    """An exception's type and text for the page, with ``DEBUG`` on."""
    return f" {type(exc).__name__}: {text.translate(_DEBUG_ESCAPES)}"


def debug_reason(text: str) -> str:
    """Why the view refused, for the page with ``DEBUG`` on, where the exception is the
    library's own (a refused query): its class name would mean nothing to the developer."""
    return f" Why: {text.translate(_DEBUG_ESCAPES)}."


def server_error(message: str, exc: BaseException, ref: int | None = None) -> dict[str, Any]:
    """The error frame for a failure the log already holds."""
    if settings.DEBUG:
        message += debug_detail(exc, str(exc))
    return protocol.error_frame("server_error", message, ref)


def report(exc: BaseException, message: str, *args: object, raised: Raised | None = None) -> None:
    """Log ``exc`` with ``message``, or tell the socket's watcher of it: the ``raised`` list its
    consumer took from ``RAISED``, or the one of the current context."""
    watching = raised if raised is not None else RAISED.get()
    if watching is None:
        logger.error(message, *args, exc_info=exc)
    else:
        watching.append((exc, exc.__traceback__, message % args if args else message))
