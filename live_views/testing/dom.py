"""Just enough of a DOM to apply our out-of-band block swaps to a page's HTML, for tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_OOB_ATTR_RE = re.compile(r'\s+hx-swap-oob="[^"]*"')


@dataclass(frozen=True)
class Span:
    start: int  # the element's "<"
    inner_start: int
    inner_end: int
    end: int  # just past its closing tag


class _IdSpans(HTMLParser):
    """Records the span of every element that has an id, plus top-level element order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self._html = html
        self._stack: list[tuple[str, str | None, int, int]] = []
        self.spans: dict[str, Span] = {}
        self.top_level: list[str] = []
        self.top_elements: list[tuple[str, dict[str, str | None], int]] = []  # tag, attrs, start
        self.ends: dict[int, Span] = {}  # every element's span, by its start
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        ident = dict(attrs).get("id")
        if tag in _VOID:
            if ident:
                self.spans[ident] = Span(
                    start, start + len(text), start + len(text), start + len(text)
                )
            return
        if not self._stack:
            if ident:
                self.top_level.append(ident)
            self.top_elements.append((tag, dict(attrs), start))
        self._stack.append((tag, ident, start, start + len(text)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return  # "<br/>" is reported as a start tag and an end tag
        position = self._offset()
        end = self._html.index(">", position) + 1
        while self._stack:
            open_tag, ident, start, inner_start = self._stack.pop()
            self.ends[start] = Span(start, inner_start, position, end)
            if ident:
                self.spans[ident] = self.ends[start]
            if open_tag == tag:
                break


def apply_swaps(page: str, content: str) -> str:
    """Apply ``content``'s out-of-band swaps to ``page`` in order, as htmx does: an element with
    an id replaces the page's element with that id (a morph keeps the children of a stream's
    container); a ``<template hx-swap-oob="STYLE:#ID">`` inserts a stream item (or updates it
    where the page has its id) or deletes one. Stream limits are applied after."""
    updates = _IdSpans(content)
    for tag, attrs, start in updates.top_elements:
        span = updates.ends[start]
        oob = attrs.get("hx-swap-oob") or ""
        inner = content[span.inner_start : span.inner_end]
        if tag == "template" and oob.endswith(" strip:true"):
            # A part of a table, in a template (render/diff.py): its content is the block.
            page = _replace_block(page, attrs.get("id") or "", inner.strip(), oob.split()[0])
        elif tag == "template" and ":" in oob:
            page = _stream_swap(page, oob, inner)
        elif attrs.get("id"):
            new_outer = _OOB_ATTR_RE.sub("", content[span.start : span.inner_start], count=1)
            new_outer += content[span.inner_start : span.end]
            page = _replace_block(page, attrs["id"] or "", new_outer, oob)
    return _apply_limits(page) if "data-live-limit" in page else page


def _replace_block(page: str, ident: str, new_outer: str, oob: str) -> str:
    target = _IdSpans(page).spans.get(ident)
    if target is None:
        if ident.startswith("lv-s-"):
            return page  # a stream item the page does not show: htmx finds no target either
        raise AssertionError(f"the server sent block {ident!r}, which the page does not have")
    if oob != "outerHTML":
        new_outer = _keep_stream_items(page, new_outer)
    return page[: target.start] + new_outer + page[target.end :]


def _stream_swap(page: str, oob: str, item: str) -> str:
    """One stream operation; the container's version is then unknown (the browser's glue does
    the same), so a reconnect is sent the stream whole unless it is as first rendered."""
    # As htmx 4 reads "style:selector": split at the last colon that has something after it.
    split = _OOB_RE.match(oob)
    if split is None:
        raise AssertionError(f"unexpected stream swap {oob!r}")
    style, selector = split.groups()
    ident = css_id(selector)
    for container in _stream_containers(page):
        if ident == container or ident.startswith(f"{container}-"):
            page = re.sub(f'(id="{re.escape(container)}" data-lv-v=")[^"]*"', r'\1"', page)
    spans = _IdSpans(page).spans
    target = spans.get(ident)
    if style != "delete":
        item_id = _IdSpans(item).top_level[0]
        existing = spans.get(item_id)
        if existing is not None:  # insert of an item the page shows: updated in place
            return page[: existing.start] + item + page[existing.end :]
    if target is None:
        return page
    at = {
        "delete": (target.start, target.end),
        "beforeend": (target.inner_end, target.inner_end),
        "afterbegin": (target.inner_start, target.inner_start),
        "afterend": (target.end, target.end),
        "beforebegin": (target.start, target.start),
    }.get(style)
    if at is None:
        raise AssertionError(f"unexpected stream swap {oob!r}")
    return page[: at[0]] + ("" if style == "delete" else item) + page[at[1] :]


def css_id(selector: str) -> str:
    """The id an ``#ID`` selector names, read as a browser's ``querySelectorAll`` reads it:
    backslash escapes undone. A selector that is more than one id (``#a.b`` is an id and a
    class; ``#a:1`` a pseudo-class) matches nothing or throws in a browser: an error here."""
    match = _CSS_ID_RE.fullmatch(selector)
    if match is None:
        raise AssertionError(f"{selector!r} is not an id selector a browser would match")
    return re.sub(r"\\(.)", r"\1", match.group(1))


_OOB_RE = re.compile(r"(\S+):(.+)")
_CSS_ID_RE = re.compile(r"#((?:[A-Za-z0-9_\-\u0080-\U0010ffff]|\\[^\n0-9a-fA-F])+)")


def _stream_containers(html: str) -> list[str]:
    return re.findall(r'<[a-z][^>]*?\sid="(lv-s-[^"]+)"[^>]*?\sdata-live-stream[\s>]', html)


def _keep_stream_items(page: str, new_outer: str) -> str:
    """A morph leaves a stream container's children, and its version, as the page has them."""
    for ident in _stream_containers(new_outer):
        current = _IdSpans(page).spans.get(ident)
        incoming = _IdSpans(new_outer).spans[ident]
        if current is not None:
            items = page[current.inner_start : current.inner_end]
            new_outer = new_outer[: incoming.inner_start] + items + new_outer[incoming.inner_end :]
            version = re.search(f'id="{re.escape(ident)}" data-lv-v="([^"]*)"', page)
            if version is not None:
                prefix = f'id="{ident}" data-lv-v="'
                start = new_outer.index(prefix) + len(prefix)
                end = new_outer.index('"', start)
                new_outer = new_outer[:start] + version.group(1) + new_outer[end:]
    return new_outer


def _stream_items(page: str, container: Span) -> list[Span]:
    parsed = _IdSpans(page)
    children: list[Span] = []
    for span in sorted(parsed.ends.values(), key=lambda span: span.start):
        inside = container.inner_start <= span.start and span.end <= container.inner_end
        if inside and (not children or span.start >= children[-1].end):
            children.append(span)
    return children


def _apply_limits(page: str) -> str:
    for ident, limit in re.findall(r'id="(lv-s-[^"]+)"[^>]*?data-live-limit="(-?\d+)"', page):
        container = _IdSpans(page).spans[ident]
        items = _stream_items(page, container)
        bound = abs(int(limit))
        if len(items) <= bound:
            continue
        drop = items[bound:] if int(limit) > 0 else items[: len(items) - bound]
        for span in reversed(drop):
            page = page[: span.start] + page[span.end :]
    return page


def inner_html(page: str, ident: str) -> str:
    span = _IdSpans(page).spans.get(ident)
    if span is None:
        raise KeyError(f"no element with id {ident!r} on the page")
    return page[span.inner_start : span.inner_end]
