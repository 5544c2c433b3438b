"""Django's database session store, counting the reads of its own ``load()``: a project's store
that overrides only ``load()`` (one that decrypts, say) must be read through it everywhere
(tests/test_session_hop.py)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore


class SessionStore(DatabaseStore):
    loads: ClassVar[int] = 0

    def load(self) -> dict[str, Any]:
        type(self).loads += 1
        data: dict[str, Any] = super().load()
        return data
