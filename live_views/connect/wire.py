"""The protocol's names and numbers, defined once: close codes, frame kinds, channel-layer message
types and the socket's path. static/src/protocol.js holds the browser's copy; a test compares them
(tests/test_wire.py). No imports: the template tags and the publishers read this module too."""

from __future__ import annotations

from typing import Final

# The one websocket route, under the script prefix.
SOCKET_PATH: Final = "live/ws/"

# Close codes: outside hx-ws's reconnect list, so a refused page does not retry forever.
CLOSE_BAD_REQUEST: Final = 4400
CLOSE_LOGIN_REQUIRED: Final = 4401
CLOSE_FORBIDDEN: Final = 4403
CLOSE_NOT_FOUND: Final = 4404
CLOSE_TOKEN_EXPIRED: Final = 4410
CLOSE_TOO_BIG: Final = 4413
CLOSE_TOO_MANY: Final = 4429
CLOSE_SERVER_ERROR: Final = 1011  # hx-ws retries this one, with backoff

CLOSE_CODES: Final = {
    "BAD_REQUEST": CLOSE_BAD_REQUEST,
    "LOGIN_REQUIRED": CLOSE_LOGIN_REQUIRED,
    "FORBIDDEN": CLOSE_FORBIDDEN,
    "NOT_FOUND": CLOSE_NOT_FOUND,
    "TOKEN_EXPIRED": CLOSE_TOKEN_EXPIRED,
    "TOO_BIG": CLOSE_TOO_BIG,
    "TOO_MANY": CLOSE_TOO_MANY,
    "SERVER_ERROR": CLOSE_SERVER_ERROR,
}

# The keys that say what a frame is. Browser → server: a join, a params (back/forward) or an
# event. Server → browser: content, redirect, reload, patch or error, with the event's ref.
JOIN: Final = "join"
PARAMS: Final = "params"
EVENT: Final = "event"
REF: Final = "ref"
JOINED: Final = "joined"
CONTENT: Final = "content"
REDIRECT: Final = "redirect"
RELOAD: Final = "reload"
PATCH: Final = "patch"
ERROR: Final = "error"
# Server → browser, applied after the frame's content is swapped (live_views/connect/effects.py):
# events for the page's JS, focus, title, scroll, another live page, the forms to reset (a CSS
# selector); an event's reply (what its handler returned); and in the join reply, the events the
# page polls for (live_every).
PUSH: Final = "push"
FOCUS: Final = "focus"
TITLE: Final = "title"
SCROLL: Final = "scroll"
NAVIGATE: Final = "navigate"
RESET: Final = "reset"
REPLY: Final = "reply"
# A push of the library's own, for the uploads script: a handler's cancel_upload() forgot a file,
# which the browser drops from its input (static/src/upload_protocol.js has the same name).
UPLOAD_CANCELLED: Final = "live:upload-cancel"
EVERY: Final = "every"
# An event frame's address of the live component it is for (absent: the page's view).
COMPONENT: Final = "component"
# What an address looks like (components/host.py makes them): a frame's or an upload's that
# does not is refused before anything looks it up.
COMPONENT_ADDRESS_PATTERN: Final = "[0-9a-f]{16}"
# An event frame's html names of its form's live file inputs that hold files the server never
# got (their upload failed, or its script did not load): a submit shows why, rather than going
# on without them (live_views/uploads/submitted.py).
UNSENT: Final = "unsent"
# Server → browser, with an event's frame: the session route's URL, with a ticket, that gives a
# browser that held no session cookie the first session its event wrote
# (live_views/socket/session_hop.py). The page fetches it in the background and stays as it is.
SESSION: Final = "session"

FRAME_KEYS: Final = {
    "JOIN": JOIN,
    "PARAMS": PARAMS,
    "EVENT": EVENT,
    "REF": REF,
    "JOINED": JOINED,
    "CONTENT": CONTENT,
    "REDIRECT": REDIRECT,
    "RELOAD": RELOAD,
    "PATCH": PATCH,
    "ERROR": ERROR,
    "PUSH": PUSH,
    "FOCUS": FOCUS,
    "TITLE": TITLE,
    "SCROLL": SCROLL,
    "NAVIGATE": NAVIGATE,
    "RESET": RESET,
    "REPLY": REPLY,
    "EVERY": EVERY,
    "COMPONENT": COMPONENT,
    "UNSENT": UNSENT,
    "SESSION": SESSION,
}

# Channel-layer message types a page's consumer answers (LiveConsumer.live_broadcast, …).
BROADCAST: Final = "live.broadcast"
SESSION_ENDED: Final = "live.session_ended"
SESSION_CHECK: Final = "live.session_check"
# In a broadcast published by a page's own event: that event's id (pubsub/origin.py).
BROADCAST_BY: Final = "by"
