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
}


class Settings:
    @property
    def _values(self) -> dict[str, Any]:
        value = getattr(django_settings, "LIVE_VIEWS", None)
        return value if isinstance(value, dict) else {}

    def _get(self, name: str) -> Any:
        return self._values.get(name, DEFAULTS[name])

    @property
    def TOKEN_MAX_AGE(self) -> int:
        return int(self._get("TOKEN_MAX_AGE"))

    @property
    def MAX_FRAME_BYTES(self) -> int:
        return int(self._get("MAX_FRAME_BYTES"))

    @property
    def ALLOWED_ORIGINS(self) -> list[str]:
        return list(self._get("ALLOWED_ORIGINS"))

    @property
    def BROADCAST_MODELS(self) -> str | list[str]:
        value = self._get("BROADCAST_MODELS")
        return value if isinstance(value, str) else list(value)


conf = Settings()
