"""live_views/pubsub/inheritance.py: which rows of which models a save writes, by multi-table
inheritance. ``Restaurant(Place)`` and ``Pizzeria(Restaurant)`` share one key;
``Review(Article, Book)`` has its article's key, and its book's row (``Book(Work)``) one of its
own."""

from __future__ import annotations

from live_views.pubsub.inheritance import key_groups, row_labels, same_key, told_models
from tests.todoapp.models import Article, Book, Pizzeria, Place, Restaurant, Review, Task, Work


def test_a_rows_other_labels_are_the_models_it_is_a_row_of_with_its_key():
    assert row_labels("todoapp.place") == ("todoapp.restaurant", "todoapp.pizzeria")
    assert row_labels("todoapp.restaurant") == ("todoapp.place", "todoapp.pizzeria")
    assert row_labels("todoapp.pizzeria") == ("todoapp.restaurant", "todoapp.place")
    assert row_labels("todoapp.board") == ()
    # A label no model has (a message from another version of the project): none.
    assert row_labels("todoapp.gone") == row_labels("no label") == ()


def test_a_second_parents_row_is_not_one_of_the_childs_key():
    # A review's key is its article's; its book's (and work's) is another.
    assert row_labels("todoapp.review") == ("todoapp.article",)
    assert row_labels("todoapp.article") == ("todoapp.review",)
    assert row_labels("todoapp.book") == ("todoapp.work",)
    assert row_labels("todoapp.work") == ("todoapp.book",)
    assert same_key(Review) == (Review, Article)


def test_a_save_writes_one_group_of_rows_per_key():
    assert [(g.attname, g.models) for g in key_groups(Review)] == [
        ("article_ptr_id", (Review, Article)),
        ("work_ptr_id", (Book, Work)),  # the review's book's key, held by the review
    ]
    assert [(g.attname, g.models) for g in key_groups(Work)] == [("work_id", (Work, Book))]
    assert [(g.attname, g.models) for g in key_groups(Place)] == [
        ("id", (Place, Restaurant, Pizzeria))
    ]
    assert [(g.attname, g.models) for g in key_groups(Task)] == [("id", (Task,))]


def test_the_models_told_include_those_inheriting_a_row_as_a_second_parent():
    assert told_models(Work) == (Work, Book, Review)
    assert told_models(Book) == (Book, Work, Review)
    assert told_models(Article) == (Article, Review)
    assert told_models(Review) == (Review, Article, Book, Work)
