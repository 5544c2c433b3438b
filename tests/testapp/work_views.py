"""A counter whose events cost server time on purpose: for the budget and fairness tests."""

from __future__ import annotations

import threading
import time

from django.http import HttpRequest, HttpResponse

from live_views import live_event
from tests.testapp.views import CounterView

# Which events ran, in the order the worker thread ran them.
ran: list[str] = []
# hold() blocks the worker thread until a test sets this.
released = threading.Event()


class WorkView(CounterView):
    @live_event
    def burn(self, ms: int, label: str = "") -> None:
        """Use ``ms`` milliseconds of CPU in the worker thread."""
        ran.append(label)
        until = time.thread_time() + ms / 1000
        while time.thread_time() < until:
            pass
        self.count += 1

    @live_event
    def hold(self) -> None:
        ran.append("hold")
        released.wait(10)

    @live_event
    def tick(self, label: str = "") -> None:
        ran.append(label)
        self.count += 1


def plain(request: HttpRequest) -> HttpResponse:
    """A page that is not live: its view runs in the worker thread the pages' work uses."""
    ran.append("plain request")
    return HttpResponse("plain")
