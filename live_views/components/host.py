"""The components of one page: mounted once, kept by (class path, id), rendered into the page's
render, and found again by the opaque address the browser sends with their events.

A live page keeps its ``ComponentHost`` on its view's runtime for as long as its socket is open;
any other render (a page over HTTP) gets a fresh one. The class path comes only from the
template (the ``{% live_component %}`` tag); the browser only ever sees an address, a keyed hash
of (class path, id) that the host maps back to a component it mounted. An address it does not
hold names nothing.

Each component's last render is kept. A render after one component's event re-renders that
component only; the others hand their blocks to the page's render as they were.

A render that fails (its frame never sent: the browser shows what it showed) changes nothing of
this: the host undoes what it mounted and dropped (components/journal.py), and the components
it rendered render whole next time rather than hand over what that render made of them.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template import Context, TemplateSyntaxError
from django.template.context import make_context
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.module_loading import import_string

from live_views.components.base import (
    LiveComponent,
    mount_arguments,
    takes_updates,
    update_arguments,
)
from live_views.components.csrf import page_csrf_token
from live_views.components.journal import Dropped, RenderJournal
from live_views.components.renders import Key, LastRender
from live_views.components.updates import SentUpdates
from live_views.connect.csp import page_nonce
from live_views.forms import LiveFormState
from live_views.render.blocks import render_block
from live_views.render.collector import (
    COLLECTOR_KEY,
    BlockCollector,
    component_block_id,
    component_scope,
    get_collector,
    loop_path,
)
from live_views.render.markup import root_attributes
from live_views.render.pruning import render_liveblocks
from live_views.render.stream import STREAM_ITEM_KEY, STREAMS_KEY
from live_views.render.targets import blocks_on_the_way
from live_views.runtime import PageToken, StateStore, StateStores
from live_views.shared_defaults import shared_default_problems
from live_views.streams import PageStreams
from live_views.views import LiveViewMixin

logger = logging.getLogger("live_views")

HOST_KEY = "live_views.components.host"
# While a component's socket mounts it: the host that mounts (see socket/component_mount.py).
serving: ContextVar[ComponentHost | None] = ContextVar("live_views_serving", default=None)


@cache
def component_class(path: str) -> type[LiveComponent]:
    """The class a template names. Only ever called with a path from a template."""
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{{% live_component {path!r} %}}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, LiveComponent)):
        raise ImproperlyConfigured(
            f"{{% live_component {path!r} %}} names {cls!r}, not a subclass of "
            "live_views.LiveComponent."
        )
    if settings.DEBUG:  # once per class (cached): W026, which sees only routed views
        for message, hint in shared_default_problems(cls, component=True):
            logger.warning("live_views: %s %s", message, hint)
    return cls


def component_address(path: str, ident: str) -> str:
    """What the browser calls a component: keyed with SECRET_KEY, so it cannot be made up."""
    # SHA-256 like the library's other keyed digests: Django 6.1 warns about salted_hmac()'s
    # default (SHA-1), which changes in Django 2028.
    digest = salted_hmac("live_views.components", f"{path}\x00{ident}", algorithm="sha256")
    return digest.hexdigest()[:16]


class ComponentHost:
    def __init__(self, parent: LiveViewMixin | None, *, only: str | None = None) -> None:
        self.parent = parent
        # On a component's own socket (a page that is not live): the address it serves. Other
        # components of that page are neither mounted nor rendered there.
        self.only = only
        self.mounted: dict[Key, LiveComponent] = {}
        self.addresses: dict[str, Key] = {}
        self.last: dict[Key, LastRender] = {}
        # The components the next render re-renders; None: all of them.
        self.rerender: frozenset[Key] | None = None
        # The components a targeted render of one component's root may drop: its family.
        self.dropping: list[Key] = []
        self.collector: BlockCollector | None = None  # of the render under way
        self.seen: set[Key] = set()
        self.rendering: list[Key] = []
        self.address_of: dict[Key, str] = {}
        # On a socket: where each component's live_state is kept (by its address), and the
        # stores of the components that have any.
        self.state_of: StateStores | None = (
            parent.live_runtime.component_states if parent is not None else None
        )
        self.states: dict[Key, StateStore] = {}
        # Mounted and dropped since the socket last looked (for their live_subscriptions).
        self.new_components: list[tuple[Key, LiveComponent]] = []
        self.dropped_components: list[Key] = []
        # The topics each mounted component follows (socket/components.py); a component's
        # subscriptions are read once, when it mounts.
        self.followed: dict[Key, frozenset[str]] = {}
        self.topic_counts: collections.Counter[str] = collections.Counter()
        # On a socket: the page's token, which its liveblocks write too and which follows a
        # new CSRF secret (login() makes one); over HTTP one per page (components/csrf.py).
        self.csrf = HostCsrfToken(parent.live_runtime.csrf if parent is not None else None)
        # The page id of the socket's token (keys the components' pending uploads); None
        # over HTTP.
        self.page_id: str | None = parent.live_runtime.page_id if parent is not None else None
        # What the page's handlers sent with live_send_update(), for the next render.
        self.sent = SentUpdates(self.mounted)
        # What the render under way mounted, dropped and rendered (a new host: the render
        # that made it), and the components whose last render is one of a render that failed:
        # they render whole, and none hands over its blocks.
        self.journal = RenderJournal()
        self.stale: set[Key] = set()

    def find(self, address: str) -> tuple[Key, LiveComponent] | None:
        """The component the browser calls ``address``, if this page holds it."""
        key = self.addresses.get(address)
        if key is None or key not in self.mounted:
            return None
        return key, self.mounted[key]

    def address(self, key: Key) -> str:
        address = self.address_of.get(key)
        if address is None:
            address = self.address_of[key] = component_address(*key)
        return address

    def target_root(self, key: Key) -> str:
        """The block a targeted render re-renders for ``key``: the root of the outermost
        component around it (the page's loop paths lead to that one)."""
        while (last := self.last.get(key)) is not None and last.within is not None:
            key = last.within
        self.dropping.extend(self.family(key))
        return component_block_id(self.address(key))

    def render(
        self, context: Context, path: str, ident: str, args: Callable[[], Mapping[str, Any]]
    ) -> str:
        """Render the component (mounting it with ``args()`` the first time)."""
        collector = get_collector(context)
        if collector is not self.collector and not self.rendering:
            # A new render of the page. (A component's targeted render, render_targets(),
            # has a collector of its own but is part of the page's render under way.)
            self.collector, self.seen = collector, set()
        key = (path, ident)
        if self.only is not None and not self.rendering and self.address(key) != self.only:
            return ""
        if key in self.seen:
            raise TemplateSyntaxError(
                f"{{% live_component {path!r} id={ident!r} %}} is on the page twice: give each "
                "instance of a component its own id."
            )
        self.seen.add(key)
        if collector.targets is not None and not collector.stack:
            # A targeted render: a component neither named nor holding what is named is not
            # rendered, and keeps its last render (a page of 100 costs what a page of 1 does).
            root = component_block_id(self.address(key))
            if root not in collector.targets and root not in collector.on_the_way:
                return ""
        if self.rendering:
            self.last[self.rendering[-1]].children.add(key)
        component = self.mounted.get(key)
        request = getattr(context, "request", None)
        sent = key in self.sent
        if component is None:
            refuse_in_stream_item(context, key)
            component = self.mount(key, args(), request)
        elif not sent and (self.reusable(key) or self.render_targets(key, component, collector)):
            return self.reuse(key, context, collector)
        elif self.rerender is None and takes_updates(type(component)):
            # The page's template placed it again (not its own event): what changed of its
            # tag's arguments (a row the page re-read after a broadcast).
            component.update(**update_arguments(type(component), args()))
        if sent:
            component.live_runtime.targets = None  # what was sent may change any of it
            self.sent.apply(key, component)  # after the tag's, in the order sent, as Phoenix
        html = self.render_component(key, component, context, collector)
        if self.parent is None and self.only is None and not self.rendering:
            # A page that is not live: the component connects a socket of its own.
            if request is None:
                raise ImproperlyConfigured(
                    f"{{% live_component {path!r} %}} on a page that is not live needs the "
                    "request in its context: render the page with its request (render(), "
                    "TemplateResponse, a class-based view, render_to_string(..., request=...))."
                )
            attrs = root_attributes(request, page_nonce(context), self.address(key))
            html = f"<div {attrs}>{html}</div>"
        return html

    def mount(
        self, key: Key, args: Mapping[str, Any], request: HttpRequest | None
    ) -> LiveComponent:
        cls = component_class(key[0])
        component = cls(key[1], self.parent, request)
        runtime = component.live_runtime
        runtime.address, runtime.page_id = self.address(key), self.page_id
        if self.parent is not None:
            runtime.connected = self.parent.live_runtime.connected
            # What it asks of the browser (reset_form) goes with the page's next frame.
            runtime.effects = self.parent.live_runtime.effects
        if request is not None:
            component.check_access(request)
        component.mount(**mount_arguments(cls, args))
        if self.state_of is not None and component.live_state:
            store = self.states[key] = self.state_of(self.address(key))
            if self.state_of.restoring:
                # After mount(): what the component last had on this page wins over the tag's.
                store.restore(component)
            else:
                # New on the page: what an earlier one kept (before a reconnect that no longer
                # showed it) must not come back later.
                store.forget()
        self.mounted[key] = component
        self.new_components.append((key, component))
        self.addresses[self.address(key)] = key
        self.journal.mounted.append((key, component))
        return component

    def reusable(self, key: Key) -> bool:
        if self.rerender is None or key not in self.last:
            return False
        if not self.last[key].children:
            return key not in self.rerender and key not in self.sent and key not in self.stale
        return not any(
            k in self.rerender or k in self.sent or k in self.stale for k in self.family(key)
        )

    def family(self, key: Key) -> list[Key]:
        """``key`` and every component nested in it, as its last render found them."""
        found = [key]
        for k in found:
            last = self.last.get(k)
            if last is not None:
                found.extend(c for c in last.children if c not in found)
        return found

    def reuse(self, key: Key, context: Context, collector: BlockCollector) -> str:
        """The component's blocks as it last rendered them, without running its template."""
        last = self.last[key]
        root = component_block_id(self.address(key))
        # Where the root sits in the page's loops, for a later targeted render of it.
        collector.paths[root] = loop_path(context)
        parent = collector.stack[-1] if collector.stack else None
        old, new = f"\x00{last.nonce}", f"\x00{collector.nonce}"
        # The last render's blocks are handed over as they are (that render is over): only
        # the placeholders of nested blocks carry the new render's nonce.
        for block in last.blocks:
            if "\x00" in block.skeleton:
                block.skeleton = block.skeleton.replace(old, new)
            collector.blocks[block.id] = block
        collector.blocks[root].parent = last.enclosing = parent
        last.nonce = collector.nonce
        if last.children:  # (the component itself is already seen)
            family = self.family(key)
            self.seen.update(family)
            for nested in family[1:]:
                # Their blocks were among those handed over: their placeholders changed too.
                if nested in self.last:
                    self.last[nested].nonce = collector.nonce
        if parent is not None:
            return collector.placeholder(root)
        return collector.expand(root) if collector.keep_output else ""

    def render_targets(self, key: Key, component: LiveComponent, collector: BlockCollector) -> bool:
        """After an event that named its blocks with ``live_target()``: render only those into
        the component's last blocks. False when that is not possible (a full render follows)."""
        runtime = component.live_runtime
        named, runtime.targets = runtime.targets, None
        last = self.last.get(key)
        # Its streams' operations are sent by the render of their containers, wherever they are.
        if not named or last is None or runtime.streams.pending:
            return False
        if self.stale and any(k in self.stale for k in self.family(key)):
            return False  # what it would keep of its last render is a failed render's
        scope = component_scope(self.address(key))
        targets = frozenset(f"lv-{scope}{ident[3:]}" for ident in named)
        if not targets <= last.paths.keys():
            return False
        template = component.get_live_template()
        context = dict(component.get_context_data())
        if component.request is not None:
            # The token its whole renders write: a fresh mask would make the blocks differ.
            context["csrf_token"] = self.csrf.value(component.request)
        parents = {block.id: block.parent for block in last.blocks}
        seen = set(self.seen)
        # The components in the named blocks render as nested in this one (its family).
        self.rendering.append(key)
        try:
            rendered = render_liveblocks(
                template,
                context,
                component.request,
                targets=targets,
                paths=last.paths,
                on_the_way=blocks_on_the_way(targets, parents),
                scope=scope,
                shared={HOST_KEY: self, STREAMS_KEY: streams_of(key, component)},
            )
        finally:
            self.rendering.pop()
            runtime.streams.rendered(whole=False)
        if rendered.blocks.keys() != blocks_within(targets, parents):
            # A named block is not where it was, or holds other blocks than it did (a nested
            # liveblock or component an {% if %} shows or hides): render the component whole.
            self.seen = seen  # the whole render that follows shows its components again
            return False
        self.journal.rendered.add(key)  # its last blocks change in place
        for index, block in enumerate(last.blocks):
            fresh = rendered.blocks.get(block.id)
            if fresh is not None:
                fresh.parent = block.parent
                fresh.skeleton = fresh.skeleton.replace(
                    f"\x00{rendered.nonce}", f"\x00{last.nonce}"
                )
                last.blocks[index] = fresh
        for nested in self.family(key)[1:]:
            # Their blocks are among this one's, whose placeholders now carry its nonce.
            if nested in self.last:
                self.last[nested].nonce = last.nonce
        return True

    def render_component(
        self, key: Key, component: LiveComponent, context: Context, collector: BlockCollector
    ) -> str:
        address = self.address(key)
        before = len(collector.blocks)
        within = self.rendering[-1] if self.rendering else None
        enclosing = collector.stack[-1] if collector.stack else None
        self.last[key] = LastRender([], collector.nonce, within=within, enclosing=enclosing)
        self.journal.rendered.add(key)
        self.stale.discard(key)

        def inner() -> str:
            scope, collector.scope = collector.scope, component_scope(address)
            self.rendering.append(key)
            try:
                return self.render_template(component, context, collector)
            finally:
                collector.scope = scope
                self.rendering.pop()

        html = render_block(
            context,
            component_block_id(address),
            inner,
            tag=component.root_tag,
            attrs=(f' data-live-component="{address}" data-live-id="{escape(key[1])}"'),
            duplicate=f"component {key!r} rendered twice.",
        )
        blocks = self.last[key].blocks = list(collector.blocks.values())[before:]
        self.last[key].paths = {
            b.id: collector.paths[b.id] for b in blocks if b.id in collector.paths
        }
        whole = component_block_id(address) in collector.blocks
        if not whole:
            del self.last[key]  # a targeted render skipped it
        component.live_runtime.streams.rendered(whole=whole)
        return html

    def render_template(
        self, component: LiveComponent, context: Context, collector: BlockCollector
    ) -> str:
        template = component.get_live_template()
        request = getattr(context, "request", None)
        ctx = make_context(
            component.get_context_data(), request, autoescape=template.engine.autoescape
        )
        if request is not None:
            ctx["csrf_token"] = self.csrf.value(request)
        root: Any = ctx.render_context.dicts[0]
        root[COLLECTOR_KEY] = collector
        root[HOST_KEY] = self
        root[STREAMS_KEY] = streams_of(self.rendering[-1], component)
        return str(template.render(ctx))

    def enclosing(self, key: Key) -> str | None:
        last = self.last.get(key)
        return last.enclosing if last is not None else None

    def end_render(self, collector: BlockCollector | None) -> None:
        """After a render of the whole page: drop the components it no longer showed."""
        self.rerender = None
        self.sent.clear()  # sent to a component this render did not reach: it is gone
        dropping, self.dropping = self.dropping, []
        if collector is None:
            return
        seen = self.seen if collector is self.collector else set()
        if collector.targets is not None:
            # A targeted render saw only what it re-rendered: of that, drop what it no longer
            # showed (a nested component an {% if %} removed, a row of a page's liveblock
            # that the page's live_target() named).
            family = set(dropping)
            dropping = [
                k
                for k in self.mounted
                if k not in seen and (k in family or self.enclosing(k) in collector.blocks)
            ]
        else:
            dropping = [k for k in self.mounted if k not in seen]
        for key in dropping:
            self.drop(key)

    def drop(self, key: Key, *, forget: bool = True) -> None:
        """Let go of a mounted component: a render that shows it mounts it again. Unless
        ``forget`` is False (its state is kept elsewhere), what it kept is forgotten."""
        component, store = self.mounted.pop(key), self.states.pop(key, None)
        self.sent.discard(key)
        if forget:
            forget_dropped(component, store, self.mounted, key)
        self.dropped_components.append(key)
        last = self.last.pop(key, None)
        self.stale.discard(key)
        address = self.address(key)
        self.addresses.pop(address, None)
        # Its address too: a page whose components come and go (rows of a feed) keeps
        # nothing of those it no longer shows.
        del self.address_of[key]
        self.journal.dropped[key] = Dropped(component, store, last, address)


def refuse_in_stream_item(context: Context, key: Key) -> None:
    """A stream's items are rendered once and forgotten (render/stream.py): the page's later
    renders never reach a component in one, so its events would render nothing and it would be
    dropped as no longer shown. Said when it would mount, rather than failing silently."""
    stream = context.get(STREAM_ITEM_KEY)
    if stream is None:
        return
    raise TemplateSyntaxError(
        f"{{% live_component {key[0]!r} id={key[1]!r} %}} is in an item of "
        f"{{% live_stream {stream} %}}: a stream's items are rendered once and forgotten, so "
        "the page could never render the component again (its events would show nothing). "
        "Show such components in a {% liveblock %} loop instead (one keyed block per row: "
        "{% liveblock row key=row.pk %}), or give the stream's items events of the page "
        '({% live_on "event" pk=item.pk %}).'
    )


def forget_dropped(
    component: LiveComponent,
    store: StateStore | None,
    mounted: Mapping[Key, LiveComponent],
    key: Key,
) -> None:
    """A component the page no longer shows is gone: shown again, it mounts afresh (as in
    Phoenix), so nothing it kept on the server may come back. Only its socket's reconnect, or
    a restart, while the page shows it restores its live_state.

    On a socket, what it kept goes with the frame of the render that dropped it: a render
    that fails after the drop (its event undone, its frame never sent) leaves the browser
    showing the component, its file inputs holding its uploads, and the page's next render
    shows it again with them."""
    uploads = component.live_uploads if isinstance(component, LiveFormState) else None

    def forget() -> None:
        if key in mounted:
            return  # a render since showed it again (after a refresh that failed): its own
        if store is not None:
            store.forget()
        if uploads is not None:
            uploads.discard()

    runtime = component.live_runtime
    if runtime.connected:
        runtime.effects.forget_with_frame(forget)
    else:
        forget()


class HostCsrfToken:
    """The token the components of one page write for ``{% csrf_token %}``: the page's own on a
    socket (``page``), else one per page, masked once (a fresh mask per render would make each
    block holding it differ, and be sent again, every time)."""

    __slots__ = ("page", "token")

    def __init__(self, page: PageToken | None) -> None:
        self.page = page
        self.token: str | None = None

    def value(self, request: HttpRequest) -> str:
        if self.page is not None:
            return self.page.value(request)
        if self.token is None:
            self.token = page_csrf_token(request)
        return self.token


def streams_of(key: Key, component: LiveComponent) -> tuple[str, PageStreams]:
    """What the component's template's ``{% live_stream %}`` tags show (render/stream.py)."""
    return f"{{% live_component {key[0]!r} id={key[1]!r} %}}", component.live_runtime.streams


def blocks_within(targets: frozenset[str], parents: Mapping[str, str | None]) -> set[str]:
    """``targets`` and every block inside one of them, by the parents of a render."""
    found: set[str] = set()
    for ident in parents:
        walk: str | None = ident
        while walk is not None and walk not in targets:
            walk = parents.get(walk)
        if walk is not None:
            found.add(ident)
    return found


def host_of(context: Context) -> ComponentHost:
    """The components of the page ``context`` renders: a live view's own, kept between its
    renders; the one a component's socket is mounting; or one for this render only."""
    root: Any = context.render_context.dicts[0]
    host: ComponentHost | None = root.get(HOST_KEY) or serving.get()
    if host is None:
        view = context.get("view")
        if isinstance(view, LiveViewMixin):
            runtime = view.live_runtime
            if not isinstance(runtime.components, ComponentHost):
                runtime.components = ComponentHost(view)
            host = runtime.components
        else:
            host = ComponentHost(None)
        root[HOST_KEY] = host
    return host


def render_component(
    context: Context, path: str, ident: str, args: Callable[[], Mapping[str, Any]]
) -> str:
    """``{% live_component path id=ident **args %}``; ``args()`` resolves the arguments, only
    when the component mounts."""
    return host_of(context).render(context, path, ident, args)
