"""live_views/pubsub/signals.py: saves, deletes and m2m changes of the models in BROADCAST_MODELS
publish their topics (after the commit); other models, raw loads and Django's own rows never do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import override_settings
from django.test.utils import CaptureQueriesContext, isolate_apps

from live_views.pubsub.publish import rows_topics
from live_views.pubsub.signals import broadcasts
from live_views.pubsub.topics import group_name
from tests.channel_layers import RecordingLayer, layer_settings, send_inline
from tests.todoapp.models import (
    Article,
    Board,
    Book,
    Note,
    Pizzeria,
    Place,
    Restaurant,
    Review,
    Tag,
    Task,
    Work,
)


class Heard:
    """The topics published so far, as group names, in order."""

    def groups(self) -> list[str]:
        return [group for group, _ in RecordingLayer.sent]

    def rows(self) -> set[tuple[str, ...]]:
        """The rows the messages named."""
        return {tuple(message["row"]) for _, message in RecordingLayer.sent if "row" in message}

    def clear(self) -> None:
        RecordingLayer.sent.clear()


@pytest.fixture
def heard(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Heard]:
    send_inline(monkeypatch)
    # Outside a transaction: each save commits, and publishes, at once.
    RecordingLayer.sent = []
    with override_settings(CHANNEL_LAYERS=layer_settings(RecordingLayer)):
        yield Heard()
    RecordingLayer.sent = []


def groups(*topics: str) -> list[str]:
    return [group_name(topic) for topic in topics]


# -- which models broadcast ---------------------------------------------------------------------


def test_only_the_models_listed_broadcast_matched_case_insensitively():
    # tests/settings.py lists "todoapp.Board", "todoapp.Task", "todoapp.Tag".
    assert broadcasts(Task)
    assert broadcasts(Board)
    assert not broadcasts(Note)


@override_settings(LIVE_VIEWS={"BROADCAST_MODELS": "__all__"})
def test_all_means_every_model_but_djangos_busy_ones():
    assert broadcasts(Note)
    assert broadcasts(Task)
    assert not broadcasts(Session)


@pytest.mark.parametrize("value", [[], "nonsense", None])
def test_nothing_broadcasts_when_the_setting_is_empty_or_wrong(value):
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": value}):
        assert not broadcasts(Task)


@override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ["todoapp.note"]})
def test_the_setting_is_read_at_every_save_not_once():
    assert broadcasts(Note)
    assert not broadcasts(Task)


# -- saves and deletes --------------------------------------------------------------------------


def test_a_save_publishes_the_row_its_model_and_its_parent(heard):
    board = Board.objects.create(name="home")
    heard.clear()
    task = Task.objects.create(board=board, title="t")
    assert heard.groups() == groups(
        "todoapp.task", f"todoapp.task:{task.pk}", f"todoapp.board:{board.pk}"
    )


def test_a_delete_publishes_the_same_topics(heard):
    board = Board.objects.create(name="home")
    heard.clear()
    pk = board.pk
    board.delete()
    assert heard.groups() == groups("todoapp.board", f"todoapp.board:{pk}")


def test_a_queryset_delete_publishes_each_row_it_deletes(heard):
    # Django deletes row by row, sending post_delete, once any receiver listens to every model
    # (ours does): no broadcast() by hand is needed, unlike update() and the bulk methods.
    board = Board.objects.create(name="home")
    first, second = (Task.objects.create(board=board, title=title) for title in "ab")
    heard.clear()
    Task.objects.filter(board=board).delete()
    published = set(heard.groups())
    assert set(groups(f"todoapp.task:{first.pk}", f"todoapp.task:{second.pk}")) <= published
    assert set(groups("todoapp.task", f"todoapp.board:{board.pk}")) <= published


def test_a_model_not_listed_publishes_nothing(heard):
    Note.objects.create(text="private")
    assert heard.groups() == []


def test_a_raw_save_from_loaddata_publishes_nothing(heard):
    Board(name="fixture").save_base(raw=True)
    assert heard.groups() == []
    assert Board.objects.filter(name="fixture").exists()


@override_settings(LIVE_VIEWS={"BROADCAST_MODELS": "__all__"})
def test_sessions_never_broadcast_even_with_all(heard):
    session = SessionStore()
    session["k"] = "v"
    session.save()
    assert heard.groups() == []


# -- many-to-many -------------------------------------------------------------------------------


def test_adding_a_tag_publishes_the_task_its_board_and_the_tag_once(heard):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    tag = Tag.objects.create(name="red")
    heard.clear()

    task.tags.add(tag)

    assert heard.groups() == groups(
        "todoapp.task",
        f"todoapp.task:{task.pk}",
        f"todoapp.board:{board.pk}",
        "todoapp.tag",
        f"todoapp.tag:{tag.pk}",
    )


def test_adding_from_the_other_side_publishes_the_same_topics(heard):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    tag = Tag.objects.create(name="red")
    heard.clear()

    tag.task_set.add(task)

    assert heard.groups() == groups(
        "todoapp.tag",
        f"todoapp.tag:{tag.pk}",
        "todoapp.task",
        f"todoapp.task:{task.pk}",
        f"todoapp.board:{board.pk}",
    )


def test_an_m2m_change_of_models_not_listed_publishes_nothing(heard):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    tag = Tag.objects.create(name="red")
    heard.clear()
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ["todoapp.board"]}):
        task.tags.add(tag)
    assert heard.groups() == []


def test_the_same_m2m_change_reaches_the_tasks_board_from_either_side(heard):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    tag = Tag.objects.create(name="red")
    heard.clear()

    tag.task_set.add(task)

    assert group_name(f"todoapp.board:{board.pk}") in heard.groups()


@pytest.mark.parametrize("side", ["task", "tag"])
def test_clearing_an_m2m_reaches_the_rows_it_unlinked(heard, side):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    tag = Tag.objects.create(name="red")
    task.tags.add(tag)
    heard.clear()

    (task.tags if side == "task" else tag.task_set).clear()

    # Both rows, and the board of the task, as an add or a remove from either side tells.
    for topic in (f"todoapp.tag:{tag.pk}", f"todoapp.task:{task.pk}", f"todoapp.board:{board.pk}"):
        assert group_name(topic) in heard.groups()


def test_removing_a_tag_reaches_the_tag_it_unlinked(heard):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    tag = Tag.objects.create(name="red")
    task.tags.add(tag)
    heard.clear()

    task.tags.remove(tag)

    assert group_name(f"todoapp.tag:{tag.pk}") in heard.groups()


@isolate_apps("tests.todoapp")
def test_a_save_through_a_proxy_of_a_listed_model_is_published(heard):
    class UrgentTask(Task):
        class Meta:
            proxy = True
            app_label = "todoapp"

    board = Board.objects.create(name="home")
    heard.clear()
    task = UrgentTask.objects.create(board=board, title="now")
    assert heard.groups() == groups(
        "todoapp.task", f"todoapp.task:{task.pk}", f"todoapp.board:{board.pk}"
    )


@isolate_apps("tests.todoapp")
def test_a_save_of_a_child_model_tells_the_listed_parent_models_pages(heard):
    class Chore(Task):  # multi-table inheritance: its row is a task row too
        every_days = models.IntegerField(default=7)

        class Meta:
            app_label = "todoapp"

    board = Board.objects.create(name="home")
    with connection.schema_editor() as editor:
        editor.create_model(Chore)
    try:
        heard.clear()
        # Only the parent is listed: a chore shows on every page of tasks, so it is published.
        chore = Chore.objects.create(board=board, title="dishes")
        published = heard.groups()
        assert set(groups("todoapp.task", f"todoapp.task:{chore.pk}")) <= set(published)
        assert group_name(f"todoapp.board:{board.pk}") in published
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Chore)


PLACES = override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ["todoapp.place"]})


def test_a_save_of_a_parent_row_tells_the_pages_of_the_children_with_its_key(heard):
    restaurant = Restaurant.objects.create(name="Chez A")
    with PLACES:
        heard.clear()
        place = Place.objects.get(pk=restaurant.pk)
        place.name = "Chez B"  # a column of the restaurant's too: its place row's
        place.save()
    pk = restaurant.pk
    assert heard.groups() == groups(
        "todoapp.place",
        f"todoapp.place:{pk}",
        # With no query to learn whether the place is a restaurant, or a pizzeria.
        "todoapp.restaurant",
        f"todoapp.restaurant:{pk}",
        "todoapp.pizzeria",
        f"todoapp.pizzeria:{pk}",
    )


def test_a_save_of_a_middle_row_tells_its_parents_and_its_children(heard):
    pizzeria = Pizzeria.objects.create(name="Da B")
    with PLACES:
        heard.clear()
        restaurant = Restaurant.objects.get(pk=pizzeria.pk)
        restaurant.save()
    pk = pizzeria.pk
    assert set(heard.groups()) == set(
        groups(
            "todoapp.restaurant",
            f"todoapp.restaurant:{pk}",
            "todoapp.place",
            f"todoapp.place:{pk}",
            "todoapp.pizzeria",
            f"todoapp.pizzeria:{pk}",
        )
    )


def test_a_listed_child_hears_the_saves_of_its_parent_model(heard):
    place = Place.objects.create(name="Chez A")
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ["todoapp.restaurant"]}):
        heard.clear()
        place.save()
    assert group_name(f"todoapp.restaurant:{place.pk}") in heard.groups()


@pytest.mark.parametrize("side", ["place", "tag"])
def test_an_m2m_change_of_a_parent_row_reaches_its_children_from_either_side(heard, side):
    restaurant = Restaurant.objects.create(name="Chez A")
    place, tag = Place.objects.get(pk=restaurant.pk), Tag.objects.create(name="cosy")
    with PLACES:
        heard.clear()
        if side == "place":
            place.tags.add(tag)
        else:
            tag.places.add(place)
    assert group_name(f"todoapp.restaurant:{restaurant.pk}") in heard.groups()
    assert group_name(f"todoapp.pizzeria:{restaurant.pk}") in heard.groups()


def test_telling_a_parents_children_costs_no_query(heard, django_assert_num_queries):
    place = Place.objects.create(name="Chez A")
    with PLACES, django_assert_num_queries(1):  # the UPDATE alone
        place.save()


def test_a_row_moved_to_another_parent_tells_the_parent_it_left(heard):
    old, new = Board.objects.create(name="old"), Board.objects.create(name="new")
    task = Task.objects.create(board=old, title="t")
    heard.clear()

    task.board = new
    task.save()

    assert heard.groups() == groups(
        "todoapp.task",
        f"todoapp.task:{task.pk}",
        f"todoapp.board:{new.pk}",
        f"todoapp.board:{old.pk}",
    )


def test_a_row_saved_with_its_parents_key_as_a_string_tells_that_parent_once(heard):
    # A form or an event gives keys as text: the stored key is the same row, not one it left.
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    heard.clear()

    task.board_id = str(board.pk)
    task.save()

    assert heard.groups() == groups(
        "todoapp.task", f"todoapp.task:{task.pk}", f"todoapp.board:{board.pk}"
    )


def test_reading_the_parents_a_row_leaves_costs_one_query_and_only_when_a_key_may_change(
    heard, django_assert_num_queries
):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")  # a new row leaves no parent: no read
    task.title = "renamed"
    with django_assert_num_queries(2):  # the read of its stored keys, the UPDATE
        task.save()
    with django_assert_num_queries(1):  # no key among the fields saved: the UPDATE alone
        task.save(update_fields=["title"])
    heard.clear()
    with django_assert_num_queries(2):
        task.save(update_fields=["board"])
    assert heard.groups() == groups(
        "todoapp.task", f"todoapp.task:{task.pk}", f"todoapp.board:{board.pk}"
    )


def test_a_model_not_listed_is_not_read_before_its_save(db, django_assert_num_queries):
    board = Board.objects.create(name="home")
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ["todoapp.board"]}):
        task = Task.objects.create(board=board, title="t")
        with django_assert_num_queries(1):
            task.save()


def test_clearing_an_m2m_of_models_not_listed_reads_nothing(db, django_assert_num_queries):
    task = Task.objects.create(board=Board.objects.create(name="home"), title="t")
    listed = override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ["todoapp.board"]})
    with listed, django_assert_num_queries(1):  # clear()'s DELETE alone
        task.tags.clear()


# -- a child of two parents: Review(Article, Book), Book(Work) ----------------------------------


def listing(*labels: str) -> override_settings:
    return override_settings(LIVE_VIEWS={"BROADCAST_MODELS": list(labels)})


def crossed_review() -> Review:
    """A review whose book's key (2) is not its own (1): keys given (in every row of these
    models, see tests/test_topic_inheritance.py, ``two_reviews``)."""
    review = Review.objects.create(article_id=1, work_id=2, headline="A", title="Alpha")
    assert (review.pk, review.book_ptr_id) == (1, 2)
    return review


@pytest.mark.parametrize("parent", [Book, Work])
def test_a_save_of_a_second_parents_row_tells_the_child_that_holds_its_key(heard, parent):
    crossed_review()
    row = parent.objects.get(pk=2)
    with listing("todoapp.review"):  # the child alone listed: its parents' saves are published
        heard.clear()
        row.save()
    assert set(heard.groups()) == set(
        groups(
            "todoapp.book",
            "todoapp.book:2",
            "todoapp.work",
            "todoapp.work:2",
            "todoapp.review",
            "todoapp.review:1",  # found by its book_ptr: not review 2
        )
    )
    # One message names the saved row, one the review's: a stream of either re-reads its own.
    assert heard.rows() == {(parent._meta.label_lower, "2", "u"), ("todoapp.review", "1", "u")}


def test_a_save_of_the_child_tells_its_second_parents_rows_by_their_key(heard):
    with listing("todoapp.book"):
        review = crossed_review()
        assert heard.rows() == {("todoapp.review", "1", "c"), ("todoapp.book", "2", "c")}
        heard.clear()
        review.save()
    assert set(heard.groups()) == set(
        groups(
            "todoapp.review",
            "todoapp.review:1",
            "todoapp.article",
            "todoapp.article:1",
            "todoapp.book",
            "todoapp.book:2",
            "todoapp.work",
            "todoapp.work:2",
        )
    )
    assert heard.rows() == {("todoapp.review", "1", "u"), ("todoapp.book", "2", "u")}


def test_only_the_models_whose_rows_a_save_writes_make_it_published():
    with listing("todoapp.review"):
        assert broadcasts(Work)
        assert broadcasts(Book)
    with listing("todoapp.book"):
        assert broadcasts(Review)  # writes its book's row
        assert not broadcasts(Article)  # writes none of a book's


def lookups(queries: CaptureQueriesContext) -> int:
    """The queries that looked reviews up by their book."""
    return sum('"todoapp_review"."book_ptr_id" IN' in q["sql"] for q in queries.captured_queries)


def test_a_second_parents_children_are_looked_up_once_per_update_and_only_then(heard):
    review = crossed_review()
    with listing("todoapp.book"), CaptureQueriesContext(connection) as queries:
        Book.objects.create(work_id=3, title="new")  # no review can hold a new book's key yet
        review.save()  # its book row is the review's own
        assert lookups(queries) == 0
        Book.objects.get(pk=2).save()
        assert lookups(queries) == 1


@pytest.mark.parametrize("side", ["work", "tag"])
def test_an_m2m_change_of_a_second_parents_row_reaches_the_child(heard, side):
    crossed_review()
    work, tag = Work.objects.get(pk=2), Tag.objects.create(name="classic")
    with listing("todoapp.work"):
        heard.clear()
        if side == "work":
            work.tags.add(tag)
        else:
            tag.works.add(work)
    assert group_name("todoapp.review:1") in heard.groups()


def test_the_rows_of_a_child_tell_its_second_parents_rows_as_its_save_does(db):
    # What an m2m change names by key (tag.reviews.add(review), had reviews tags of their own).
    crossed_review()
    assert set(rows_topics(Review, [1], "default")) == {
        "todoapp.review",
        "todoapp.review:1",
        "todoapp.article",
        "todoapp.article:1",
        "todoapp.book",
        "todoapp.book:2",
        "todoapp.work",
        "todoapp.work:2",
    }
