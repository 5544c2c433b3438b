"""``LiveComponent`` and the coercion of a ``{% live_component %}`` tag's arguments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from live_views import LiveComponent, live_event
from live_views.components.base import mount_arguments


class Typed(LiveComponent):
    template_name = "testapp/stepper.html"

    def mount(
        self,
        count: int = 0,
        price: Decimal | None = None,
        day: datetime.date | None = None,
        owner: User | None = None,
        label="",
    ) -> None:
        pass

    @live_event
    def go(self, steps: int) -> None:
        pass

    def helper(self) -> None:
        pass


def test_values_of_the_hinted_type_pass_as_they_are():
    user = User(username="u")
    day = datetime.date(2026, 1, 2)
    args = mount_arguments(Typed, {"count": 3, "day": day, "owner": user, "label": [1]})
    assert args == {"count": 3, "day": day, "owner": user, "label": [1]}
    assert args["owner"] is user


def test_text_is_coerced_by_the_type_hints():
    args = mount_arguments(Typed, {"count": "12", "price": "1.50", "day": "2026-03-04"})
    assert args == {"count": 12, "price": Decimal("1.50"), "day": datetime.date(2026, 3, 4)}


def test_a_value_that_does_not_coerce_names_the_component_and_argument():
    with pytest.raises(TypeError, match=r"Typed.mount\(\): argument 'count': expected an integer"):
        mount_arguments(Typed, {"count": "many"})
    with pytest.raises(TypeError, match="argument 'owner' must be "):
        mount_arguments(Typed, {"owner": 3})


def test_an_unknown_argument_is_an_error_listing_the_known_ones():
    with pytest.raises(TypeError, match="takes no argument 'colour'; it takes count, price"):
        mount_arguments(Typed, {"colour": "red"})


def test_the_default_mount_takes_no_arguments():
    class Bare(LiveComponent):
        pass

    assert mount_arguments(Bare, {}) == {}
    with pytest.raises(TypeError, match="it takes no arguments"):
        mount_arguments(Bare, {"x": 1})


def test_only_live_events_are_in_the_event_table():
    assert set(Typed.live_events) == {"go"}


def test_root_tag_names_an_element_that_holds_content():
    class Row(LiveComponent):
        root_tag = "tr"

    assert Row.root_tag == "tr"
    for bad in ("input", "div onclick", "", "TR"):
        with pytest.raises(TypeError, match="root_tag must name an HTML element"):
            type("Bad", (LiveComponent,), {"root_tag": bad})
