from __future__ import annotations

from django.urls import path

from tests.todoapp import views

urlpatterns = [
    path("tasks/", views.TaskListView.as_view()),
    path("boards/<int:pk>/", views.BoardDetailView.as_view()),
    path("news/", views.TopicView.as_view()),
]
