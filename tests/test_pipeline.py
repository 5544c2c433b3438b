"""live_views/socket/pipeline.py: one event through one page, the same steps for sync and async
handlers. Driven directly on a mounted LivePage, so the view's state can be looked at."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib import messages
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.test import override_settings
from django.urls import NoReverseMatch, include, path

from live_views import __version__, live_event
from live_views.socket.page import LivePage
from live_views.socket.pipeline import run_event
from live_views.socket.protocol import Event, FrameError, Join
from tests.live_helpers import mint_token
from tests.testapp.views import CounterView
from tests.todoapp.models import Board

pytestmark = pytest.mark.urls("tests.test_pipeline")
picked: list[Any] = []


class PipelineView(CounterView):
    broken_render = False
    notes: list[str] = []

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.notes = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.broken_render:
            raise ValueError("cannot render this")
        return super().get_context_data(**kwargs)

    def get_live_queryset(self, model: type[Any]) -> QuerySet[Any]:
        return Board.objects.filter(name__startswith="mine")

    def change_everything(self) -> None:
        self.count = 99
        self.label = "added by the handler"
        self.notes.append("changed in place")
        self.live_target("counter")
        self.live_patch({"page": 2})

    @live_event
    def fail(self) -> None:
        self.change_everything()
        raise RuntimeError("<b>boom</b>")

    @live_event
    def fail_quoting(self) -> None:
        raise NoReverseMatch("""Reverse for 'welcome' not found. "<b>" &""")

    @live_event
    async def fail_async(self) -> None:
        self.change_everything()
        raise RuntimeError("<b>boom</b>")

    @live_event
    def announce_then_fail(self) -> None:
        messages.success(self.request, "saved!")  # announces what is about to fail
        raise RuntimeError("not saved after all")

    @live_event
    def bump(self, amount: int = 1) -> None:
        self.count += amount

    @live_event
    async def bump_async(self, amount: int = 1) -> None:
        self.count += amount

    @live_event
    def break_render(self) -> None:
        self.count = 50
        self.broken_render = True

    @live_event
    def leave(self) -> Any:
        return redirect("/counter/")

    @live_event
    def pick(self, board: Board) -> None:
        picked.append(board)

    @live_event
    async def pick_async(self, board: Board) -> None:
        picked.append(board)


urlpatterns = [path("pipeline/", PipelineView.as_view()), path("", include("tests.urls"))]


class Hops:
    """The worker-thread hops an event took (the test's own thread stands in for the worker)."""

    def __init__(self) -> None:
        self.count = 0

    async def __call__(self, work: Any) -> Any:
        self.count += 1
        return await sync_to_async(work)()


@pytest.fixture
def page() -> Iterator[LivePage]:
    picked.clear()
    scope = {
        "type": "websocket",
        "headers": [(b"host", b"testserver"), (b"origin", b"http://testserver")],
    }
    live_page = LivePage.open(scope, mint_token("/pipeline/"))
    live_page.join(Join(version=__version__, blocks={}))
    yield live_page
    assert live_page.slot is not None
    live_page.slot.release()


def run(page: LivePage, name: str, hops: Hops | None = None, **args: Any) -> dict[str, Any]:
    event = Event(name=name, ref=1, args=args)
    reply: dict[str, Any] = async_to_sync(run_event)(page, event, hops or Hops())
    return reply


def refused(page: LivePage, name: str, **args: Any) -> FrameError:
    with pytest.raises(FrameError) as caught:
        run(page, name, **args)
    return caught.value


# -- a handler that raises ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fail", "fail_async"])
def test_a_failing_handler_leaves_the_view_as_it_was(page, name):
    view = page.view
    before = dict(vars(view))

    reply = run(page, name)

    assert reply == {
        "error": {"code": "server_error", "message": f"The server could not handle {name!r}."},
        "ref": 1,
    }
    assert view.count == 0  # reassigned: comes back
    assert "label" not in vars(view)  # added: gone
    assert set(vars(view)) == set(before)
    assert view.live_runtime.targets is None  # live_target() dropped with the event
    assert view.live_runtime.patch is None  # live_patch() too
    assert view.notes == ["changed in place"]  # shallow: in-place changes stay (documented)


def test_sync_and_async_failures_are_told_alike(page):
    def told(reply: dict[str, Any], name: str) -> dict[str, Any]:
        message = reply["error"]["message"].replace(repr(name), "EVENT")
        return {**reply, "error": {**reply["error"], "message": message}}

    assert told(run(page, "fail"), "fail") == told(run(page, "fail_async"), "fail_async")


def test_the_failure_is_logged_with_the_view_and_the_event(page, caplog):
    with caplog.at_level("ERROR", logger="live_views"):
        run(page, "fail_async")
    assert "tests.test_pipeline.PipelineView.fail_async raised while handling event" in caplog.text
    assert "RuntimeError: <b>boom</b>" in caplog.text  # the traceback, in the log only


@override_settings(DEBUG=True)
def test_with_debug_on_the_page_is_told_the_exception_escaped(page):
    reply = run(page, "fail")
    assert reply["error"]["message"] == (
        "The server could not handle 'fail'. RuntimeError: &lt;b&gt;boom&lt;/b&gt;"
    )


@override_settings(DEBUG=True)
def test_with_debug_on_the_exceptions_quotes_stay_readable(page):
    # Python quotes names with ': "Reverse for 'welcome' not found" read "&#x27;welcome&#x27;"
    # in the console. What makes markup (<, >, &) is still escaped.
    reply = run(page, "fail_quoting")
    assert reply["error"]["message"] == (
        "The server could not handle 'fail_quoting'. NoReverseMatch: Reverse for 'welcome' "
        'not found. "&lt;b&gt;" &amp;'
    )


def test_after_a_failure_the_next_event_starts_from_the_old_state(page):
    run(page, "fail")
    reply = run(page, "bump", amount=2)
    assert '<p id="count">2</p>' in reply["content"]
    assert "patch" not in reply


def test_a_render_that_fails_undoes_the_handler_too(page):
    reply = run(page, "break_render")
    assert reply["error"]["code"] == "server_error"
    assert page.view.count == 0
    assert "broken_render" not in vars(page.view)
    assert '<p id="count">1</p>' in run(page, "bump")["content"]  # the page still renders


def test_messages_a_failing_handler_added_are_dropped_with_it(page):
    assert run(page, "announce_then_fail")["error"]["code"] == "server_error"
    assert list(messages.get_messages(page.request)) == []


# -- refused before the handler runs ------------------------------------------------------------


def test_an_unknown_event_is_refused_naming_the_view(page):
    error = refused(page, "change_everything")
    assert (error.code, error.ref) == ("unknown_event", 1)
    assert error.message == "No live event named 'change_everything' on PipelineView."
    assert page.view.count == 0


def test_arguments_that_do_not_coerce_are_refused_before_the_handler(page):
    error = refused(page, "bump", amount="many")
    assert error.code == "bad_arguments"
    assert error.message.startswith("Event 'bump': ")
    assert "amount" in error.message
    assert page.view.count == 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["pick", "pick_async"])
def test_a_row_outside_the_views_queryset_is_a_bad_argument_and_the_handler_never_runs(page, name):
    other = Board.objects.create(name="someone else's")
    error = refused(page, name, board=other.pk)
    assert error.code == "bad_arguments"
    assert error.message == f"Event {name!r}: argument 'board': no Board with that key here."
    assert picked == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["pick", "pick_async"])
def test_a_row_inside_the_queryset_reaches_the_handler_as_the_row(page, name):
    mine = Board.objects.create(name="mine")
    reply = run(page, name, board=mine.pk)
    assert reply == {"ref": 1}
    assert picked == [mine]


# -- what a handler gets back -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bump", "bump_async"])
def test_a_handler_that_changes_a_block_gets_that_block_with_its_ref(page, name):
    reply = run(page, name, amount=3)
    assert reply["ref"] == 1
    assert '<p id="count">3</p>' in reply["content"]
    assert run(page, name, amount=0) == {"ref": 1}  # nothing changed: a bare ack


def test_a_handler_that_redirects_sends_the_browser_there(page):
    assert run(page, "leave") == {"redirect": "/counter/", "ref": 1}


# -- worker-thread hops -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "hops"),
    [
        ("bump", {}, 1),  # the whole sync event in one hop
        ("bump_async", {}, 1),  # awaited on the loop; one hop to render
        ("pick_async", {"board": "mine"}, 2),  # plus one to look its row up
        ("fail_async", {}, 0),  # a failure before the render needs no hop
    ],
)
def test_each_event_takes_as_few_worker_thread_hops_as_it_needs(page, name, args, hops):
    if args.get("board") == "mine":
        args = {"board": Board.objects.create(name="mine").pk}
    counted = Hops()
    run(page, name, counted, **args)
    assert counted.count == hops
