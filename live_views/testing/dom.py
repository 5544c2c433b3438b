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
        if not self._stack and ident:
            self.top_level.append(ident)
        self._stack.append((tag, ident, start, start + len(text)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return  # "<br/>" is reported as a start tag and an end tag
        position = self._offset()
        end = self._html.index(">", position) + 1
        while self._stack:
            open_tag, ident, start, inner_start = self._stack.pop()
            if ident:
                self.spans[ident] = Span(start, inner_start, position, end)
            if open_tag == tag:
                break


def apply_swaps(page: str, content: str) -> str:
    """Replace each top-level element of ``content`` into ``page`` by id (outer HTML)."""
    updates = _IdSpans(content)
    for ident in updates.top_level:
        span = updates.spans[ident]
        new_outer = _OOB_ATTR_RE.sub("", content[span.start : span.inner_start], count=1)
        new_outer += content[span.inner_start : span.end]
        target = _IdSpans(page).spans.get(ident)
        if target is None:
            raise AssertionError(f"the server sent block {ident!r}, which the page does not have")
        page = page[: target.start] + new_outer + page[target.end :]
    return page


def inner_html(page: str, ident: str) -> str:
    span = _IdSpans(page).spans.get(ident)
    if span is None:
        raise KeyError(f"no element with id {ident!r} on the page")
    return page[span.inner_start : span.inner_end]
