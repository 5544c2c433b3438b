"""The library's own state on a live view instance, kept on one explicit object.

A view holds one ``LiveRuntime`` (``view.live_runtime``): whether it serves a socket, the context
its last ``get()`` built, the blocks a handler named with ``live_target()``, the query it asked
for with ``live_patch()``, its streams (live_views.streams) and the background work its handlers
started (live_views.background). Nothing of ours is kept in loose attributes of the user's view.

``mounting`` says, while a socket mounts a page, which instance becomes the page: the URL's own
callable runs (decorators and all), and the first live view it dispatches to is the page's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from django.http import HttpRequest, QueryDict

from live_views.background import PageJobs
from live_views.connect.effects import BrowserEffects
from live_views.streams import PageStreams, StreamsBefore


@dataclass(frozen=True)
class Patch:
    """A handler's ``live_patch()``: the query to show, and how the browser records it."""

    query: str
    replace: bool


# One per live view instance, so one per open page: slots keep an idle page small
# (docs/benchmarks.md, memory).
@dataclass(slots=True)
class LiveRuntime:
    connected: bool = False  # serves a socket, not an HTTP request
    context: dict[str, Any] | None = None  # from the last get(), until the next render reads it
    targets: frozenset[str] | None = None  # live_target() since the last render
    patch: Patch | None = None  # live_patch() since the handler started
    effects: BrowserEffects = field(default_factory=BrowserEffects)  # for the next frame
    page_id: str | None = None  # from the page's connect token: keys its pending uploads
    # On a socket: the page was rendered with other static files than this server's
    # (live_views.connect.static_version); for the socket's life, as the page runs them.
    static_changed: bool = False
    # A live component's: what the browser calls it (components/host.py); None for a page.
    address: str | None = None
    streams: PageStreams = field(default_factory=PageStreams)  # live_views.streams
    jobs: PageJobs = field(default_factory=PageJobs)  # live_async() work not started yet
    # The page's live components (live_views.components.host.ComponentHost), once it has any.
    components: Any = None
    # A component's: its handler read ``self.parent``, so the page may have changed and its
    # liveblocks render after the event; otherwise only the component does.
    parent_used: bool = False
    # On a socket: where its components' live_state is kept, by address (given to the host
    # when the first component renders: most pages never have one).
    component_states: StateStores | None = None
    # On a socket: the page's one CSRF token (socket/csrf.py), which its components write too.
    csrf: PageToken | None = None
    # A live form view serving an HTTP POST called reset_form(): its form renders unbound,
    # though post() goes on with the request's data (live_views/forms.py).
    form_reset: bool = False
    # The event being handled: html names of its form's file inputs whose chosen files the
    # server never got (their upload failed, or its script did not load; wire.UNSENT).
    unsent: tuple[str, ...] = ()

    def forget_event(self, streams_before: StreamsBefore | None = None) -> None:
        """A handler failed: what it asked for is dropped with it (``streams_before``: what
        ``streams.before_event()`` gave before it ran)."""
        self.targets = None
        self.patch = None
        self.effects.clear()
        self.streams.forget_pending(streams_before)
        self.jobs.forget_pending()


class PageToken(Protocol):
    def value(self, request: HttpRequest) -> str: ...


class StateStore(Protocol):
    def restore(self, view: Any) -> bool: ...

    def forget(self) -> None: ...


class StateStores(Protocol):
    """Where a page's components keep their live_state, by address (socket/components.py)."""

    # True during the page's first render on its socket: a component it shows then is one
    # the page showed before (a reconnect, a restart) and gets its state back; one mounted
    # later is new on the page, and starts from its mount().
    restoring: bool

    def __call__(self, address: str) -> StateStore: ...


@dataclass
class Mount:
    view: Any = None
    # A broadcast refresh runs the URL callable again to re-check access: the page's instance.
    page: Any = None
    # Where the mounting page's live_state is kept between its sockets.
    state: StateStore | None = None
    # Only the access checks: the view's own dispatch() stops before get() (a shared render
    # checks each user once, then shows them the one render).
    check_only: bool = False
    page_id: str | None = None
    static_changed: bool = False  # the token's static version is not this server's


mounting: ContextVar[Mount | None] = ContextVar("live_views_mounting", default=None)


def query_string(query: Mapping[str, Any] | str) -> str:
    """``query`` as a normalized query string (no "?"): a mapping is urlencoded (lists become
    repeated keys, ``None`` values are left out), a string is re-encoded."""
    if isinstance(query, str):
        if query.startswith("/") or "://" in query or "#" in query:
            raise ValueError(
                f"live_patch() changes the page's query only, not {query!r}. To go to another "
                "page, return redirect(url) from the handler."
            )
        return QueryDict(query.removeprefix("?")).urlencode()
    if isinstance(query, QueryDict):
        return query.urlencode()
    if not isinstance(query, Mapping):
        raise TypeError(
            f"live_patch() takes a mapping or a query string, not {type(query).__name__}."
        )
    encoded = QueryDict(mutable=True)
    for key, value in query.items():
        values = value if isinstance(value, list | tuple) else [value]
        encoded.setlist(str(key), [str(v) for v in values if v is not None])
    return encoded.urlencode()


def no_such_component(component: object, ident: str, shown: Sequence[str] = ()) -> str:
    """The error ``live_send_update()`` raises when the page shows no ``component`` (a class or
    its dotted path) with id ``ident``. ``shown`` names the components it does show ("Counter
    'a'", ...): none on a page without live components (the view finds no component host)."""
    name = component if isinstance(component, str) else getattr(component, "__qualname__", "")
    return (
        f"live_send_update(): the page shows no {name} with id {ident!r}; it shows "
        f"{', '.join(shown) or 'no live component'}. (A component an {{% if %}} hides, or that "
        "the page has not rendered yet, has no update() to call.)"
    )


class HoldsLiveRuntime:
    """What a live view and a live component both hold: their ``LiveRuntime``."""

    @cached_property
    def live_runtime(self) -> LiveRuntime:
        """The library's state for this instance (live_views.runtime)."""
        return LiveRuntime()

    @property
    def live_connected(self) -> bool:
        """True when this instance serves a socket rather than an HTTP request."""
        return self.live_runtime.connected

    @property
    def live_static_changed(self) -> bool:
        """True on a socket whose page was rendered with other static files (CSS, JS) than the
        server's, as after a deploy: the page should be reloaded to run the new ones. False
        over HTTP and when either side's version is unknown (docs/howto/deployment.md)."""
        return self.live_runtime.static_changed
