"""The form an upload is for, built as the page's GET builds it for this user: the page's own,
or that of one of its live components."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Protocol

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, get_script_prefix, resolve

from live_views.connect.tokens import ConnectTarget
from live_views.render.pruning import render_liveblocks
from live_views.runtime import Mount, mounting
from live_views.views import LiveViewMixin


class PageRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class _Components(Protocol):
    """The components a page rendered: live_views.components.host.ComponentHost (a layer above
    this one), as a live view's ``live_runtime.components`` holds it once its page rendered."""

    def find(self, address: str) -> tuple[Any, Any] | None: ...


# Mounts the live component at an address of a page that is not live, as its own socket does
# (``socket/component_mount.py``, a layer above this one, which the route is given by
# ``live_views/urls.py``): (the page's GET, its path, the address) -> what it mounted.
StandaloneMount = Callable[[HttpRequest, str, str], _Components]


def page_form(
    request: HttpRequest,
    target: ConnectTarget,
    component: str | None = None,
    standalone: StandaloneMount | None = None,
) -> forms.BaseForm:
    """Run the URL callable of the token's path as a GET of the page (decorators and access
    mixins apply again, for the user of ``request``) and return the form its context holds; or,
    given a ``component`` address, the form of the live component the page shows at that
    address (the page renders, so its components mount as on its socket, access checks
    included). On a page that is not live, the token names the component whose socket it is,
    and ``standalone`` mounts it. ``PageRefused`` when there is no such live page or component,
    the user may not see it, or it has no form.
    """
    page = _page_get(request, target)
    if target.component is not None:
        if standalone is None:
            raise PageRefused(400, "a live component on a page that is not live needs its socket")
        # The socket of a component (and of those nested in it): an older page's JS names none.
        address = component or target.component
        return _form_of(standalone(page, target.path, target.component), address)
    try:
        match = resolve(target.path)
    except Resolver404:
        raise PageRefused(404, f"no URL matches {target.path!r}") from None
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, LiveViewMixin)):
        raise PageRefused(404, f"{target.path!r} is not a live view")
    mount = Mount()
    reset = mounting.set(mount)
    try:
        response = match.func(page, *match.args, **match.kwargs)
        view: LiveViewMixin | None = mount.view
        context = view.live_runtime.context if view is not None else None
        if response.status_code != 200 or view is None or context is None:
            raise PageRefused(403, f"the page answered {response.status_code}")
        if component is not None:
            # Its components mount as its liveblocks render (check_access() and mount()
            # included): the form is the one this user's page shows at that address.
            render_liveblocks(view.get_live_template(), context, view.request)
            return _form_of(view.live_runtime.components, component)
    except PermissionDenied:
        raise PageRefused(403, "permission denied") from None
    except Http404:
        raise PageRefused(404, "not found") from None
    finally:
        mounting.reset(reset)
    form = context.get("form")
    if not isinstance(form, forms.BaseForm):
        raise PageRefused(400, f"{type(view).__qualname__} has no form to upload to")
    return form


def _form_of(components: _Components | None, address: str) -> forms.BaseForm:
    found = components.find(address) if components is not None else None
    if found is None:
        raise PageRefused(404, f"the page shows no live component {address!r}")
    component = found[1]
    get_form = getattr(component, "get_form", None)  # a LiveFormComponent's
    form = get_form() if callable(get_form) else None
    if not isinstance(form, forms.BaseForm):
        raise PageRefused(400, f"{type(component).__qualname__} has no form to upload to")
    return form


def _page_get(request: HttpRequest, target: ConnectTarget) -> HttpRequest:
    """``request`` (its user, session, cookies and headers) as a GET of the page's URL. Its body
    is left unread for the upload."""
    page = copy.copy(request)
    page.method = "GET"
    page.META = {**request.META, "REQUEST_METHOD": "GET", "QUERY_STRING": target.query_string}
    page.path_info = target.path
    page.path = get_script_prefix().rstrip("/") + target.path
    page.GET = QueryDict(target.query_string)
    return page
