from __future__ import annotations

from django.urls import path
from django.views.generic import TemplateView

from tests.uploadapp import views

app_name = "uploadapp"

urlpatterns = [
    path("profile/", views.ProfileCreateView.as_view(), name="profile"),
    path("profile/<int:pk>/", views.ProfileUpdateView.as_view(), name="profile_edit"),
    path("document/", views.DocumentCreateView.as_view(), name="document"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("contact/notifying/", views.NotifyingContactView.as_view()),
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("documents/", views.DocumentBatchView.as_view(), name="documents"),
    path("components/", views.ComponentsView.as_view(), name="components"),
    path("hidable-component/", views.HidableComponentView.as_view()),
    path(
        "plain-component/",
        TemplateView.as_view(template_name="uploadapp/plain_component.html"),
        name="plain_component",
    ),
    path("closable-plain-component/", views.closable_plain_component),
    path("done/", views.done, name="done"),
]
