from django.urls import path

from . import views

urlpatterns = [
    path("counter/", views.CounterView.as_view(), name="counter"),
    path("tasks/new/", views.TaskCreateView.as_view(), name="task-new"),
]
