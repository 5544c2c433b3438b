from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.generic import TemplateView

from tests.testapp import (
    component_views,
    effects_views,
    navigation_views,
    sent_update_views,
    session_views,
    views,
    work_views,
)

urlpatterns = [
    path("counter/", views.CounterView.as_view()),
    path("private/", views.PrivateCounterView.as_view()),
    path("decorated/", login_required(views.CounterView.as_view())),
    path("guarded/", views.GuardedView.as_view()),
    path("rows/", views.RowsView.as_view()),
    path("nested/", views.NestedView.as_view()),
    path("items/<int:start>/", views.ItemsView.as_view()),
    path("async/", views.AsyncCounterView.as_view()),
    path("typed/", views.TypedView.as_view()),
    path("echo/", views.EchoView.as_view()),
    path("work/", work_views.WorkView.as_view()),
    path("work/plain/", work_views.plain),
    path("catalog/", navigation_views.CatalogView.as_view()),
    path("effects/", effects_views.EffectsView.as_view()),
    path("effects/poll/", effects_views.PollingView.as_view()),
    path("quiet/", navigation_views.QuietView.as_view()),
    path("plain/", TemplateView.as_view(template_name="testapp/plain.html")),
    path("todo/", include("tests.todoapp.urls")),
    path("forms/", include("tests.formapp.urls")),
    path("uploads/", include("tests.uploadapp.urls")),
    path("jobs/", include("tests.todoapp.async_views")),
    path("", include("live_views.urls")),
    path("report/", session_views.ReportView.as_view()),
    path("steppers/", component_views.SteppersView.as_view()),
    path("sent-updates/", sent_update_views.SentUpdatesView.as_view()),
    path("sent-updates/nested/", sent_update_views.NestedSentView.as_view()),
    path("sent-updates/refresh/", sent_update_views.RefreshSentView.as_view()),
    path("csrf-renew/", component_views.CsrfRenewView.as_view()),
    path("plain-steppers/", component_views.PlainSteppersView.as_view()),
    path("secret/", component_views.SecretView.as_view()),
    path("kept/", component_views.KeptView.as_view()),
    path("closed-modal/", component_views.ClosedModalView.as_view()),
    path("open-modal/", component_views.OpenModalView.as_view()),
    path("row-list/", component_views.RowListView.as_view()),
    path("form-row-list/", component_views.FormRowListView.as_view()),
    path("stepper-rows/", component_views.StepperRowsView.as_view()),
    path("open-rows/", component_views.OpenRowsView.as_view()),
    path(
        "plain-stepper-rows/",
        TemplateView.as_view(template_name="testapp/plain_stepper_rows.html"),
    ),
    path("board/<int:pk>/", component_views.BoardView.as_view()),
    path("news/", component_views.NewsView.as_view()),
    path("hidable-news/", component_views.HidableNewsView.as_view()),
    path("task-lines/", component_views.TaskLinesView.as_view()),
    path("stale-task-lines/", component_views.StaleTaskLinesView.as_view()),
    path("plain-news/", TemplateView.as_view(template_name="testapp/plain_news.html")),
    path("plain-kept/", TemplateView.as_view(template_name="testapp/plain_kept.html")),
    path("private-steppers/", login_required(component_views.PlainSteppersView.as_view())),
    path(
        "plain-secret/",
        TemplateView.as_view(template_name="testapp/plain_secret.html"),
    ),
    path("password/", session_views.change_password),
    path("logout/", LogoutView.as_view(next_page="/counter/")),
]
