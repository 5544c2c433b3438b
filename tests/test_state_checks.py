"""System checks for page state: E020 (STATE_CACHE), E021 (live_state names), W022 (a cache that
lives in one process)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from django.core import checks
from django.test import override_settings
from django.urls import clear_url_caches, path

from live_views import live_event
from live_views.checks import check_page_state, check_settings
from tests.testapp.views import CounterView

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
DUMMY = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [message.id for message in messages]


def routed(*view_classes: type) -> Any:
    """Route the given views (and nothing else) for the duration of a `with`."""
    module = types.ModuleType("state_checks_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(f"v{index}/", view.as_view()) for index, view in enumerate(view_classes)
    ]
    sys.modules[module.__name__] = module
    clear_url_caches()
    return override_settings(ROOT_URLCONF=module.__name__)


@pytest.fixture(autouse=True)
def _forget_urlconf():
    yield
    sys.modules.pop("state_checks_urls", None)
    clear_url_caches()


def view_with_state(names: Any) -> type:
    class PageView(CounterView):
        live_state = names
        label = "plain attribute"

        @property
        def doubled(self) -> int:
            return self.count * 2

        @live_event
        def bump(self) -> None:
            self.count += 1

    return PageView


# -- E020: STATE_CACHE -------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["nope", 3, None, ["default"]])
def test_e020_a_state_cache_that_is_not_a_cache_alias(alias):
    with override_settings(LIVE_VIEWS={"STATE_CACHE": alias}):
        (error,) = check_settings()
    assert error.id == "live_views.E020"
    assert repr(alias) in error.msg
    assert error.hint == "Cache aliases in CACHES: default."


def test_e020_accepts_any_configured_alias():
    with override_settings(
        CACHES={"default": LOCMEM, "pages": LOCMEM}, LIVE_VIEWS={"STATE_CACHE": "pages"}
    ):
        assert check_settings() == []


# -- E021: what live_state names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ("count", "must be a list of attribute names, not 'count'"),
        ({"count"}, "must be a list of attribute names, not {'count'}"),
        (["count", "not-a-name"], "names 'not-a-name', which is not an attribute name"),
        ([3], "names 3, which is not an attribute name"),
        (["_live_context"], "names '_live_context', which is private to the view"),
        (["request"], "names 'request', which setup() sets from each request"),
        (["kwargs"], "names 'kwargs', which setup() sets from each request"),
        (["bump"], "names 'bump', which is a live event"),
        (["increment"], "names 'increment', which is a live event"),
        (["get_context_data"], "names 'get_context_data', which is a method or property"),
        (["doubled"], "names 'doubled', which is a method or property"),
    ],
)
def test_e021_live_state_must_name_plain_attributes(names, problem):
    view = view_with_state(names)
    with routed(view), override_settings(CACHES={"default": LOCMEM}):
        errors = [m for m in check_page_state() if m.id == "live_views.E021"]
    assert len(errors) == 1
    assert f"PageView.live_state {problem}" in errors[0].msg
    assert errors[0].obj is view
    assert 'live_state = ["count"]' in errors[0].hint


def test_e021_accepts_attributes_set_on_the_class_or_later():
    view = view_with_state(["count", "label", "set_by_a_handler_later"])
    with routed(view):
        assert "live_views.E021" not in ids(check_page_state())


def test_every_bad_name_is_reported_once():
    view = view_with_state(["count", "bump", "_x", "bump"])
    with routed(view, view):
        assert ids(check_page_state()).count("live_views.E021") == 3


# -- W024: a name close to one the view defines ---------------------------------------------------


def test_w024_a_name_the_view_does_not_define_close_to_one_it_does_is_a_typo():
    # live_state = ["cont"] beside count = 0: the count came back as 0 after a restart, unsaid.
    view = view_with_state(["cont", "labl"])
    with routed(view), override_settings(CACHES={"default": LOCMEM}):
        warnings = [m for m in check_page_state() if m.id == "live_views.W024"]
    assert [w.msg.rpartition("PageView.")[2] for w in warnings] == [
        "live_state names 'cont', which the view does not define; did you mean 'count'?",
        "live_state names 'labl', which the view does not define; did you mean 'label'?",
    ]
    assert warnings[0].obj is view
    assert "never kept" in warnings[0].hint


def test_w024_leaves_names_the_view_defines_and_names_set_later():
    # An attribute set only in setup() or a handler has no class twin: nothing to suggest.
    view = view_with_state(["count", "label", "set_by_a_handler_later"])
    with routed(view), override_settings(CACHES={"default": LOCMEM}):
        assert "live_views.W024" not in ids(check_page_state())


# -- W022: a cache that lives in one process ---------------------------------------------------


def test_w022_page_state_in_a_per_process_cache_is_a_warning():
    with routed(view_with_state(["count"])), override_settings(CACHES={"default": LOCMEM}):
        (warning,) = check_page_state()
    assert warning.id == "live_views.W022"
    assert warning.level == checks.WARNING
    assert "PageView" in warning.msg
    assert "LocMemCache" in warning.msg
    assert "a server restart loses it" in warning.msg
    assert "STATE_CACHE" in warning.hint


def test_w022_says_a_dummy_cache_keeps_nothing():
    with routed(view_with_state(["count"])), override_settings(CACHES={"default": DUMMY}):
        (warning,) = check_page_state()
    assert "lost on every reconnect" in warning.msg


def test_w022_follows_the_state_cache_setting(tmp_path):
    files = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": tmp_path}
    caches = {"default": LOCMEM, "state": files}
    with routed(view_with_state(["count"])), override_settings(CACHES=caches):
        with override_settings(LIVE_VIEWS={"STATE_CACHE": "state"}):
            assert check_page_state() == []
        assert ids(check_page_state()) == ["live_views.W022"]


def test_no_warning_without_live_state():
    with routed(CounterView), override_settings(CACHES={"default": DUMMY}):
        assert check_page_state() == []


@pytest.mark.urls("tests.state_urls")
def test_the_page_state_check_is_registered():
    assert "live_views.W022" in ids(checks.run_checks())
