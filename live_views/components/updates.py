"""What a page's handler tells one of its components with ``live_send_update()`` (Phoenix
LiveView's ``send_update``): the arguments of each call, checked when it is made and kept until
the page's next render calls the component's ``update()`` with them.

Only server code calls it (a view's method, not a ``@live_event``): nothing a browser sends
names a component class or reaches ``update()`` this way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from live_views.components.base import LiveComponent, sent_update_arguments
from live_views.runtime import no_such_component

Key = tuple[str, str]  # (class path, id), as components/host.py keys them


class SentUpdates:
    """The updates sent to a page's components since its last render, by component, in the
    order they were sent. ``mounted`` is the host's own dict of the components it shows."""

    __slots__ = ("applied", "mounted", "pending")

    def __init__(self, mounted: Mapping[Key, LiveComponent]) -> None:
        self.mounted = mounted
        self.pending: dict[Key, list[dict[str, Any]]] = {}
        # The components whose update() the event under way called with what was sent, with
        # their attributes before it: a failed event puts them back (``undo()``), as it does
        # its own view's and component's.
        self.applied: dict[Key, dict[str, Any]] = {}

    def send(
        self, component: type[LiveComponent] | str, ident: str, args: Mapping[str, Any]
    ) -> None:
        key = self.find(component, ident)
        self.pending.setdefault(key, []).append(
            sent_update_arguments(type(self.mounted[key]), args)
        )

    def find(self, component: type[LiveComponent] | str, ident: str) -> Key:
        if not (isinstance(component, str) or _is_component_class(component)):
            raise TypeError(
                "live_send_update() takes the component's class (or its dotted path, as the "
                f"{{% live_component %}} tag names it), not {component!r}."
            )
        for key, instance in self.mounted.items():
            if key[1] == ident and (
                key[0] == component if isinstance(component, str) else type(instance) is component
            ):
                return key
        shown = [f"{type(c).__qualname__} {k[1]!r}" for k, c in sorted(self.mounted.items())]
        raise LookupError(no_such_component(component, ident, shown))

    def apply(self, key: Key, component: LiveComponent) -> bool:
        """Call ``component.update()`` with what was sent to it, in the order sent; whether
        anything was. What it was before is kept for ``undo()``."""
        sent = self.pending.pop(key, [])
        if sent:
            self.applied.setdefault(key, dict(component.__dict__))
            for arguments in sent:
                component.update(**arguments)
        return bool(sent)

    def event_started(self) -> None:
        self.applied.clear()  # what an earlier event (or refresh) applied stands

    def undo(self) -> None:
        """The event failed: what it sent goes, and the components it updated are as they
        were before (shallow, as the event's own view is)."""
        self.pending.clear()
        for key, attributes in self.applied.items():
            component = self.mounted.get(key)
            if component is not None:
                component.__dict__.clear()
                component.__dict__.update(attributes)
        self.applied.clear()

    def discard(self, key: Key) -> None:
        self.pending.pop(key, None)

    def clear(self) -> None:
        self.pending.clear()

    def __contains__(self, key: object) -> bool:
        return key in self.pending

    def __iter__(self) -> Iterator[Key]:
        return iter(self.pending)

    def __bool__(self) -> bool:
        return bool(self.pending)


def _is_component_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, LiveComponent)
