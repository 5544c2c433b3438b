"""The page's live components on its socket: find the one an event is for (by the address the
server gave it, never by anything that names code), and say which to re-render after it."""

from __future__ import annotations

from typing import Any

from live_views.components import LiveComponent
from live_views.components.host import ComponentHost, Key
from live_views.render.collector import BlockCollector
from live_views.socket.protocol import FrameError


def host_of(view: Any) -> ComponentHost | None:
    host = view.live_runtime.components
    return host if isinstance(host, ComponentHost) else None


def event_component(view: Any, address: str, ref: int | None) -> tuple[Key, LiveComponent]:
    """The component of this page that ``address`` names; an unknown_component error otherwise
    (a tampered address, or one of another page, or of a component no longer shown)."""
    host = host_of(view)
    found = host.find(address) if host is not None else None
    if found is None:
        raise FrameError("unknown_component", "No such component on this page.", ref)
    return found


def rerender_only(view: Any, key: Key) -> None:
    """The next render re-renders this component (and the components in it) only; the others
    are shown as they last rendered."""
    host = host_of(view)
    if host is not None:
        host.rerender = frozenset({key})


def end_render(view: Any, collector: BlockCollector | None) -> None:
    """A render of the page finished (or failed): forget components it no longer showed."""
    host = host_of(view)
    if host is not None:
        host.end_render(collector)
