"""The README's "What runs on the socket" example runs: a middleware that sets an attribute on
every request and adds a header only over HTTP (request.live_socket)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path

from live_views import LiveTemplateView, live_event
from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, readme_site

TEMPLATE = """{% load live_views %}<html><body {% live_connect %}>{% liveblock shop %}
<p id="tenant">{{ request.tenant }}</p><p id="count">{{ view.count }}</p>
{% endliveblock %}</body></html>"""


class ShopView(LiveTemplateView):
    template_name = "shop.html"
    count = 0

    @live_event
    def increment(self) -> None:
        self.count += 1


@pytest.fixture
def readme_tenant_site(tmp_path, live_db):
    with readme_site(
        tmp_path,
        templates={"shop.html": TEMPLATE},
        modules={"readme_tenant": EXAMPLES["tenant_middleware.py"]},
        routes=lambda m: [path("shop/", ShopView.as_view())],
        context_processors=["django.template.context_processors.request"],
    ):
        middleware = [*settings.MIDDLEWARE, "readme_tenant.TenantMiddleware"]
        with override_settings(MIDDLEWARE=middleware):
            yield


def test_the_tenant_middleware_applies_on_the_socket_and_its_header_only_over_http(
    readme_tenant_site,
):
    client = LiveClient()
    try:
        assert client.get("/shop/")["X-Tenant"] == "testserver"
        page = client.live("/shop/")
        page.send("increment")
        block = page.block("shop")
        assert '<p id="tenant">testserver</p>' in block
        assert '<p id="count">1</p>' in block
        page.close()
    finally:
        client.close()
