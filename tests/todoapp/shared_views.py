"""Views for tests/test_shared.py: pages that declare live_shared_render, and one that does not."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from live_views import LiveComponent, LiveListView, live_event
from tests.todoapp.models import Board, Task

GETS: list[str] = []  # one entry per get_context_data() of these views: who it rendered for
DENIED: set[str] = set()  # usernames the guarded view refuses
CHECKS: list[str] = []  # one entry per access check: whose
MIDDLEWARE_RUNS: list[str] = []  # one entry per run of CountingMiddleware: the path


class CountingMiddleware:
    """A project middleware: counts how often a socket's unit of work runs inside it."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        MIDDLEWARE_RUNS.append(request.path)
        return self.get_response(request)


class Scoreboard(LiveListView):
    """Every task, the same for everyone, with who the render was for."""

    model = Task
    template_name = "todoapp/shared_scoreboard.html"
    live_shared_render = True
    live_state = ["limit"]
    limit = 100

    def get_queryset(self) -> Any:
        return Task.objects.order_by("pk")[: self.limit]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        viewer = self.request.user.get_username() or "anonymous"
        GETS.append(viewer)
        return super().get_context_data(viewer=viewer, **kwargs)

    @live_event
    def show(self, limit: int) -> None:
        self.limit = limit

    @live_event
    def add(self, title: str) -> None:
        board, _ = Board.objects.get_or_create(name="home")
        Task.objects.create(board=board, title=title)


class PerUserScoreboard(Scoreboard):
    live_shared_render = False


class GuardedScoreboard(UserPassesTestMixin, Scoreboard):
    def test_func(self) -> bool:
        name = self.request.user.get_username()
        CHECKS.append(name)
        return name not in DENIED

    @live_event
    def add_board(self, name: str) -> None:
        Board.objects.create(name=name)  # a model the page does not follow


class VoteBoard(Scoreboard):
    """A shared page with an ordinary POST form: its CSRF token is each browser's own."""

    template_name = "todoapp/shared_form.html"


class VoteForm(LiveComponent):
    """A plain POST form inside a live component: its CSRF token is each browser's own too."""

    template_name = "todoapp/vote_component.html"
    count = 0

    def mount(self, count: int = 0) -> None:
        self.count = count

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(count=self.count, **kwargs)


class ComponentVoteBoard(Scoreboard):
    template_name = "todoapp/shared_component_form.html"


class ScriptBoard(Scoreboard):
    """A shared page with a script in a liveblock: its CSP nonce is each page's own."""

    template_name = "todoapp/shared_script.html"


def vote(request: HttpRequest) -> HttpResponse:
    """Where VoteBoard's form posts: CsrfViewMiddleware refuses a token not of this browser."""
    return HttpResponse("voted")


urlpatterns = [
    path("board/", Scoreboard.as_view()),
    path("per-user/", PerUserScoreboard.as_view()),
    path("guarded/", GuardedScoreboard.as_view()),
    path("vote/", VoteBoard.as_view()),
    path("voted/", vote),
    path("component-vote/", ComponentVoteBoard.as_view()),
    path("script/", ScriptBoard.as_view()),
]

root = [path("", include("tests.urls")), path("shared/", include(urlpatterns))]
