from __future__ import annotations

import pytest

from live_views import (
    LiveCreateView,
    LiveDetailView,
    LiveFormView,
    LiveListView,
    LiveTemplateView,
    LiveUpdateView,
    LiveViewMixin,
    live_event,
)
from live_views.events import collect_events


class CounterView(LiveTemplateView):
    count = 0

    @live_event
    def increment(self, amount: int = 1) -> None:
        self.count += amount

    @live_event(name="reset")
    def set_to_zero(self) -> None:
        self.count = 0

    def helper(self) -> None:
        pass


def test_bare_decorator_publishes_the_method_under_its_own_name():
    spec = CounterView.live_events["increment"]
    assert spec.name == "increment"
    assert spec.attribute == "increment"


def test_decorator_with_name_publishes_the_method_under_that_name():
    spec = CounterView.live_events["reset"]
    assert spec.attribute == "set_to_zero"
    assert "set_to_zero" not in CounterView.live_events


def test_decorator_with_empty_parentheses_works():
    class View(LiveTemplateView):
        @live_event()
        def save(self) -> None:
            pass

    assert list(View.live_events) == ["save"]


def test_decorator_returns_the_method_itself():
    def save(self) -> None:
        pass

    assert live_event(save) is save
    assert live_event(name="store")(save) is save


def test_spec_carries_the_handler_signature():
    assert [p.name for p in CounterView.live_events["increment"].signature.parameters] == ["amount"]


def test_undecorated_methods_are_not_events():
    assert "helper" not in CounterView.live_events


@pytest.mark.parametrize(
    "name", ["1abc", "has space", "dash-name", "dotted.name", "a" * 65, "_private", "é", "<b>"]
)
def test_invalid_event_names_are_refused(name):
    with pytest.raises(TypeError, match="Invalid live event name"):
        live_event(name=name)(lambda self: None)


def test_an_explicit_empty_event_name_is_refused():
    def save(self) -> None:
        pass

    with pytest.raises(TypeError, match="Invalid live event name"):
        live_event(name="")(save)


def test_a_64_character_event_name_is_accepted():
    def handler(self) -> None:
        pass

    class View(LiveTemplateView):
        long = live_event(name="a" * 64)(handler)

    assert list(View.live_events) == ["a" * 64]


def test_decorating_something_that_is_not_callable_is_refused():
    with pytest.raises(TypeError, match="decorates methods"):
        live_event(name="x")(42)


def test_an_underscore_method_with_its_own_name_is_refused_when_decorated():
    with pytest.raises(TypeError, match="Invalid live event name '_secret'"):

        class View(LiveTemplateView):
            @live_event
            def _secret(self) -> None:
                pass


def test_an_underscore_method_published_under_another_name_is_refused_at_class_creation():
    with pytest.raises(TypeError, match=r"View\._secret: .*cannot start with an underscore"):

        class View(LiveTemplateView):
            @live_event(name="secret")
            def _secret(self) -> None:
                pass


def test_two_methods_with_the_same_event_name_are_refused():
    with pytest.raises(TypeError, match="two methods handle live event 'save'"):

        class View(LiveTemplateView):
            @live_event
            def save(self) -> None:
                pass

            @live_event(name="save")
            def store(self) -> None:
                pass


def test_subclass_inherits_the_events_of_its_base():
    class MoreView(CounterView):
        @live_event
        def decrement(self) -> None:
            pass

    assert set(MoreView.live_events) == {"increment", "reset", "decrement"}
    assert set(CounterView.live_events) == {"increment", "reset"}


def test_subclass_overriding_an_event_without_the_decorator_removes_the_event():
    class QuietView(CounterView):
        def increment(self, amount: int = 1) -> None:
            pass

    assert set(QuietView.live_events) == {"reset"}


def test_subclass_overriding_a_renamed_event_without_the_decorator_removes_it():
    class QuietView(CounterView):
        def set_to_zero(self) -> None:
            pass

    assert "reset" not in QuietView.live_events


def test_subclass_overriding_an_event_with_the_decorator_uses_its_own_signature():
    class DoubleView(CounterView):
        @live_event
        def increment(self, amount: int = 2, times: int = 1) -> None:
            pass

    parameters = DoubleView.live_events["increment"].signature.parameters
    assert [p.name for p in parameters] == ["amount", "times"]


def test_subclass_may_hide_an_event_with_a_plain_attribute():
    class NoResetView(CounterView):
        set_to_zero = None

    assert "reset" not in NoResetView.live_events


def test_events_of_a_plain_mixin_are_collected():
    class ResetMixin:
        @live_event
        def clear(self) -> None:
            pass

    class View(ResetMixin, LiveTemplateView):
        pass

    assert set(View.live_events) == {"clear"}


def test_async_handlers_are_detected():
    class View(LiveTemplateView):
        @live_event
        async def load(self) -> None:
            pass

        @live_event
        def save(self) -> None:
            pass

    assert View.live_events["load"].is_async is True
    assert View.live_events["save"].is_async is False


def test_the_event_table_holds_only_decorated_methods():
    class View(LiveTemplateView):
        template_name = "x.html"

        def get_context_data(self, **kwargs: object) -> dict[str, object]:
            return {}

        @live_event
        def save(self) -> None:
            pass

    assert set(View.live_events) == {"save"}


@pytest.mark.parametrize(
    "base",
    [LiveViewMixin, LiveTemplateView, LiveListView, LiveDetailView],
)
def test_the_library_views_publish_no_events(base):
    assert base.live_events == {}

    class View(base):
        pass

    assert View.live_events == {}


@pytest.mark.parametrize("base", [LiveFormView, LiveCreateView, LiveUpdateView])
def test_the_form_views_publish_only_validate_and_submit(base):
    class View(base):
        pass

    assert set(View.live_events) == {"validate", "submit"}


@pytest.mark.parametrize(
    "name",
    ["dispatch", "get", "post", "setup", "http_method_not_allowed", "options", "as_view"],
)
def test_view_machinery_is_never_an_event(name):
    assert name not in CounterView.live_events
    assert all(spec.attribute != name for spec in CounterView.live_events.values())


def test_collect_events_on_a_class_without_events_is_empty():
    class Plain:
        def method(self) -> None:
            pass

    assert collect_events(Plain) == {}
