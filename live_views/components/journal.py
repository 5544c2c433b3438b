"""What one render of a page changed of its live components, undone when that render fails.

A render that fails is no render: its event is undone and its frame never sent, so the browser
still shows what it showed. The components the render dropped (the page no longer showed them)
are the page's again, with their state (its forgetting went with that frame), their address
and their topics; those it mounted are gone; and those it rendered render whole next time
rather than hand over blocks of the failed render (an outer component whose blocks lack a
nested one it dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from live_views.components.base import LiveComponent
from live_views.components.renders import Key, LastRender
from live_views.runtime import StateStore


@dataclass(slots=True)
class Dropped:
    """What the host let go of a component it dropped, to take back should the render fail."""

    component: LiveComponent
    store: StateStore | None
    last: LastRender | None
    address: str


@dataclass(slots=True)  # one per page with components (docs/benchmarks.md, memory)
class RenderJournal:
    """What the render under way mounted, dropped and rendered."""

    mounted: list[tuple[Key, LiveComponent]] = field(default_factory=list)
    dropped: dict[Key, Dropped] = field(default_factory=dict)
    # Their last render is this render's (or in part: its targeted render of their blocks).
    rendered: set[Key] = field(default_factory=set)

    def clear(self) -> None:
        """Emptied in place: every render of the page starts and ends one, and a page's
        broadcast refresh allocates nothing for it."""
        self.mounted.clear()
        self.dropped.clear()
        self.rendered.clear()


class Journaled(Protocol):
    """What of a ``ComponentHost`` (components/host.py) a render changes, and the journal."""

    journal: RenderJournal
    mounted: dict[Key, LiveComponent]
    states: dict[Key, StateStore]
    last: dict[Key, LastRender]
    # The components whose last render is one of a render that failed.
    stale: set[Key]
    addresses: dict[str, Key]
    address_of: dict[Key, str]
    new_components: list[tuple[Key, LiveComponent]]
    dropped_components: list[Key]


def begin_render(host: Journaled) -> None:
    """A render of the page starts: what it changes is journaled afresh."""
    host.journal.clear()


def render_over(host: Journaled, *, failed: bool) -> None:
    """The page's render is over; one that failed is undone. The journal is emptied either
    way: it would keep the components the render dropped alive until the next."""
    journal = host.journal
    if failed:
        undo(host, journal)
    journal.clear()


def undo(host: Journaled, journal: RenderJournal) -> None:
    """What ``journal`` says a failed render changed, as it was before that render."""
    for key, component in reversed(journal.mounted):
        if host.mounted.get(key) is component:
            unmount(host, key, component)
    for key, dropped in journal.dropped.items():
        if key not in host.mounted:
            take_back(host, key, dropped)
    # Their last render is the failed one's: the next render that reaches them renders them
    # whole (ComponentHost.reusable, render_targets).
    host.stale.update(key for key in journal.rendered if key in host.last)


def unmount(host: Journaled, key: Key, component: LiveComponent) -> None:
    """A component the failed render mounted: gone, as if it never was."""
    del host.mounted[key]
    host.states.pop(key, None)
    host.last.pop(key, None)
    host.stale.discard(key)
    address = host.address_of.pop(key, None)
    if address is not None:
        host.addresses.pop(address, None)
    if (key, component) in host.new_components:
        host.new_components.remove((key, component))
    else:  # its topics were counted (the render failed after): let them go
        host.dropped_components.append(key)


def take_back(host: Journaled, key: Key, dropped: Dropped) -> None:
    """A component the failed render dropped: the page's again, as it was."""
    host.mounted[key] = dropped.component
    if dropped.store is not None:
        host.states[key] = dropped.store
    if dropped.last is not None:
        host.last[key] = dropped.last
    host.address_of[key] = dropped.address
    host.addresses[dropped.address] = key
    if key in host.dropped_components:
        host.dropped_components.remove(key)
    else:  # its topics were let go (the render failed after): followed again from the next
        host.new_components.append((key, dropped.component))
