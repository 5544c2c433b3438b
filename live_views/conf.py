from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings

# Every key of the LIVE_VIEWS dict, with its default. Read live (never at import time), so
# override_settings works in tests.
DEFAULTS: dict[str, Any] = {
    # Seconds a page's connect token stays valid; an older page reloads instead of mounting.
    "TOKEN_MAX_AGE": 24 * 60 * 60,
    # Largest text frame accepted from a browser, in bytes.
    "MAX_FRAME_BYTES": 64 * 1024,
    # Extra origins (scheme://host[:port]) allowed to open the socket besides the page's own.
    "ALLOWED_ORIGINS": [],
    # Models whose saves and deletes re-render subscribed pages: ["app.Model", ...] or "__all__".
    "BROADCAST_MODELS": [],
    # Events a socket may send: EVENT_BURST at once, refilled at EVENT_RATE a second (None: off).
    "EVENT_RATE": 20,
    "EVENT_BURST": 40,
    # Sockets one session (a user's, when logged in) may hold open in one process (None: off).
    "MAX_CONNECTIONS_PER_SESSION": 20,
    # Largest payload, as JSON, of one live_push_event() or an event's reply, in bytes.
    "MAX_PUSH_BYTES": 256 * 1024,
    # Seconds a socket may stay open without sending its join; then it is closed (None: off).
    "JOIN_TIMEOUT": 10,
    # The CACHES alias that keeps each page's `live_state` between its connections.
    "STATE_CACHE": "default",
    # Largest file a live form accepts, in bytes (live_views/uploads/; docs/security.md).
    "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    # Seconds an upload waits for its form's submit before it is deleted as abandoned.
    "UPLOAD_MAX_AGE": 60 * 60,
    # Bytes of files one visitor (user, session or address) may have waiting for a submit, over
    # all its pages (live_views/uploads/quota.py); never less than MAX_UPLOAD_BYTES.
    "MAX_UPLOAD_BYTES_PER_VISITOR": 100 * 1024 * 1024,
    # How pages talk to the server: "websocket" (falling back to HTTP when the socket cannot
    # open) or "http" (never try the socket: a WSGI server, a host that blocks websockets).
    "TRANSPORT": "websocket",
}

TRANSPORTS = ("websocket", "http")


class _Int:
    """An integer setting: read from LIVE_VIEWS on each access, as the properties below are."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, settings: Settings, owner: type | None = None) -> int:
        return int(settings.raw(self.name))


class _OptionalInt:
    """An integer setting that None turns off, read as ``_Int`` is."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, settings: Settings, owner: type | None = None) -> int | None:
        value = settings.raw(self.name)
        return None if value is None else int(value)


class Settings:
    def raw(self, name: str) -> Any:
        """The project's LIVE_VIEWS[name] as set, unchecked (the system checks judge it), or its
        default; the properties below turn it into what the code uses."""
        # In one function: every frame reads a few settings (its size limit, the event rate).
        values = getattr(django_settings, "LIVE_VIEWS", None)
        return values.get(name, DEFAULTS[name]) if isinstance(values, dict) else DEFAULTS[name]

    TOKEN_MAX_AGE = _Int()
    MAX_FRAME_BYTES = _Int()
    MAX_PUSH_BYTES = _Int()
    MAX_UPLOAD_BYTES = _Int()
    UPLOAD_MAX_AGE = _Int()
    MAX_UPLOAD_BYTES_PER_VISITOR = _Int()
    EVENT_RATE = _OptionalInt()
    EVENT_BURST = _OptionalInt()
    MAX_CONNECTIONS_PER_SESSION = _OptionalInt()

    @property
    def ALLOWED_ORIGINS(self) -> list[str]:
        return list(self.raw("ALLOWED_ORIGINS"))

    @property
    def BROADCAST_MODELS(self) -> str | list[str]:
        value = self.raw("BROADCAST_MODELS")
        # A wrong value (live_views.E014) must never break saves: treat it as off.
        if value == "__all__":
            return "__all__"
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return list(value)
        return []

    @property
    def JOIN_TIMEOUT(self) -> float | None:
        value = self.raw("JOIN_TIMEOUT")
        return None if value is None else float(value)

    @property
    def STATE_CACHE(self) -> str:
        return str(self.raw("STATE_CACHE"))

    @property
    def TRANSPORT(self) -> str:
        value = self.raw("TRANSPORT")
        # A wrong value (live_views.E019) falls back to the default, which still works over HTTP.
        return value if value in TRANSPORTS else "websocket"


conf = Settings()
