from __future__ import annotations

from django.urls import path

from tests.uploadapp import views

app_name = "uploadapp"

urlpatterns = [
    path("profile/", views.ProfileCreateView.as_view(), name="profile"),
    path("profile/<int:pk>/", views.ProfileUpdateView.as_view(), name="profile_edit"),
    path("document/", views.DocumentCreateView.as_view(), name="document"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("done/", views.done, name="done"),
]
