"""A page's live components in tests: ``page.component("a").send("inc")`` sends ``inc`` to the
component with id "a" as a click inside it would, and reads what that component shows."""

from __future__ import annotations

import html as html_lib
import re
from typing import TYPE_CHECKING, Any

from live_views.connect import wire
from live_views.render.collector import block_id, component_block_id, component_scope
from live_views.testing.dom import inner_html
from live_views.testing.uploads import answer, cancel_steps, upload_async, upload_sync

if TYPE_CHECKING:
    from live_views.testing import AsyncLivePage, LivePage

_ROOT_RE = re.compile(r'data-live-component="([0-9a-f]+)" data-live-id="([^"]*)"')


def component_address(page_html: str, ident: str) -> str:
    """The address the server gave the component with id ``ident`` on this page."""
    roots = _ROOT_RE.findall(page_html)
    found = sorted({address for address, i in roots if html_lib.unescape(i) == ident})
    return _the_one(found, ident, "on the page")


def _the_one(found: list[str], ident: str, where: str) -> str:
    # Ids are unique per class only: the first found would be whichever the page listed first.
    if not found:
        raise AssertionError(f"no live component with id {ident!r} {where}")
    if len(found) > 1:
        raise AssertionError(
            f"{len(found)} live components have the id {ident!r} (of different classes): "
            "give them distinct ids to reach them from a test"
        )
    return found[0]


_STANDALONE_RE = re.compile(
    r'hx-ws:connect="([^"]+)" data-live-root data-live-standalone[^>]*>'
    r'<div id="lv-c[0-9a-f]+" data-lv-v="[0-9a-f]+" data-live-component="[0-9a-f]+" '
    r'data-live-id="([^"]*)"'
)


def standalone_socket_url(page_html: str, ident: str) -> str:
    """The socket URL of the live component ``ident`` on a page that is not live."""
    urls = [
        html_lib.unescape(url)
        for url, found in _STANDALONE_RE.findall(page_html)
        if html_lib.unescape(found) == ident
    ]
    return _the_one(urls, ident, "connects on its own here")


class PageComponents:
    """``page.component(id)`` for an open page."""

    html: str

    def component(self, ident: object) -> AsyncComponent:
        """The live component placed with ``id=ident`` on this page. The tag makes its id a
        string (``id=task.pk`` is ``"7"``); so does this, so ``task.pk`` finds it too."""
        page: Any = self
        return AsyncComponent(page, component_address(self.html, str(ident)))


class AsyncComponent:
    """One live component of an open page; ``send`` and friends are coroutines."""

    def __init__(self, page: AsyncLivePage, address: str) -> None:
        self.page = page
        self.address = address

    @property
    def html(self) -> str:
        """The component's current inner HTML."""
        return inner_html(self.page.html, component_block_id(self.address))

    def block(self, name: str, key: object | None = None) -> str:
        """The current inner HTML of the component's ``{% liveblock name key=... %}``."""
        return inner_html(self.page.html, block_id(name, key, component_scope(self.address)))

    async def send(self, event: str, /, **args: Any) -> dict[str, Any]:
        return await self.page.ask(self._frame(event, args, {}))

    async def submit(self, event: str, /, **form: Any) -> dict[str, Any]:
        return await self.page.ask(self._frame(event, {}, form))

    async def validate(self, field: str, /, **form: Any) -> dict[str, Any]:
        return await self.page.ask(self._frame("validate", {"field": field}, form))

    async def upload(
        self,
        field: str,
        name: str,
        content: bytes,
        *,
        content_type: str = "application/octet-stream",
        append: bool = False,
    ) -> dict[str, Any]:
        """Upload a file to the file input ``field`` of this component's live form, as the
        bundled JS does (see ``AsyncLivePage.upload``)."""
        return await upload_async(
            self.page, field, name, content, content_type, append, (self.address, self.html)
        )

    async def cancel_upload(self, field: str, ref: str) -> dict[str, Any]:
        """Remove the file ``ref`` from this component's ``field``, as a
        ``data-live-upload-cancel`` button does (see ``AsyncLivePage.cancel_upload``)."""
        url, headers = cancel_steps(self.page, field, ref, (self.address, self.html))
        return answer(await self.page.http.post(url, headers=headers))

    def _frame(self, event: str, args: dict[str, Any], form: dict[str, Any]) -> dict[str, Any]:
        return {"event": event, "args": args, "form": form, wire.COMPONENT: self.address}


class Component:
    """The sync twin of ``AsyncComponent``, from ``LivePage.component()``."""

    def __init__(self, page: LivePage, component: AsyncComponent) -> None:
        self._page = page
        self._component = component

    @property
    def address(self) -> str:
        return self._component.address

    @property
    def html(self) -> str:
        return self._component.html

    def block(self, name: str, key: object | None = None) -> str:
        return self._component.block(name, key)

    def send(self, event: str, /, **args: Any) -> dict[str, Any]:
        return self._page.run(self._component.send(event, **args))

    def submit(self, event: str, /, **form: Any) -> dict[str, Any]:
        return self._page.run(self._component.submit(event, **form))

    def validate(self, field: str, /, **form: Any) -> dict[str, Any]:
        return self._page.run(self._component.validate(field, **form))

    def upload(
        self,
        field: str,
        name: str,
        content: bytes,
        *,
        content_type: str = "application/octet-stream",
        append: bool = False,
    ) -> dict[str, Any]:
        """See ``AsyncComponent.upload``."""
        return upload_sync(
            self._page, field, name, content, content_type, append, (self.address, self.html)
        )

    def cancel_upload(self, field: str, ref: str) -> dict[str, Any]:
        """See ``AsyncComponent.cancel_upload``."""
        url, headers = cancel_steps(self._page, field, ref, (self.address, self.html))
        return answer(self._page.http.post(url, headers=headers))
