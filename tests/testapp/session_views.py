"""Views for the session-life tests: a permission-guarded page that follows a topic, and the
user's own password change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse

from live_views import broadcast, live_event
from tests.testapp.views import CounterView

REPORT = {"total": 0}


class ReportView(PermissionRequiredMixin, CounterView):
    """Only users with auth.view_user see the report; it re-renders on broadcast("reports")."""

    template_name = "testapp/report.html"
    permission_required = "auth.view_user"
    live_subscriptions = ("reports",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        editor = self.request.user.has_perm("auth.change_user")
        return super().get_context_data(total=REPORT["total"], editor=editor, **kwargs)

    @live_event
    def hand_over(self, total: int) -> None:
        """The user gives up the report: their permission goes, and the others are told."""
        self.request.user.user_permissions.clear()
        REPORT["total"] = total
        broadcast("reports")

    @live_event
    def hand_over_and_go(self, total: int) -> None:
        """The same, then on to another query of the page (its access checks run for it)."""
        self.hand_over(total)
        self.live_patch({"after": "handover"})


def change_password(request: HttpRequest) -> HttpResponse:
    """What PasswordChangeView does once its form is valid."""
    user: Any = request.user
    user.set_password(request.POST["password"])
    user.save()
    update_session_auth_hash(request, user)
    return HttpResponse("changed")
