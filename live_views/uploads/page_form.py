"""The form of the page an upload is for, built as that page's GET builds it for this user."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, get_script_prefix, resolve

from live_views.connect.tokens import ConnectTarget
from live_views.runtime import Mount, mounting
from live_views.views import LiveViewMixin


class PageRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def page_form(request: HttpRequest, target: ConnectTarget) -> forms.BaseForm:
    """Run the URL callable of the token's path as a GET of the page (decorators and access
    mixins apply again, for the user of ``request``) and return the form its context holds.
    ``PageRefused`` when there is no such live page, the user may not see it, or it has no form.
    """
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
        response = match.func(_page_get(request, target), *match.args, **match.kwargs)
    except PermissionDenied:
        raise PageRefused(403, "permission denied") from None
    except Http404:
        raise PageRefused(404, "not found") from None
    finally:
        mounting.reset(reset)
    view: LiveViewMixin | None = mount.view
    context = view.live_runtime.context if view is not None else None
    if response.status_code != 200 or context is None:
        raise PageRefused(403, f"the page answered {response.status_code}")
    form = context.get("form")
    if not isinstance(form, forms.BaseForm):
        raise PageRefused(400, f"{type(view).__qualname__} has no form to upload to")
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
