"""A page that goes back from the HTTP transport to its socket (live_views/http/, a layer above
this one) holds, until released, an HTTP page in its process: a connection slot, its topics, and
a render on every broadcast. The socket's join says so here, and the HTTP transport, which
registered itself on import, releases the HTTP page of the same page id."""

from __future__ import annotations

from collections.abc import Callable

Release = Callable[[str], None]

_releases: list[Release] = []


def on_socket_join(release: Release) -> None:
    """Call ``release(page_id)`` whenever a socket joins a page (from the join's thread)."""
    if release not in _releases:
        _releases.append(release)


def socket_joined(page_id: str) -> None:
    for release in _releases:
        release(page_id)
