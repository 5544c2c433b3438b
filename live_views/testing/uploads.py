"""``page.upload()``: send a file to a live form's file field as the bundled JS does, over the
upload route (HTTP), never the socket: a ``check`` of its name and size, then the file."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile

_CONNECT_RE = re.compile(r'hx-ws:connect="([^"]+)"')
_STANDALONE_RE = re.compile(r'hx-ws:connect="([^"]+)" data-live-root data-live-standalone')
_INPUT_RE = re.compile(r"<input\b[^>]*>")


def upload_url(page_html: str, field: str) -> str:
    """Where the page's ``field`` input uploads to (its ``data-live-upload``)."""
    for tag in _INPUT_RE.findall(page_html):
        if f'name="{html_lib.escape(field)}"' in tag and 'type="file"' in tag:
            url = re.search(r'data-live-upload="([^"]*)"', tag)
            if url is None:
                break
            return html_lib.unescape(url.group(1))
    raise AssertionError(f"the page has no live file input named {field!r}")


def page_token(page_html: str) -> str:
    match = _CONNECT_RE.search(page_html)
    if match is None:
        raise AssertionError("the page has no {% live_connect %}")
    return parse_qs(urlsplit(html_lib.unescape(match.group(1))).query)["t"][0]


def component_token(page_html: str, address: str) -> str:
    """The token of the socket the component at ``address`` is served by: on a page that is
    not live, that of the root of its own (or its outermost component's) socket, as the
    bundled JS reads it; otherwise the page's."""
    at = page_html.find(f'data-live-component="{address}"')
    roots = [m for m in _STANDALONE_RE.finditer(page_html) if m.start() < at]
    if at < 0 or not roots:
        return page_token(page_html)
    return parse_qs(urlsplit(html_lib.unescape(roots[-1].group(1))).query)["t"][0]


def upload_headers(
    page_html: str,
    field: str,
    name: str,
    size: int,
    step: str,
    append: bool,
    csrf: str | None,
    component: str | None = None,
) -> dict[str, str]:
    token = page_token(page_html) if component is None else component_token(page_html, component)
    headers = {
        "X-Live-Token": token,
        "X-Live-Upload-Field": field,
        "X-Live-Upload-Name": quote(name, safe=""),
        "X-Live-Upload-Size": str(size),
        "X-Live-Upload-Step": step,
    }
    if append:
        headers["X-Live-Upload-Append"] = "1"
    if csrf:
        headers["X-CSRFToken"] = csrf
    if component is not None:
        headers["X-Live-Upload-Component"] = component
    return headers


def file_part(name: str, content: bytes, content_type: str) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, content, content_type)}


def answer(response: Any) -> dict[str, Any]:
    """The route's JSON answer, with its ``status``."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    return {"status": response.status_code, **body}


def csrf_cookie(cookies: Any) -> str | None:
    from django.conf import settings

    morsel = cookies.get(settings.CSRF_COOKIE_NAME)
    return morsel.value if morsel is not None else None


def upload_steps(
    page: Any,
    field: str,
    name: str,
    content: bytes,
    content_type: str,
    append: bool,
    component: tuple[str, str] | None = None,
) -> tuple[str, dict[str, str], dict[str, str], dict[str, Any]]:
    """For every ``upload()``: the route's URL, the ``check`` request's headers, then the
    ``send`` request's headers and file part. ``component``: the address and inner HTML of the
    live component whose form has the field (the bundled JS sends the address it is in)."""
    if page.http is None:
        raise RuntimeError("only a page opened by a live client can upload")
    page_html = page.html
    address, inputs_html = component if component is not None else (None, page_html)
    url = upload_url(inputs_html, field)
    csrf = csrf_cookie(page.http.cookies)
    size = len(content)
    check = upload_headers(page_html, field, name, size, "check", append, csrf, address)
    send = upload_headers(page_html, field, name, size, "send", append, csrf, address)
    part = file_part(name, content, content_type)
    return url, check, send, part


async def upload_async(
    page: Any,
    field: str,
    name: str,
    content: bytes,
    content_type: str,
    append: bool,
    component: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A page's (or one of its components') upload through its ``AsyncClient``."""
    url, check, send, part = upload_steps(
        page, field, name, content, content_type, append, component
    )
    checked = answer(await page.http.post(url, headers=check))
    if checked["status"] != 200:
        return checked
    return answer(await page.http.post(url, part, headers=send))


def upload_sync(
    page: Any,
    field: str,
    name: str,
    content: bytes,
    content_type: str,
    append: bool,
    component: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A page's (or one of its components') upload through its ``django.test.Client``."""
    url, check, send, part = upload_steps(
        page, field, name, content, content_type, append, component
    )
    checked = answer(page.http.post(url, headers=check))
    if checked["status"] != 200:
        return checked
    return answer(page.http.post(url, part, headers=send))


def cancel_steps(
    page: Any, field: str, ref: str, component: tuple[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """The route's URL and the headers of a ``cancel`` of the page's upload ``ref`` (or, with
    ``component``, as for ``upload_steps``, of that live component's)."""
    if page.http is None:
        raise RuntimeError("only a page opened by a live client can cancel an upload")
    address, inputs_html = component if component is not None else (None, page.html)
    url = upload_url(inputs_html, field)
    csrf = csrf_cookie(page.http.cookies)
    headers = upload_headers(page.html, field, "", 0, "cancel", False, csrf, address)
    headers["X-Live-Upload-Ref"] = ref
    return url, headers


class AsyncUploading:
    """``upload()`` for ``AsyncLivePage``."""

    http: Any
    html: str

    async def upload(
        self,
        field: str,
        name: str,
        content: bytes,
        *,
        content_type: str = "application/octet-stream",
        append: bool = False,
    ) -> dict[str, Any]:
        """Upload ``content`` as the file ``name`` to the live form's file input ``field``, as
        the bundled JS does; the route's JSON answer, with its ``status``. ``append`` adds a
        further file to a multiple input's selection. Then ``validate(field, ...)`` shows the
        field as the page would."""
        return await upload_async(self, field, name, content, content_type, append)

    async def cancel_upload(self, field: str, ref: str) -> dict[str, Any]:
        """Remove the file ``ref`` (``upload()``'s answer has it) from ``field``'s selection,
        as a ``data-live-upload-cancel`` button does; the route's answer, with its
        ``status``. Then ``validate(field, ...)`` shows the field without it."""
        url, headers = cancel_steps(self, field, ref)
        return answer(await self.http.post(url, headers=headers))


class Uploading:
    """``upload()`` for the sync ``LivePage``, through its ``django.test.Client``."""

    http: Any
    html: str

    def upload(
        self,
        field: str,
        name: str,
        content: bytes,
        *,
        content_type: str = "application/octet-stream",
        append: bool = False,
    ) -> dict[str, Any]:
        """See ``AsyncLivePage.upload``."""
        return upload_sync(self, field, name, content, content_type, append)

    def cancel_upload(self, field: str, ref: str) -> dict[str, Any]:
        """See ``AsyncLivePage.cancel_upload``."""
        url, headers = cancel_steps(self, field, ref)
        return answer(self.http.post(url, headers=headers))
