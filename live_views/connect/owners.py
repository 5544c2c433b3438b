"""Whom a visitor's sockets, pages and uploads count against: one name per user, session or
client address, shared by the connection cap (socket/limits.py) and the upload quota
(uploads/quota.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def connection_owner(scope: Mapping[str, Any], session: Any, user: Any) -> str | None:
    """Whom a socket counts against: its user, else its session, else its client address
    (None when the server gives none, e.g. over a unix socket: such sockets are not capped)."""
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    session_key = getattr(session, "session_key", None)
    if session_key:
        return f"session:{session_key}"
    client = scope.get("client")
    if client and client[0]:
        return f"address:{client[0]}"
    return None
