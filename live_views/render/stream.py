"""``{% live_stream NAME as ITEM %}…{% endlive_stream %}``: the container of a view's stream
(live_views/streams.py) and its items, each in its own element keyed by the item's key. In a
live component's template it is the component's stream, under ids scoped by the component.

The container is a block of its own (its ``data-lv-v`` is a hash of the content it was first
sent with), so a reconnecting browser that still shows that content is sent nothing, and one
that does not gets the container whole. After that first render the container renders empty and
each queued operation becomes one out-of-band swap: bytes and time independent of the stream's
length. The browser's morph never touches a container's children (``data-live-stream``), so a
re-rendered block around it keeps the items the browser has.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.template import Context, NodeList, TemplateSyntaxError
from django.utils.html import conditional_escape

from live_views.render.blocks import LiveBlockNode
from live_views.render.collector import RenderedBlock, block_id, get_collector, version_of
from live_views.render.diff import TABLE_PARTS
from live_views.stream_ops import Delete, Operation, last_rows
from live_views.streams import Stream

# A reset is sent whatever the browser's version: each one gets a version of its own.
_resets = itertools.count(1)
# In a live component's render context: (what to call it, its streams), the streams its
# template's {% live_stream %} tags show (components/host.py) rather than the page's.
STREAMS_KEY = "live_views.streams"
# In the context of a stream item's render: the stream's name (components/host.py refuses to
# mount a component there).
STREAM_ITEM_KEY = "live_views.stream_item"


def stream_id(name: str, scope: str = "") -> str:
    return block_id(f"s-{name}", None, scope)


def item_id(name: str, key: object, scope: str = "") -> str:
    return block_id(f"s-{name}", key, scope)


def selector(ident: str) -> str:
    """The CSS selector of the element ``ident``: a key may keep "." in its id
    (render/collector.py), which a selector reads as a class unescaped."""
    return "#" + ident.replace(".", "\\.")


class LiveStreamNode(LiveBlockNode):
    """A ``LiveBlockNode`` so that template pruning keeps it whole, like a liveblock."""

    def __init__(
        self,
        name: str,
        var: str,
        nodelist: NodeList,
        tag: str,
        item_tag: str,
        css_class: Any,
    ) -> None:
        super().__init__(name, nodelist, None, tag, css_class)
        self.var = var
        self.item_tag = item_tag

    def __repr__(self) -> str:
        return f"<LiveStreamNode {self.name!r}>"

    def render(self, context: Context) -> str:
        stream = page_stream(context, self.name)
        stream.rendered, stream.hidden = True, False
        collector = get_collector(context)
        # A component's stream has ids of its own (lv-c<address>-s-NAME): two of its instances,
        # or it and the page, may each have a stream of one name.
        scope = collector.scope
        ident = stream_id(self.name, scope)
        fill, ops, reset = stream.take()
        body = ""
        if fill is not None:
            body = self.render_items(context, stream, within_limit(fill, stream.limit), scope)
            stream.version = version_of(f"{body}\x00{next(_resets)}" if reset else body)
        for op in ops:
            collector.stream_swaps.append(self.render_operation(context, stream, op, scope))
        if ident in collector.blocks:
            where = "in its component" if scope else "on the page"
            raise TemplateSyntaxError(f"stream {self.name!r} is rendered twice {where}.")
        attrs = f' id="{ident}" data-lv-v="{stream.version}" data-live-stream'
        if stream.limit:
            attrs += f' data-live-limit="{int(stream.limit)}"'
        if self.css_class is not None:
            attrs += f' class="{conditional_escape(self.css_class.resolve(context))}"'
        parent = collector.stack[-1] if collector.stack else None
        collector.blocks[ident] = RenderedBlock(
            id=ident,
            open_tag=f"<{self.tag}{attrs}>",
            skeleton=body,
            close_tag=f"</{self.tag}>",
            version=stream.version,
            parent=parent,
            swap="outerHTML",
        )
        if parent is not None:
            return collector.placeholder(ident)
        return collector.expand(ident)

    def render_items(
        self, context: Context, stream: Stream, items: Iterable[Any], scope: str
    ) -> str:
        return "".join(self.render_item(context, stream, item, scope) for item in items)

    def render_item(
        self, context: Context, stream: Stream, item: Any, scope: str, extra: str = ""
    ) -> str:
        with context.push({self.var: item, STREAM_ITEM_KEY: self.name}):
            inner = self.nodelist.render(context)
        ident = item_id(self.name, stream.key_of(item), scope)
        return f'<{self.item_tag} id="{ident}"{extra}>{inner}</{self.item_tag}>'

    def render_operation(self, context: Context, stream: Stream, op: Operation, scope: str) -> str:
        if isinstance(op, Delete):
            target = selector(item_id(self.name, op.key, scope))
            return f'<template hx-swap-oob="delete:{target}"></template>'
        if op.only_update:
            # Morphed where the browser shows it; a row it does not show (beyond the page's
            # limit, say) stays away.
            if self.item_tag not in TABLE_PARTS:
                return self.render_item(
                    context, stream, op.item, scope, ' hx-swap-oob="outerMorph"'
                )
            # A bare <tr> after a changed block's <div> is dropped by the parser (render/diff.py).
            ident = item_id(self.name, stream.key_of(op.item), scope)
            html = self.render_item(context, stream, op.item, scope)
            return f'<template id="{ident}" hx-swap-oob="outerMorph strip:true">{html}</template>'
        html = self.render_item(context, stream, op.item, scope)
        if op.after is not None:
            where = f"afterend:{selector(item_id(self.name, op.after, scope))}"
        elif op.at == 0:
            where = f"afterbegin:{selector(stream_id(self.name, scope))}"
        else:
            where = f"beforeend:{selector(stream_id(self.name, scope))}"
        return f'<template hx-swap-oob="{where}">{html}</template>'


def within_limit(items: Iterable[Any], limit: int | None) -> Iterable[Any]:
    """The items a stream's ``limit`` lets the browser keep (static/src/streams.js applies it
    after each update): its whole content is rendered within it too, so a page shows no more
    on load than once an item arrives."""
    if not limit:
        return items
    if limit > 0:
        # A queryset is cut in SQL; another iterable is read no further than the limit.
        return items[:limit] if isinstance(items, QuerySet) else itertools.islice(items, limit)
    if isinstance(items, QuerySet):
        # The last rows, cut in SQL too (a chat's limit=-200 over a room's whole history reads
        # 200 rows, not the history).
        return last_rows(items, -limit)
    return collections.deque(items, maxlen=-limit)


def page_stream(context: Context, name: str) -> Stream:
    root: Any = context.render_context.dicts[0]
    component = root.get(STREAMS_KEY)
    if component is not None:
        owner, streams = component
        stream = streams.get(name)
        if not isinstance(stream, Stream):
            raise TemplateSyntaxError(
                f"{{% live_stream {name} %}} in the template of {owner}: the "
                f"component has no stream {name!r}; declare it with self.live_stream({name!r}, "
                "items) in the component's mount() or get_context_data() (a component shows "
                "its own streams, not its page's)."
            )
        return stream
    # Duck-typed: render/ does not import the views (every live view has a live_runtime).
    view = context.get("view")
    streams = getattr(getattr(view, "live_runtime", None), "streams", None)
    stream = streams.get(name) if streams is not None else None
    if not isinstance(stream, Stream):
        raise TemplateSyntaxError(
            f"{{% live_stream {name} %}}: the view has no stream {name!r}; declare it with "
            f"self.live_stream({name!r}, items) in get_context_data() (the template's `view` "
            "must be a live view)."
        )
    return stream
