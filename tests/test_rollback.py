"""What a failing handler leaves behind: exactly what the README says (a shallow rollback)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import path

from live_views import LiveTemplateView, live_event
from live_views.testing import LiveClient

PAGE = (
    "{% load live_views %}<html><head>{% live_scripts %}</head><body {% live_connect %}>"
    "{% liveblock state %}{{ view.label }}|{{ view.items|join:',' }}{% endliveblock %}"
    "</body></html>"
)


class ItemsView(LiveTemplateView):
    template_name = "items.html"
    label = "start"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.items = ["a"]

    @live_event
    def assign_then_fail(self):
        self.label = "changed"
        self.items = [*self.items, "b"]
        raise RuntimeError("boom")

    @live_event
    def append_then_fail(self):
        self.items.append("c")
        raise RuntimeError("boom")

    @live_event
    def nothing(self):
        pass


urlpatterns = [path("items/", ItemsView.as_view())]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"items.html": PAGE})]},
    }
]


@pytest.fixture
def page():
    client = LiveClient()
    with (
        override_settings(ROOT_URLCONF=__name__, TEMPLATES=TEMPLATES),
        client.live("/items/") as page,
    ):
        yield page
    client.close()


@pytest.mark.django_db
def test_attributes_the_handler_assigned_are_restored(page):
    with pytest.raises(RuntimeError, match="boom"):
        page.send("assign_then_fail")
    page.send("nothing")
    assert page.errors[0]["code"] == "server_error"
    assert page.block("state") == "start|a"


@pytest.mark.django_db
def test_an_object_changed_in_place_keeps_the_change(page):
    with pytest.raises(RuntimeError, match="boom"):
        page.send("append_then_fail")
    page.send("nothing")
    assert page.errors[0]["code"] == "server_error"
    assert page.block("state") == "start|a,c"
