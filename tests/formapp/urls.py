from __future__ import annotations

from django.urls import path

from tests.formapp import views

app_name = "formapp"

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("thanks-in-place/", views.ThanksInPlaceView.as_view(), name="thanks_in_place"),
    path("prefixed/", views.PrefixedSignupView.as_view(), name="prefixed"),
    path("long-prefixed/", views.LongPrefixedSignupView.as_view(), name="long_prefixed"),
    path("event/", views.EventView.as_view(), name="event"),
    path("email/", views.EmailChangeView.as_view(), name="email"),
    path("welcome/", views.welcome, name="welcome"),
    path("boards/", views.BoardListView.as_view(), name="boards"),
    path("boards/new/", views.BoardCreateView.as_view(), name="board_create"),
    path(
        "boards/new/another/",
        views.BoardCreateAnotherView.as_view(),
        name="board_create_another",
    ),
    path("boards/new/in-place/", views.BoardAddInPlaceView.as_view()),
    path("boards/new/reset-first/", views.BoardResetFirstView.as_view()),
    path("boards/with-tasks/", views.BoardWithTasksView.as_view(), name="board_tasks"),
    path("boards/<int:pk>/", views.BoardUpdateView.as_view(), name="board_update"),
]
