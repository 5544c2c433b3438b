"""live_views/stream_ops.py: operations queued on a stream's content before its first render
show, within the stream's limit, what they show applied in turn to the whole content; and a
queryset is read no further than the limit (plus one row per delete) needs."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from live_views.render.stream import within_limit
from live_views.stream_ops import Delete, Insert, Operation, edited, queue_folded
from tests.todoapp.models import Board, Task


def whole(items: Iterable[Any], ops: list[Operation], key_of: Callable[[Any], object]) -> list[Any]:
    """The operations applied in turn to the whole content, as streams.py did before it kept
    them for the render (each one read the content whole)."""
    items = list(items)
    for op in ops:
        keys = [key_of(item) for item in items]
        key = op.key if isinstance(op, Delete) else key_of(op.item)
        if key in keys:
            index = keys.index(key)
            if isinstance(op, Delete):
                del items[index]
            else:
                items[index] = op.item
        elif isinstance(op, Insert) and not op.only_update:
            if op.after is not None and op.after in keys:
                items.insert(keys.index(op.after) + 1, op.item)
            elif op.at == 0:
                items.insert(0, op.item)
            else:
                items.append(op.item)
    return items


def shown(items: Iterable[Any], limit: int | None) -> list[Any]:
    return list(within_limit(items, limit))


def random_ops(rng: random.Random, keys: int, make: Callable[[int, int], Any]) -> list[Operation]:
    ops: list[Operation] = []
    for version in range(rng.randrange(9)):
        key = rng.randrange(keys)
        if rng.random() < 0.35:
            ops.append(Delete(key))
        else:
            after = rng.randrange(keys) if rng.random() < 0.3 else None
            only_update = rng.random() < 0.25
            ops.append(Insert(make(key, version), rng.choice((0, -1)), after, only_update))
    return ops


def folded(ops: list[Operation], key_of: Callable[[Any], object]) -> list[Operation]:
    queued: list[Operation] = []
    for op in ops:
        queue_folded(queued, op, key_of)
    return queued


def item_key(item: tuple[int, int]) -> object:
    return item[0]


@pytest.mark.parametrize("seed", range(400))
def test_what_a_limit_shows_is_what_the_operations_on_the_whole_content_show(seed):
    rng = random.Random(seed)
    content = [(key, -1) for key in rng.sample(range(20), rng.randrange(12))]
    limit = rng.choice((None, *range(1, 7), *range(-6, 0)))
    ops = random_ops(rng, 20, lambda key, version: (key, version))
    # A generator: read once, as far as the limit needs.
    got = edited(iter(content), folded(ops, item_key), limit, item_key, item_key)
    assert shown(got, limit) == shown(whole(content, ops, item_key), limit)


@pytest.fixture
def tasks(db) -> list[Task]:
    board = Board.objects.create(name="b")
    return Task.objects.bulk_create(Task(board=board, title=f"t{n}") for n in range(30))


def titles(items: Iterable[Task]) -> list[str]:
    return [task.title for task in items]


def test_a_limited_queryset_reads_its_first_rows_and_one_per_delete(tasks):
    elsewhere = Task(pk=1000, board=tasks[0].board, title="not in the queryset")
    ops: list[Operation] = [
        Delete(tasks[0].pk),  # pulls t3 into view
        Insert(elsewhere, at=0),  # shown first
        Insert(Task(pk=1001, title="appended"), at=-1),  # after the first three: not shown
        Delete(tasks[25].pk),  # out of view: nothing to show
    ]
    with CaptureQueriesContext(connection) as queries:
        got = edited(Task.objects.order_by("pk"), ops, 3, _pk, "pk")
    assert titles(shown(got, 3)) == ["not in the queryset", "t1", "t2"]
    read, looked_up = (q["sql"] for q in queries.captured_queries)
    assert read.endswith("LIMIT 5")  # 3 shown, 2 deletes
    # Whether the inserted keys are rows further on, which an insert updates out of view.
    assert " IN (1000, 1001)" in looked_up


def test_an_insert_of_a_row_further_on_updates_it_out_of_view_as_on_the_whole_content(tasks):
    # The row is in the queryset, after what the limit shows: inserting a key the content has
    # updates that item where it is (and inserting after it puts the new item out of view).
    ops: list[Operation] = [
        Insert(Task(pk=tasks[20].pk, title="t20 edited"), at=0),
        Insert(Task(pk=1000, title="after t20"), at=0, after=tasks[20].pk),
    ]
    got = edited(Task.objects.order_by("pk"), ops, 3, _pk, "pk")
    assert titles(shown(got, 3)) == ["t0", "t1", "t2"]
    assert titles(shown(got, 3)) == titles(shown(whole(Task.objects.order_by("pk"), ops, _pk), 3))


def test_a_key_that_no_query_can_look_up_reads_the_keys_of_the_rest(tasks):
    def by_title(task: Task) -> object:
        return task.title  # a function of the item: no field to filter on

    ops: list[Operation] = [Insert(Task(pk=tasks[20].pk, title="t20"), at=0)]
    with CaptureQueriesContext(connection) as queries:
        got = edited(Task.objects.order_by("pk"), ops, 3, by_title, by_title)
    assert titles(shown(got, 3)) == ["t0", "t1", "t2"]  # t20 is further on: updated there
    first, rest = (q["sql"] for q in queries.captured_queries)
    assert first.endswith("LIMIT 3")
    assert rest.endswith("OFFSET 3")


def test_a_key_its_field_cannot_hold_is_looked_for_in_the_rest(tasks):
    # "t5" can be no task's primary key (the query would refuse it): the keys are read instead.
    ops: list[Operation] = [Insert(Task(pk=1000, title="new"), at=0, after="t5")]
    got = edited(Task.objects.order_by("pk"), ops, 3, _pk, "pk")
    assert titles(shown(got, 3)) == ["new", "t0", "t1"]


@pytest.mark.parametrize("seed", range(80))
def test_what_a_limit_shows_of_a_queryset_is_what_the_whole_queryset_shows(tasks, seed):
    rng = random.Random(seed)
    first = tasks[0].pk
    queryset = Task.objects.order_by("pk")
    if rng.random() < 0.5:
        queryset = queryset.filter(pk__lt=first + rng.randrange(12))
    else:  # a slice, which no lookup by key may filter
        queryset = queryset[: rng.randrange(12)]
    limit = rng.choice((None, *range(1, 7), *range(-6, 0)))
    ops = random_ops(rng, 20, lambda key, version: Task(pk=first + key, title=f"{key}.{version}"))
    ops = [Delete(first + op.key) if isinstance(op, Delete) else op for op in ops]
    ops = [op if isinstance(op, Delete) or op.after is None else _after(op, first) for op in ops]
    got = edited(queryset, folded(ops, _pk), limit, _pk, "pk")
    assert titles(shown(got, limit)) == titles(shown(whole(queryset, ops, _pk), limit))


def test_a_queryset_shown_by_its_last_rows_reads_its_last_rows_and_one_per_delete(tasks):
    # A chat's limit=-3, with operations queued before its first render: the room's history is
    # not read, only its last rows (cut in SQL, in reverse), as without operations.
    elsewhere = Task(pk=1000, board=tasks[0].board, title="appended")
    ops: list[Operation] = [
        Delete(tasks[29].pk),  # pulls t26 into view
        Insert(elsewhere, at=-1),  # shown last
        Insert(Task(pk=1001, title="at the start"), at=0),  # before the history: not shown
        Insert(Task(pk=tasks[2].pk, title="t2 edited"), at=-1),  # an earlier row: updated there
    ]
    with CaptureQueriesContext(connection) as queries:
        got = edited(Task.objects.order_by("pk"), ops, -3, _pk, "pk")
    assert titles(shown(got, -3)) == ["t27", "t28", "appended"]
    assert titles(shown(got, -3)) == titles(shown(whole(Task.objects.order_by("pk"), ops, _pk), -3))
    read, looked_up = (q["sql"] for q in queries.captured_queries)
    assert "DESC" in read  # the last rows first
    assert read.endswith("LIMIT 4")  # 3 shown, 1 delete
    assert f" IN (1000, 1001, {tasks[2].pk})" in looked_up


def test_the_last_rows_with_a_key_no_query_can_look_up_read_the_keys_of_the_rest(tasks):
    def by_title(task: Task) -> object:
        return task.title

    ops: list[Operation] = [Insert(Task(pk=tasks[5].pk, title="t5"), at=-1)]  # an earlier row
    with CaptureQueriesContext(connection) as queries:
        got = edited(Task.objects.order_by("pk"), ops, -3, by_title, by_title)
    assert titles(shown(got, -3)) == ["t27", "t28", "t29"]  # t5 is updated where it is
    last, rest = (q["sql"] for q in queries.captured_queries)
    assert last.endswith("LIMIT 3")
    assert rest.endswith("OFFSET 3")

    # Unordered: the rows are counted once, for the last ones and for the rest before them.
    with CaptureQueriesContext(connection) as queries:
        got = edited(Task.objects.order_by(), ops, -3, by_title, by_title)
    assert titles(shown(got, -3)) == ["t27", "t28", "t29"]
    counted, last, rest = (q["sql"] for q in queries.captured_queries)
    assert "COUNT(" in counted
    assert last.endswith("OFFSET 27")
    assert rest.endswith("LIMIT 27")


def test_an_unordered_or_sliced_queryset_shown_by_its_last_rows_reads_no_row_before_them(tasks):
    # No order to reverse: the rows are counted, then read from the offset of the last ones.
    # Read whole, a chat room's history without an order_by() reached Python to show 3 rows.
    for queryset, expected, cut in (
        (Task.objects.order_by(), ["t27", "t28", "t29"], "OFFSET 27"),
        (Task.objects.order_by("pk")[5:20], ["t17", "t18", "t19"], "LIMIT 3 OFFSET 17"),
    ):
        with CaptureQueriesContext(connection) as queries:
            got = shown(queryset, -3)
        assert titles(got) == expected
        counted, read = (q["sql"] for q in queries.captured_queries)
        assert "COUNT(" in counted
        assert read.endswith(cut)

    ops: list[Operation] = [Delete(tasks[29].pk), Insert(Task(pk=1000, title="new"), at=-1)]
    with CaptureQueriesContext(connection) as queries:
        got = edited(Task.objects.order_by(), ops, -3, _pk, "pk")
    assert titles(shown(got, -3)) == ["t27", "t28", "new"]
    counted, read, looked_up = (q["sql"] for q in queries.captured_queries)
    assert read.endswith("OFFSET 26")  # 3 shown, 1 delete
    assert " IN (1000)" in looked_up


@pytest.mark.parametrize("seed", range(200))
def test_what_the_last_rows_show_of_a_queryset_is_what_the_whole_queryset_shows(tasks, seed):
    rng = random.Random(seed)
    first = tasks[0].pk
    order = rng.choice((("pk",), ("-pk",), ()))  # (): no order, the database's
    queryset = Task.objects.filter(pk__lt=first + rng.randrange(4, 30)).order_by(*order)
    if rng.random() < 0.3:  # a slice: neither reversed nor looked up in
        queryset = queryset[rng.randrange(4) : rng.randrange(4, 30)]
    limit = -rng.randrange(1, 7)
    ops = random_ops(rng, 32, lambda key, version: Task(pk=first + key, title=f"{key}.{version}"))
    ops = [Delete(first + op.key) if isinstance(op, Delete) else op for op in ops]
    ops = [op if isinstance(op, Delete) or op.after is None else _after(op, first) for op in ops]
    got = edited(queryset, folded(ops, _pk), limit, _pk, "pk")
    assert titles(shown(got, limit)) == titles(shown(whole(queryset, ops, _pk), limit))


def _pk(task: Task) -> object:
    return task.pk


def _after(op: Insert, first: int) -> Insert:
    return Insert(op.item, op.at, first + int(op.after), op.only_update)  # type: ignore[call-overload]


def test_inserts_of_one_key_fold_into_one_operation():
    ops: list[Operation] = []
    for version in range(5):
        queue_folded(ops, Insert((1, version), at=-1, only_update=True), item_key)
    queue_folded(ops, Insert((2, 0), at=0), item_key)
    assert ops == [Insert((1, 4), at=-1, only_update=True), Insert((2, 0), at=0)]
    queue_folded(ops, Insert((2, 1), at=-1, only_update=True), item_key)
    queue_folded(ops, Delete(1), item_key)
    queue_folded(ops, Insert((1, 5), at=0), item_key)  # after a delete: inserted anew
    assert ops == [
        Insert((1, 4), at=-1, only_update=True),
        Insert((2, 1), at=0),
        Delete(1),
        Insert((1, 5), at=0),
    ]
