"""The README's "What runs on the socket" examples run: a middleware that sets an attribute on
every request and adds a header only over HTTP (request.live_socket), and a live LoginView."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

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


LOGIN_TEMPLATE = """{% load live_views %}<html><body {% live_connect %}>
<form method="post" {% live_form %}>{% csrf_token %}{% liveblock form %}{{ form.as_p }}
{% endliveblock %}<button>Log in</button></form></body></html>"""


def whoami(request):
    return HttpResponse(request.user.get_username() or "anonymous")


@pytest.fixture
def readme_login_site(tmp_path, live_db):
    with readme_site(
        tmp_path,
        templates={"login.html": LOGIN_TEMPLATE},
        modules={"readme_live_login": EXAMPLES["live_login.py"]},
        routes=lambda m: [
            path("login/", m["readme_live_login"].LiveLoginView.as_view()),
            path("", include("live_views.urls")),
            path("", whoami),
        ],
    ):
        yield


def test_the_live_login_view_checks_the_password_on_submit_only(readme_login_site):
    # AuthenticationForm.clean() calls authenticate(): validated at each pause in typing, every
    # partial password was hashed (a third of a second of CPU with Django's hasher, which spent
    # the socket's event budget, so the submit after it was refused "Too many events") and
    # counted as a failed login (user_login_failed, lockouts). The browser sends no validate.
    client = LiveClient()
    try:
        with client.live("/login/") as page:
            fields = re.findall(r"<input [^>]*>", page.html)
            assert [f for f in fields if 'name="password"' in f]
            assert not [f for f in fields if 'data-live-event="validate"' in f], fields
    finally:
        client.close()


def test_the_live_login_view_leaves_the_browser_logged_in(readme_login_site, django_user_model):
    django_user_model.objects.create_user("ann", password="a long pass phrase")
    client = LiveClient()
    try:
        page = client.live("/login/")
        page.submit("submit", username="ann", password="a long pass phrase")
        assert page.redirect_url == "/"  # through the session route, which set the cookie
        assert client.get("/").content == b"ann"
        page.close()
    finally:
        client.close()
