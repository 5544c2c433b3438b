"""What to tell a developer whose page sent an event its view does not publish."""

from __future__ import annotations

import difflib
import inspect

from django.conf import settings


def unknown_event_message(view_class: type, name: str, *, developer: bool | None = None) -> str:
    """The refusal of event ``name``: the closest live event, and for the developer (``DEBUG``
    on, or the server's log) the missing ``@live_event`` when the view has a method of that
    name."""
    if getattr(view_class, "live_component_socket", False):
        # A component's own socket, on a page that is not live: the page has no events.
        return (
            f"No live event named {name!r} on this socket's page: it is not live, and only "
            "its live component's events run here, sent to the component (in a test: "
            "page.component(id).send(...))."
        )
    message = f"No live event named {name!r} on {view_class.__name__}."
    events: dict[str, object] = getattr(view_class, "live_events", {})
    # The method hint names view internals: only for the developer, never a production visitor.
    # Looked up statically: a client's string never runs a descriptor or a __getattr__.
    developer = settings.DEBUG if developer is None else developer
    method = inspect.getattr_static(view_class, name, None) if developer else None
    if isinstance(method, staticmethod | classmethod):
        method = method.__func__
    if _could_be_an_event(name, method, view_class):
        return f"{message} {view_class.__name__}.{name}() exists: decorate it with @live_event."
    close = difflib.get_close_matches(name, list(events), n=1, cutoff=0.6)
    if close:
        return f"{message} Did you mean {close[0]!r}?"
    return message


def _could_be_an_event(name: str, method: object, view_class: type) -> bool:
    """Whether ``method`` is one of the project's own that ``@live_event`` would take: not
    private, not Django's nor this library's (a probe for ``dispatch`` is no missing
    decorator), and not named as an HTTP method (``get`` renders the page)."""
    if name.startswith("_") or not inspect.isfunction(method):
        return False
    if method.__module__.split(".")[0] in ("django", "live_views"):
        return False
    return name not in getattr(view_class, "http_method_names", ())
