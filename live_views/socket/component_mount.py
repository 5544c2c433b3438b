"""A live component on a page that is not live connects a socket of its own. Its token names the
page's path and the component's address, never a class: the socket runs the page's URL callable
as a GET of that page would (middleware, decorators, access mixins and the component's own
``check_access()``), and the ``{% live_component %}`` tag with that address mounts the component
as the page renders. A small live view then stands in for the page: its one template holds the
component, and it has no events of its own."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template import Template
from django.urls import Resolver404, resolve
from django.views.generic import View

from live_views.components import LiveComponent
from live_views.components.host import ComponentHost, serving
from live_views.components.renders import Key
from live_views.connect import wire
from live_views.connect.static_version import static_changed
from live_views.connect.tokens import ConnectTarget
from live_views.pubsub.topics import Subscription
from live_views.socket.components import ComponentStates
from live_views.socket.mount import Refused
from live_views.socket.refusal import STATUS_OF_CLOSE, refused_by
from live_views.socket.state import PageState
from live_views.uploads.page_form import PageRefused
from live_views.views import LiveViewMixin


class ComponentSocketView(LiveViewMixin, View):
    """The page of a component's own socket: the component, and nothing else."""

    live_component_socket = True  # an event sent to the page says so (unknown_events.py)

    def __init__(self, request: HttpRequest, host: ComponentHost, key: Key) -> None:
        super().__init__()
        self.request = request
        self.args: tuple[Any, ...] = ()
        self.kwargs: dict[str, Any] = {}
        self.key = key
        self.live_runtime.connected = True
        self.live_runtime.components = host

    @property
    def component(self) -> LiveComponent:
        component: LiveComponent = self.live_runtime.components.mounted[self.key]
        return component

    def get_live_subscriptions(self) -> list[Subscription]:
        return self.component.get_live_subscriptions()

    def refresh_live_context(self) -> HttpResponseBase:
        self.live_runtime.context = {"view": self, "component_id": self.key[1]}
        return HttpResponse()

    def get_live_template(self) -> Template:
        return component_template(self.key[0])


@functools.cache
def component_template(path: str) -> Template:
    # ``path`` came from the page's template (a dotted name, checked by the tag's parser).
    return Template(f'{{% load live_views %}}{{% live_component "{path}" id=component_id %}}')


def open_component(request: HttpRequest, target: ConnectTarget, state: PageState) -> LiveViewMixin:
    """The live view a component's own socket serves: the stand-in for its page."""
    assert target.component is not None
    host = mount_component(request, target.path, target.component, target.page_id)
    found = host.find(target.component)
    assert found is not None
    found[1].live_runtime.connected = True
    view = ComponentSocketView(request, host, found[0])
    # The component is the page's live part: it says whether the page runs stale static files.
    stale = static_changed(target.static_version)
    found[1].live_runtime.static_changed = view.live_runtime.static_changed = stale
    found[1].live_runtime.effects = view.live_runtime.effects  # sent with the socket's frames
    # Keys the component's pending uploads, which go when this socket closes.
    view.live_runtime.page_id = target.page_id
    return view


def mount_component(
    request: HttpRequest, path: str, address: str, page_id: str | None = None
) -> ComponentHost:
    """Run the URL callable of ``path``; the host that mounted the component at ``address``
    as the page rendered. Refused when the page refuses, or no longer shows the component."""
    try:
        match = resolve(path)
    except Resolver404:
        raise Refused(wire.CLOSE_NOT_FOUND, f"no URL matches {path!r}") from None
    host = ComponentHost(None, only=address)
    if page_id is not None:
        host.state_of = ComponentStates(page_id)
        host.page_id = page_id
    reset = serving.set(host)
    try:
        response = match.func(request, *match.args, **match.kwargs)
        render = getattr(response, "render", None)
        if callable(render) and 200 <= response.status_code < 300:
            render()  # a TemplateResponse renders, and mounts the component, here
    except PermissionDenied:
        raise Refused(wire.CLOSE_FORBIDDEN, "permission denied") from None
    except Http404:
        raise Refused(wire.CLOSE_NOT_FOUND, "not found") from None
    finally:
        serving.reset(reset)
    if 300 <= response.status_code < 400:
        raise refused_by(response, request, "the page")
    if response.status_code != 200:
        raise Refused(wire.CLOSE_FORBIDDEN, f"the page answered {response.status_code}")
    if host.find(address) is None:
        raise Refused(wire.CLOSE_NOT_FOUND, "the page does not show that component")
    return host


# The upload route answers in HTTP statuses, as the HTTP transport does, but for a page that
# sends a signed-out visitor to log in (4401): that is a 403 here, as a redirect of a live page
# is to this route (uploads/page_form.py). The transport's 401 tells the page to reload; an
# upload's answer has no such meaning, only its errors.
_UPLOAD_STATUS = {**STATUS_OF_CLOSE, wire.CLOSE_LOGIN_REQUIRED: 403}


def mount_for_upload(request: HttpRequest, path: str, address: str) -> ComponentHost:
    """For the upload route (live_views/uploads/page_form.py): the components of a page that is
    not live, mounted as the socket of the one at ``address`` mounts them; ``PageRefused``
    (with an HTTP status) where that socket would be refused."""
    try:
        return mount_component(request, path, address)
    except Refused as exc:
        status = _UPLOAD_STATUS.get(exc.code, 500)
        raise PageRefused(status, str(exc)) from None


def recheck_component(view: ComponentSocketView, path: str) -> None:
    """Run the page's URL callable again (a broadcast refresh): Refused when it now refuses."""
    mount_component(view.request, path, view.live_runtime.components.address(view.key))
