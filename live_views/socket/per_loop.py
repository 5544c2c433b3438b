"""One instance per event loop: each loop has its own worker-thread hop and its own queues, and
an instance dies with its loop (tests start and close many)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def per_loop(make: Callable[[], T]) -> Callable[[], T]:
    """A getter for the running loop's instance, made by ``make`` on first use."""
    instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()
    # The loop asked for last and its instance, both weakly (an instance still dies with its
    # loop): a fan-out asks once per page, and a weak dictionary makes a weak reference of the
    # loop on every look-up.
    last: tuple[weakref.ref[Any], weakref.ref[Any]] | None = None

    def get() -> T:
        nonlocal last
        loop = asyncio.get_running_loop()
        if last is not None and last[0]() is loop:
            found: T | None = last[1]()
            if found is not None:
                return found
        found = instances.get(loop)
        if found is None:
            found = instances[loop] = make()
        last = (weakref.ref(loop), weakref.ref(found))
        return found

    return get
