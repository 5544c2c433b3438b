from __future__ import annotations

from benchapp import views
from django.urls import path

urlpatterns = [
    path("counter/", views.CounterView.as_view()),
    path("list/", views.RowsView.as_view(n_rows=100)),
    path("list1000/", views.RowsView.as_view(n_rows=1000)),
    path("list1000-untargeted/", views.RowsView.as_view(n_rows=1000, targeted=False)),
    path("shared/", views.SharedView.as_view()),
    path("shared-per-user/", views.PerUserSharedView.as_view()),
    path("shared/bump/", views.bump_shared),
    path("shared/bump-counted/", views.bump_shared_counted),
]
