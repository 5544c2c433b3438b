"""One copy per process of values that many pages hold equal (strings of their requests, their
visitors' headers): a page keeps its request for as long as its socket is open, so a copy per
page would cost memory per page (docs/benchmarks.md, memory), and equal values held once also
compare by identity first."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class Interned(Generic[T]):
    """The process's copy of each value it is given (the value itself, the first time).
    Bounded: when full it starts again; the pages keep the copies they hold."""

    __slots__ = ("copies", "limit")

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self.copies: dict[T, T] = {}

    def __call__(self, value: T) -> T:
        found = self.copies.get(value)
        if found is None:
            if len(self.copies) >= self.limit:
                self.copies.clear()
            found = self.copies[value] = value
        return found
