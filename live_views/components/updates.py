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

Key = tuple[str, str]  # (class path, id), as components/host.py keys them


class SentUpdates:
    """The updates sent to a page's components since its last render, by component, in the
    order they were sent. ``mounted`` is the host's own dict of the components it shows."""

    __slots__ = ("mounted", "pending")

    def __init__(self, mounted: Mapping[Key, LiveComponent]) -> None:
        self.mounted = mounted
        self.pending: dict[Key, list[dict[str, Any]]] = {}

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
        name = component if isinstance(component, str) else component.__qualname__
        shown = ", ".join(
            f"{type(c).__qualname__} {k[1]!r}" for k, c in sorted(self.mounted.items())
        )
        raise LookupError(
            f"live_send_update(): the page shows no {name} with id {ident!r}; it shows "
            f"{shown or 'no live component'}. (A component an {{% if %}} hides, or that the "
            "page has not rendered yet, has no update() to call.)"
        )

    def take(self, key: Key) -> list[dict[str, Any]]:
        return self.pending.pop(key, [])

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
