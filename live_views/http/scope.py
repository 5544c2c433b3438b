"""The websocket scope an HTTP request stands for, so a page mounts over HTTP through exactly the
socket's machinery (socket/mount.py: token, connection slot, request, middleware, view)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def scope_of(request: HttpRequest) -> dict[str, Any]:
    """The scope a socket from this browser would have: its headers, address, session and user
    (the project's middleware already loaded them for this request)."""
    headers: list[tuple[bytes, bytes]] = []
    for key, value in request.META.items():
        if not key.startswith("HTTP_"):
            continue  # the server's own keys, and the frame body's CONTENT_TYPE/CONTENT_LENGTH
        name = key[5:].lower().replace("_", "-")
        headers.append((name.encode("latin-1"), str(value).encode("latin-1", "replace")))
    port = request.META.get("SERVER_PORT") or ("443" if request.is_secure() else "80")
    if "HTTP_HOST" not in request.META:
        # As Django reads the host of a request without the header (HTTP/1.0, a test client):
        # the server's name and port, which the socket's origin check then compares.
        host = str(request.META.get("SERVER_NAME", ""))
        if str(port) != ("443" if request.is_secure() else "80"):
            host = f"{host}:{port}"
        headers.append((b"host", host.encode("latin-1", "replace")))
    scope: dict[str, Any] = {
        "type": "websocket",
        "scheme": "wss" if request.is_secure() else "ws",
        "path": request.path,
        "root_path": request.META.get("SCRIPT_NAME", ""),
        "query_string": b"",
        "headers": headers,
        "client": (request.META.get("REMOTE_ADDR") or "", 0),
        "server": (request.get_host().split(":")[0], int(port) if str(port).isdigit() else 80),
    }
    session = getattr(request, "session", None)
    if session is not None:
        scope["session"] = session
    user = getattr(request, "user", None)
    if user is not None:
        scope["user"] = user
    return scope
