"""Just enough of a DOM to apply our out-of-band block swaps to a page's HTML, for tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from live_views.connect import wire

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_OOB_ATTR_RE = re.compile(r'\s+hx-swap-oob="[^"]*"')
# A stream's container or item: the page's (lv-s-…) or a component's (lv-c<address>-s-…,
# render/collector.py), its address of the form the server gives one (components/host.py).
_STREAM_ID_RE = re.compile(f"lv-(?:c{wire.COMPONENT_ADDRESS_PATTERN}-)?s-")
_MORPH = "outerMorph"  # what the server sends a block as (render/diff.py)
_IGNORE = "data-live-ignore"  # a morph leaves it as the page has it (static/src/live_views.js)
_STREAM = "data-live-stream"  # a morph leaves its children as the page has them


@dataclass(frozen=True)
class Span:
    start: int  # the element's "<"
    inner_start: int
    inner_end: int
    end: int  # just past its closing tag


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str | None]
    span: Span
    parent: int | None  # the start of its parent element; None at the top level


class _IdSpans(HTMLParser):
    """Records every element's span, attributes and parent; and which of them have an id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self._html = html
        self._stack: list[tuple[str, dict[str, str | None], int, int]] = []
        self.elements: dict[int, Element] = {}  # by start
        self.feed(html)
        self.close()
        while self._stack:  # left open ("<html>" with no end tag): it ends with the HTML
            tag, attrs, start, inner_start = self._stack.pop()
            parent = self._stack[-1][2] if self._stack else None
            span = Span(start, inner_start, len(html), len(html))
            self.elements[start] = Element(tag, attrs, span, parent)
        ordered = sorted(self.elements.values(), key=lambda element: element.span.start)
        self.ends = {element.span.start: element.span for element in ordered}
        self.all_by_id: dict[str, list[Element]] = {}
        for element in ordered:
            if ident := element.attrs.get("id"):
                self.all_by_id.setdefault(ident, []).append(element)
        # As getElementById: the first element with the id, in the page's order.
        self.spans = {ident: found[0].span for ident, found in self.all_by_id.items()}
        self.top_elements = [element for element in ordered if element.parent is None]
        self.top_level = [e.attrs["id"] or "" for e in self.top_elements if e.attrs.get("id")]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        parent = self._stack[-1][2] if self._stack else None
        if tag in _VOID:
            at = start + len(text)
            self.elements[start] = Element(tag, dict(attrs), Span(start, at, at, at), parent)
            return
        self._stack.append((tag, dict(attrs), start, start + len(text)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return  # "<br/>" is reported as a start tag and an end tag
        position = self._offset()
        end = self._html.index(">", position) + 1
        while self._stack:
            open_tag, attrs, start, inner_start = self._stack.pop()
            parent = self._stack[-1][2] if self._stack else None
            span = Span(start, inner_start, position, end)
            self.elements[start] = Element(open_tag, attrs, span, parent)
            if open_tag == tag:
                break


@dataclass
class _Task:
    """One out-of-band swap of a frame, as htmx queues it: its target is found before any swap
    of the frame runs (``target`` is that element's start in the page before the frame)."""

    style: str
    target: int
    html: str  # what is swapped in: the element, or a template's content
    template: bool  # the swap came in a <template> (a stream item, a table's part)


# Marks the elements the frame's swaps target while they are applied, so that a swap finds
# the very element htmx found before the frame (or none, if an earlier swap removed it).
_MARK = "data-lv-testing-target"
_MARK_RE = re.compile(f' {_MARK}="[0-9]+"')


def apply_swaps(page: str, content: str) -> str:
    """Apply ``content``'s out-of-band swaps to ``page`` as htmx and the browser's glue do. Every
    swap's target is found first, in the page as it was before the frame: an element with an id
    morphs the page's element with that id (a morph keeps the children of a stream's container);
    a ``<template hx-swap-oob="STYLE:#ID">`` inserts a stream item, or deletes one. An insert of
    an item the page shows becomes a morph of it, unless an earlier swap of the frame deletes it
    (static/src/streams.js). Then the swaps run in order; one whose target an earlier swap
    removed changes nothing. Stream limits are applied after."""
    before = _IdSpans(page)
    tasks = [
        task
        for element in _IdSpans(content).top_elements
        for task in _tasks(before, content, element)
    ]
    if not tasks:
        return _apply_limits(page) if "data-live-limit" in page else page
    touched = _prepare_stream_tasks(before, tasks)
    for position in sorted({task.target for task in tasks}, reverse=True):
        page = _marked(page, position, before.elements[position].tag, str(position))
    for task in tasks:
        page = _run(page, task)
    for ident in touched:  # the items changed: a reconnect is sent the stream whole
        page = re.sub(f'(id="{re.escape(ident)}" data-lv-v=")[^"]*"', r'\1"', page)
    page = _MARK_RE.sub("", page)
    return _apply_limits(page) if "data-live-limit" in page else page


def _tasks(before: _IdSpans, content: str, element: Element) -> list[_Task]:
    span = element.span
    oob = element.attrs.get("hx-swap-oob") or ""
    inner = content[span.inner_start : span.inner_end]
    if element.tag == "template" and oob.endswith(" strip:true"):
        # A part of a table, in a template (render/diff.py): its content is the block.
        ident, style, block = element.attrs.get("id") or "", oob.split()[0], True
        html = inner.strip()
    elif element.tag == "template" and ":" in oob:
        # As htmx 4 reads "style:selector": split at the last colon that has something after it.
        split = _OOB_RE.match(oob)
        if split is None:
            raise AssertionError(f"unexpected stream swap {oob!r}")
        style, selector = split.groups()
        ident, html, block = css_id(selector), inner, False
    elif element.attrs.get("id"):
        ident, style, block = element.attrs["id"] or "", oob or _MORPH, True
        html = _OOB_ATTR_RE.sub("", content[span.start : span.inner_start], count=1)
        html += content[span.inner_start : span.end]
    else:
        return []
    targets = before.all_by_id.get(ident, [])  # as querySelectorAll: every element with the id
    if not targets and block and not _STREAM_ID_RE.match(ident):
        # A server's mistake. (An update of a stream item the page does not show, one beyond
        # its limit, say, finds no target in the browser either: it changes nothing.)
        raise AssertionError(f"the server sent block {ident!r}, which the page does not have")
    template = element.tag == "template"
    return [_Task(style, target.span.start, html, template) for target in targets]


def _prepare_stream_tasks(before: _IdSpans, tasks: list[_Task]) -> list[str]:
    """As the glue's prepareStreamTasks, before any swap runs: an insert of an item the page
    shows in a stream morphs that item, unless an earlier task deletes it. Returns the stream
    containers the frame changes."""
    touched: list[str] = []
    gone: set[int] = set()
    for task in tasks:
        found = _closest(before, task.target, _STREAM)
        container = found.attrs.get("id") if found is not None else None
        if container is not None and container not in touched:
            touched.append(container)
        if task.style == "delete":
            gone.add(task.target)
        item = _IdSpans(task.html).top_elements if task.template else []
        shown = before.all_by_id.get(item[0].attrs.get("id") or "", []) if item else []
        if not shown or shown[0].span.start in gone:
            continue
        parent = before.elements.get(shown[0].parent) if shown[0].parent is not None else None
        if parent is not None and _STREAM in parent.attrs:
            task.target, task.style = shown[0].span.start, _MORPH
    return touched


def _closest(parsed: _IdSpans, start: int | None, attribute: str) -> Element | None:
    """The element at ``start``, or the nearest around it, that has ``attribute``."""
    while start is not None:
        element = parsed.elements[start]
        if attribute in element.attrs:
            return element
        start = element.parent
    return None


def _run(page: str, task: _Task) -> str:
    parsed = _IdSpans(page)
    mark = str(task.target)
    found = [e for e in parsed.elements.values() if e.attrs.get(_MARK) == mark]
    if not found:
        return page  # an earlier swap of the frame removed it: htmx swaps a detached element
    target = found[0].span
    at = {
        "delete": (target.start, target.end),
        "beforeend": (target.inner_end, target.inner_end),
        "afterbegin": (target.inner_start, target.inner_start),
        "afterend": (target.end, target.end),
        "beforebegin": (target.start, target.start),
        "outerHTML": (target.start, target.end),
    }.get(task.style)
    if at is not None:
        html = "" if task.style == "delete" else task.html
        return page[: at[0]] + html + page[at[1] :]
    if task.style != _MORPH:
        raise AssertionError(f"unexpected swap style {task.style!r}")
    old_outer = page[target.start : target.end]
    new_outer = _keep_ignored(old_outer, _keep_stream_items(old_outer, task.html))
    new_outer = _keep_marks(page, target, new_outer)
    return page[: target.start] + new_outer + page[target.end :]


def _keep_ignored(old_outer: str, new_outer: str) -> str:
    """A morph leaves an element marked ``data-live-ignore`` as the page has it, attributes and
    content (htmx's ``morphSkip``, static/src/live_views.js): the block itself, or an element
    in it whose id the new markup has once, with the same tag. An ignored element without an id
    is refused (``_refuse_unpaired``)."""
    if _IGNORE not in old_outer:
        return new_outer
    old = _IdSpans(old_outer)
    if _IGNORE in old.top_elements[0].attrs:
        return old_outer
    _refuse_unpaired(old, old_outer)
    new = _IdSpans(new_outer)
    for was, now in _kept_by_morph(old, new):
        if _IGNORE not in was.attrs or _closest(old, was.parent, _IGNORE) is not None:
            continue  # not ignored, or inside an ignored element kept whole already
        start, end = now.span.start, now.span.end
        new_outer = new_outer[:start] + old_outer[was.span.start : was.span.end] + new_outer[end:]
    return new_outer


def _refuse_unpaired(old: _IdSpans, old_outer: str) -> None:
    """htmx's morph pairs the page's elements without an id with the new markup's by tag and
    place: each new element takes the next page element of its tag (one equal to it first),
    unless that one is equal to a later new sibling. So an ignored element without an id can
    stay in the place of a new element of its tag (which then never shows), and whether it
    does depends on what the page's scripts did to it: one a widget drew into takes the place
    of a new sibling of its tag before it and comes again, empty, after it; one left as the
    server sent it is equal to its new markup and does not (checked in Chromium,
    tests/test_browser_test_client.py). The page this test client keeps is the server's
    markup: it cannot know which the browser shows, and says so instead of guessing."""
    for element in old.elements.values():
        if _IGNORE not in element.attrs or element.attrs.get("id"):
            continue
        if _closest(old, element.parent, _IGNORE) or _closest(old, element.parent, _STREAM):
            continue  # inside an element the morph keeps whole (an ignored one, a stream)
        block = old.top_elements[0].attrs.get("id")
        tag = _MARK_RE.sub("", old_outer[element.span.start : element.span.inner_start])
        raise AssertionError(
            f"block {block!r} was morphed around {tag}, an element marked {_IGNORE} without "
            "an id: the browser pairs it with the new markup by tag and place, so it can take "
            "the place of a new element of its tag (which then never shows), and whether it "
            "does depends on what the page's scripts did to it, which this test client cannot "
            "see. Give the element an id, unique on the page."
        )


def _kept_by_morph(old: _IdSpans, new: _IdSpans) -> list[tuple[Element, Element]]:
    """The elements a morph keeps, as (old, new) pairs: those whose id each side has once, with
    one tag. Last in the new markup first, so each can be edited without moving the others."""
    pairs = []
    for ident, news in new.all_by_id.items():
        olds = old.all_by_id.get(ident, [])
        if len(olds) == 1 and len(news) == 1 and olds[0].tag == news[0].tag:
            pairs.append((olds[0], news[0]))
    return sorted(pairs, key=lambda pair: pair[1].span.start, reverse=True)


def _keep_marks(page: str, target: Span, new_outer: str) -> str:
    """A morph keeps the elements whose id both sides have once, with one tag: the marks of
    targets among them stay, so later swaps of the frame still find them."""
    old = _IdSpans(page[target.start : target.end])
    for was, now in _kept_by_morph(old, _IdSpans(new_outer)):
        mark = was.attrs.get(_MARK)
        if mark is not None and _MARK not in now.attrs:
            new_outer = _marked(new_outer, now.span.start, now.tag, mark)
    return new_outer


def _marked(html: str, start: int, tag: str, mark: str) -> str:
    name_end = start + 1 + len(tag)
    return f'{html[:name_end]} {_MARK}="{mark}"{html[name_end:]}'


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
    return re.findall(r'<[a-z][^>]*?\sid="(lv-[^"]+)"[^>]*?\sdata-live-stream[\s>]', html)


def _keep_stream_items(old_outer: str, new_outer: str) -> str:
    """A morph leaves a stream container's children, and its version, as the page has them."""
    for ident in _stream_containers(new_outer):
        current = _IdSpans(old_outer).spans.get(ident)
        incoming = _IdSpans(new_outer).spans[ident]
        if current is not None:
            items = old_outer[current.inner_start : current.inner_end]
            new_outer = new_outer[: incoming.inner_start] + items + new_outer[incoming.inner_end :]
            version = re.search(f'id="{re.escape(ident)}" data-lv-v="([^"]*)"', old_outer)
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
    for ident, limit in re.findall(r'id="(lv-[^"]+)"[^>]*?data-live-limit="(-?\d+)"', page):
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
