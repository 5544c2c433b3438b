"""live_views/socket/turn.py: a page's turn, taken in arrival order, and taken at once by an idle
page's broadcast refresh only when nobody waits for it."""

from __future__ import annotations

import asyncio

from live_views.socket.turn import Turn


async def test_turns_are_taken_in_arrival_order():
    turn, order = Turn(), []

    async def take(name: str) -> None:
        async with turn:
            order.append(name)
            await asyncio.sleep(0)

    await turn.acquire()
    tasks = [asyncio.create_task(take(name)) for name in "abc"]
    await asyncio.sleep(0)
    turn.release()
    await asyncio.gather(*tasks)
    assert order == ["a", "b", "c"]
    assert not turn.locked()


async def test_a_turn_is_taken_at_once_only_when_free_and_nobody_waits():
    turn = Turn()
    assert turn.try_take()
    assert not turn.try_take()  # held
    waiter = asyncio.create_task(turn.acquire())
    await asyncio.sleep(0)
    turn.release()  # handed to the waiter, never free in between
    assert not turn.try_take()
    await waiter
    turn.release()
    assert turn.try_take()


async def test_a_cancelled_waiter_passes_the_turn_on():
    turn = Turn()
    await turn.acquire()
    first = asyncio.create_task(turn.acquire())
    second = asyncio.create_task(turn.acquire())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    turn.release()
    await asyncio.wait_for(second, 1)  # the cancelled one is skipped
    assert turn.locked()
    turn.release()
    assert not turn.locked()
