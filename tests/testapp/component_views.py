from __future__ import annotations

from typing import Any

from django.middleware.csrf import rotate_token
from django.views.generic import TemplateView

from live_views import LiveTemplateView, live_event
from tests.testapp import components
from tests.todoapp.models import Board, Task


class SteppersView(LiveTemplateView):
    template_name = "testapp/steppers.html"
    total = 0
    ids: list[str] = ["b"]  # replaced, never mutated
    show_box = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            total=self.total, ids=self.ids, show_box=self.show_box, **kwargs
        )

    @live_event
    def bump(self) -> None:
        self.total += 100

    @live_event
    def set_ids(self, ids: list[str]) -> None:
        self.ids = ids

    @live_event
    def set_ids_targeted(self, ids: list[str]) -> None:
        """Names the one block it changes."""
        self.ids = ids
        self.live_target("list")

    @live_event
    def box(self, show: bool) -> None:
        self.show_box = show


class PlainSteppersView(TemplateView):
    """Not live: its components are live on their own."""

    template_name = "testapp/plain_steppers.html"


class SecretView(LiveTemplateView):
    template_name = "testapp/secret.html"


class KeptView(LiveTemplateView):
    template_name = "testapp/kept.html"
    total = 0  # the stepper adds to it through self.parent


class HidableKeptView(LiveTemplateView):
    """Shows a KeptModal (with live_state) until the user hides it, as a page shows a modal.
    Whether it shows is page state too: a reconnect keeps it hidden."""

    template_name = "testapp/hidable_kept.html"
    live_state = ("shown",)
    shown = True
    total = 0  # the stepper adds to it through self.parent

    @live_event
    def hide(self) -> None:
        self.shown = False

    @live_event
    def show(self) -> None:
        self.shown = True


class NewsKeptView(HidableKeptView):
    """A HidableKeptView whose modal block shows the latest headline: a broadcast("news")
    re-renders it, and the modal in it."""

    template_name = "testapp/news_kept.html"
    live_subscriptions = ("news",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(headline=components.HEADLINES[-1], **kwargs)


class OpenModalView(HidableKeptView):
    """The KeptModal shows until the user closes it, and again after a reconnect: whether it
    shows is not page state."""

    live_state = ()


class ClosedModalView(HidableKeptView):
    """The KeptModal is closed until the user opens it, and closed again after a reconnect:
    whether it shows is not page state."""

    live_state = ()
    shown = False


class FailingDropsView(LiveTemplateView):
    """A Stepper (and a Headline, which follows "news") the page can hide, and a Shelf holding
    a Stepper, whose renders can fail after dropping them (``how``): what shows in their place
    cannot subscribe, or the template raises further on."""

    template_name = "testapp/failing_drops.html"
    total = 0  # the steppers add to it through self.parent
    shown = True
    failing = broken = False

    def break_render(self) -> str:
        raise RuntimeError("the page's template failed")

    @live_event
    def hide(self, how: str = "") -> None:
        self.shown = False
        self.failing, self.broken = how == "subscriptions", how == "template"


class NewsView(LiveTemplateView):
    """Follows nothing itself: its Headline component follows "news"."""

    template_name = "testapp/news.html"


class HidableNewsView(LiveTemplateView):
    """Shows its Headline (which follows "news") until the user hides it."""

    template_name = "testapp/hidable_news.html"
    shown = True

    @live_event
    def hide(self) -> None:
        self.shown = False

    @live_event
    def show(self) -> None:
        self.shown = True


class TaskLinesView(LiveTemplateView):
    """A list the page reads on every render, a component per task."""

    template_name = "testapp/task_lines.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tasks=list(Task.objects.all()), **kwargs)

    @live_event
    def rename(self, pk: int, title: str) -> None:
        Task.objects.filter(pk=pk).update(title=title)


class StaleTaskLinesView(TaskLinesView):
    template_name = "testapp/stale_task_lines.html"


class BoardView(LiveTemplateView):
    template_name = "testapp/board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(board=Board.objects.get(pk=self.kwargs["pk"]), **kwargs)


class StepperRowsView(LiveTemplateView):
    """A component whose rows hold components of their own."""

    template_name = "testapp/stepper_rows_page.html"
    total = 0


class OpenRowsView(LiveTemplateView):
    template_name = "testapp/open_rows_page.html"


class RowListView(LiveTemplateView):
    template_name = "testapp/row_list_page.html"


class FormRowListView(LiveTemplateView):
    template_name = "testapp/form_row_list_page.html"


class CsrfRenewView(LiveTemplateView):
    """A form with ``{% csrf_token %}`` in a liveblock and in components; its events renew the
    CSRF secret as ``login()`` does (tests/test_component_csrf.py)."""

    template_name = "testapp/csrf_renew.html"
    count = 0

    @live_event
    def renew_csrf(self) -> None:
        rotate_token(self.request)

    @live_event
    def renew_csrf_counted(self) -> None:
        """Names the one block it changes."""
        rotate_token(self.request)
        self.count += 1
        self.live_target("count")

    @live_event
    def bump(self) -> None:
        """Keeps the secret (tests/test_http_session.py)."""
        self.count += 1
