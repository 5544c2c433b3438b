from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.module_loading import import_string

from live_views import checks as live_checks
from live_views.checks import check_settings, check_wiring

APPS_WITHOUT_SERVER = [app for app in settings.INSTALLED_APPS if app not in ("daphne", "channels")]


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [message.id for message in messages]


def all_ids() -> list[str]:
    return ids(check_settings()) + ids(check_wiring())


# One mis-configuration per id: (settings to override, the check that must report it).
MISCONFIGURED: dict[str, dict[str, Any]] = {
    "live_views.E001": {"INSTALLED_APPS": APPS_WITHOUT_SERVER},
    "live_views.E002": {"ASGI_APPLICATION": None},
    "live_views.E003": {"CHANNEL_LAYERS": {}},
    "live_views.E004": {"ASGI_APPLICATION": "tests.no_such_module.application"},
    "live_views.E005": {"ASGI_APPLICATION": "tests.asgi_without_route.application"},
    "live_views.E006": {"ASGI_APPLICATION": "tests.asgi_prefixed_route.application"},
    "live_views.E010": {"LIVE_VIEWS": ["TOKEN_MAX_AGE", 60]},
    "live_views.E011": {"LIVE_VIEWS": {"TOKEN_MAXAGE": 60}},
    "live_views.E012": {"LIVE_VIEWS": {"TOKEN_MAX_AGE": "3600"}},
    "live_views.E013": {"LIVE_VIEWS": {"ALLOWED_ORIGINS": "https://app.example.com"}},
    "live_views.E016": {"LIVE_VIEWS": {"EVENT_RATE": 0}},
    "live_views.E017": {"LIVE_VIEWS": {"MAX_CONNECTIONS_PER_SESSION": "20"}},
    "live_views.E019": {"LIVE_VIEWS": {"TRANSPORT": "long-poll"}},
}


def errors_for(check_id: str) -> list[checks.CheckMessage]:
    with override_settings(**MISCONFIGURED[check_id]):
        return [m for m in check_settings() + check_wiring() if m.id == check_id]


# -- the test settings are clean ---------------------------------------------------------------


def test_no_check_fires_on_the_test_settings():
    assert check_settings() == []
    assert check_wiring() == []


def test_the_checks_are_registered_and_clean():
    assert not [m for m in checks.run_checks() if (m.id or "").startswith("live_views.")]


@override_settings(ASGI_APPLICATION=None)
def test_the_checks_are_registered_with_django():
    assert "live_views.E002" in ids(checks.run_checks())


# -- each id fires on its mis-configuration ----------------------------------------------------


@pytest.mark.parametrize("check_id", sorted(MISCONFIGURED))
def test_each_check_fires_on_its_misconfiguration(check_id):
    messages = errors_for(check_id)
    assert len(messages) == 1
    assert isinstance(messages[0], checks.Error)


@pytest.mark.parametrize(
    "check_id",
    [
        "live_views.E001",
        "live_views.E002",
        "live_views.E003",
        "live_views.E005",
        "live_views.E006",
        "live_views.E010",
        "live_views.E011",
        "live_views.E012",
        "live_views.E013",
        "live_views.E016",
        "live_views.E017",
        "live_views.E019",
    ],
)
def test_each_error_has_a_hint_or_says_what_the_value_must_be(check_id):
    (error,) = errors_for(check_id)
    assert error.hint or " must " in error.msg


def test_an_unimportable_asgi_application_error_has_a_hint():
    (error,) = errors_for("live_views.E004")
    assert error.hint


# -- E001: an ASGI server app ------------------------------------------------------------------


def test_e001_names_daphne_and_channels():
    (error,) = errors_for("live_views.E001")
    assert "'daphne'" in error.msg
    assert "'channels'" in error.msg
    # A WSGI project's way out, which the hint did not name (the HTTP transport guide did).
    assert "LIVE_VIEWS = {'TRANSPORT': 'http'}" in error.hint


@override_settings(INSTALLED_APPS=APPS_WITHOUT_SERVER, LIVE_VIEWS={"TRANSPORT": "http"})
def test_e001_is_not_asked_of_a_project_on_http_only():
    assert "live_views.E001" not in ids(check_wiring())


@override_settings(INSTALLED_APPS=[*APPS_WITHOUT_SERVER, "channels"])
def test_e001_is_satisfied_by_channels_alone():
    assert "live_views.E001" not in ids(check_wiring())


@override_settings(INSTALLED_APPS=[*APPS_WITHOUT_SERVER, "channels.apps.ChannelsConfig"])
def test_e001_is_satisfied_by_an_app_config_path():
    assert "live_views.E001" not in ids(check_wiring())


# -- E002 to E005: the ASGI application --------------------------------------------------------


@pytest.mark.parametrize("value", [None, ""])
def test_e002_fires_alone_when_asgi_application_is_unset(value):
    with override_settings(ASGI_APPLICATION=value):
        assert ids(check_wiring()) == ["live_views.E002"]


def test_e002_fires_when_asgi_application_is_absent(settings):
    del settings.ASGI_APPLICATION
    assert ids(check_wiring()) == ["live_views.E002"]


@pytest.mark.parametrize("layers", [{}, None, {"other": {"BACKEND": "x"}}])
def test_e003_fires_without_a_default_channel_layer(layers):
    with override_settings(CHANNEL_LAYERS=layers):
        assert ids(check_wiring()) == ["live_views.E003"]


def test_e003_fires_when_channel_layers_is_absent(settings):
    del settings.CHANNEL_LAYERS
    assert ids(check_wiring()) == ["live_views.E003"]


@pytest.mark.parametrize(
    "path", ["tests.no_such_module.application", "tests.asgi_without_route.no_such_app", "x"]
)
def test_e004_fires_when_asgi_application_cannot_be_imported(path):
    with override_settings(ASGI_APPLICATION=path):
        messages = check_wiring()
    assert ids(messages) == ["live_views.E004"]
    assert repr(path) in messages[0].msg


def test_e005_fires_when_the_route_is_not_mounted():
    with override_settings(ASGI_APPLICATION="tests.asgi_without_route.application"):
        (error,) = check_wiring()
    assert error.id == "live_views.E005"
    assert "websocket_urlpatterns" in error.hint
    assert "SILENCED_SYSTEM_CHECKS" in error.hint


@override_settings(ASGI_APPLICATION="tests.asgi_wrapped_route.application")
def test_e005_finds_the_route_inside_middleware_and_nested_routers():
    assert check_wiring() == []


def test_e006_fires_when_the_route_is_mounted_under_a_prefix():
    with override_settings(ASGI_APPLICATION="tests.asgi_prefixed_route.application"):
        (error,) = check_wiring()
    assert error.id == "live_views.E006"
    assert "'live/ws/'" in error.msg
    assert "path('ws/', ...)" in error.hint


def test_e006_takes_a_route_nested_under_the_force_script_name_prefix():
    # Without --root-path the server's path holds FORCE_SCRIPT_NAME's prefix: there, a route
    # nested under it is where the pages' sockets arrive.
    with override_settings(
        ASGI_APPLICATION="tests.asgi_prefixed_route.application", FORCE_SCRIPT_NAME="/ws/"
    ):
        assert check_wiring() == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("module", "reaches_the_route"), [("asgi_prefixed_route", False), ("asgi_wrapped_route", True)]
)
async def test_e006_tells_the_routes_pages_cannot_reach_from_those_they_can(
    module, reaches_the_route
):
    # Pages open <script prefix>live/ws/: under a prefix, channels finds no route for it.
    application = import_string(f"tests.{module}.application")
    communicator = WebsocketCommunicator(application, "/live/ws/")
    if reaches_the_route:
        await communicator.connect()  # the live consumer answers (and refuses a page with no token)
        await communicator.disconnect()
    else:
        with pytest.raises(ValueError, match="No route found for path 'live/ws/'"):
            await communicator.connect()


# -- E010 to E013: the LIVE_VIEWS setting ------------------------------------------------------


@pytest.mark.parametrize("value", [[], "TOKEN_MAX_AGE=60", None, 60])
def test_e010_fires_alone_when_live_views_is_not_a_dict(value):
    with override_settings(LIVE_VIEWS=value):
        messages = check_settings()
    assert ids(messages) == ["live_views.E010"]
    assert type(value).__name__ in messages[0].msg


def test_no_live_views_setting_is_fine(settings):
    if hasattr(settings, "LIVE_VIEWS"):
        del settings.LIVE_VIEWS
    assert check_settings() == []


def test_e011_names_each_unknown_key_and_lists_the_valid_ones():
    with override_settings(LIVE_VIEWS={"TOKEN_MAXAGE": 60, "ORIGINS": []}):
        messages = check_settings()
    assert ids(messages) == ["live_views.E011", "live_views.E011"]
    assert "'ORIGINS'" in messages[0].msg
    assert "'TOKEN_MAXAGE'" in messages[1].msg
    for key in ("TOKEN_MAX_AGE", "MAX_FRAME_BYTES", "ALLOWED_ORIGINS"):
        assert key in messages[0].hint


@pytest.mark.parametrize(
    "value",
    [
        {"TOKEN_MAX_AGE": "3600"},
        {"TOKEN_MAX_AGE": True},
        {"TOKEN_MAX_AGE": 59},
        {"TOKEN_MAX_AGE": 3600.0},
        {"TOKEN_MAX_AGE": None},
        {"MAX_FRAME_BYTES": 1023},
        {"MAX_FRAME_BYTES": -1},
    ],
)
def test_e012_fires_on_a_bad_integer_setting(value):
    with override_settings(LIVE_VIEWS=value):
        messages = check_settings()
    assert ids(messages) == ["live_views.E012"]
    key = next(iter(value))
    assert repr(key) in messages[0].msg
    assert repr(value[key]) in messages[0].msg


@override_settings(LIVE_VIEWS={"TOKEN_MAX_AGE": 60, "MAX_FRAME_BYTES": 1024})
def test_e012_accepts_the_minimum_values():
    assert check_settings() == []


@pytest.mark.parametrize(
    "origins", ["https://app.example.com", ["app.example.com"], [1], ["ftp://x.example.com"]]
)
def test_e013_fires_when_allowed_origins_are_not_origins(origins):
    with override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": origins}):
        assert ids(check_settings()) == ["live_views.E013"]


@pytest.mark.parametrize(
    "origins",
    [[], ["https://app.example.com"], ("http://localhost:8000", "https://a.example.com")],
)
def test_e013_accepts_lists_of_origins(origins):
    with override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": origins}):
        assert check_settings() == []


def test_e013_fires_on_an_origin_with_a_path():
    with override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": ["https://app.example.com/app"]}):
        assert ids(check_settings()) == ["live_views.E013"]


def test_e013_fires_on_an_origin_that_is_no_url_and_w013_leaves_it_to_e013():
    # urlsplit() raises on an unclosed IPv6 bracket: the checks crashed `manage.py check`
    # (a traceback) instead of saying which setting is wrong.
    with override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": ["http://[::1"]}):
        assert ids(check_settings()) == ["live_views.E013"]
        assert live_checks.check_origins_over_http() == []


def test_e013_names_the_entries_that_are_not_origins():
    # A long list with one bad entry was repeated whole ("must be a list of origins, not
    # [...]"), leaving the reader to find which entry was wrong.
    origins = ["https://app.example.com", "app.example.com", "https://admin.example.com/x"]
    with override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": origins}):
        (error,) = check_settings()
    assert error.id == "live_views.E013"
    assert error.msg == (
        "LIVE_VIEWS['ALLOWED_ORIGINS'] lists 'app.example.com', 'https://admin.example.com/x', "
        "which are not origins."
    )
    assert 'e.g. ["https://app.example.com"]' in error.hint
    with override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": origins[:2]}):
        (error,) = check_settings()
    assert error.msg.endswith("lists 'app.example.com', which is not an origin.")


# -- the ids themselves ------------------------------------------------------------------------


def source_ids() -> list[str]:
    # A regex, not ast.parse: CPython 3.11.7's parser can fail with "AST constructor recursion
    # depth mismatch" when other threads are busy (fixed in 3.11.8).
    return re.findall(r'\bid="([^"]+)"', Path(live_checks.__file__).read_text())


def test_every_check_id_is_unique():
    found = source_ids()
    assert len(found) >= len(MISCONFIGURED)
    assert len(found) == len(set(found))


def test_every_check_id_is_namespaced():
    assert all(re.fullmatch(r"live_views\.[EW]\d{3}", check_id) for check_id in source_ids())


def test_a_live_view_without_live_views_installed_names_the_fix(client):
    apps_without = [app for app in settings.INSTALLED_APPS if app != "live_views"]
    fix = "'live_views' is not in INSTALLED_APPS"
    with (
        override_settings(INSTALLED_APPS=apps_without),
        pytest.raises(ImproperlyConfigured, match=fix),
    ):
        client.get("/counter/")


# -- E019: the transport -------------------------------------------------------------------------


def test_the_transport_error_names_the_bad_value_and_the_choices():
    (error,) = errors_for("live_views.E019")
    assert "'long-poll'" in error.msg
    assert "'websocket', 'http'" in error.msg


@override_settings(
    LIVE_VIEWS={"TRANSPORT": "http"}, ASGI_APPLICATION=None, INSTALLED_APPS=APPS_WITHOUT_SERVER
)
def test_a_project_on_the_http_transport_needs_no_asgi_application():
    # A WSGI project: no daphne/channels app, no ASGI_APPLICATION, no socket route to check.
    assert check_wiring() == []


# -- E007: the HTTP transport without its route ---------------------------------------------


def urls_ids() -> list[str]:
    return ids(checks.run_checks(tags=[checks.Tags.urls]))


@override_settings(LIVE_VIEWS={"TRANSPORT": "http"}, ROOT_URLCONF="tests.plain_view_urls")
def test_e007_fires_on_the_http_transport_without_live_views_urls(client):
    (error,) = [m for m in checks.run_checks(tags=[checks.Tags.urls]) if m.id == "live_views.E007"]
    assert "live_views.urls" in error.msg
    assert error.hint == 'Add path("", include("live_views.urls")) to your ROOT_URLCONF.'
    # What it prevents: the page is not told where its frames go, so it never goes live.
    html = client.get("/live/").content.decode()
    assert "data-live-root" in html
    assert "data-live-http" not in html


@pytest.mark.parametrize(
    ("transport", "urlconf"),
    [("http", "tests.urls"), ("websocket", "tests.plain_view_urls")],
)
def test_e007_is_quiet_with_the_route_or_on_the_socket(transport, urlconf):
    with override_settings(LIVE_VIEWS={"TRANSPORT": transport}, ROOT_URLCONF=urlconf):
        assert "live_views.E007" not in urls_ids()


# -- E023: @live_event on a view that is not live ----------------------------------------------


@override_settings(ROOT_URLCONF="tests.plain_view_urls")
def test_e023_names_the_routed_view_whose_live_events_no_browser_can_call():
    messages = [m for m in checks.run_checks(tags=[checks.Tags.urls]) if m.id == "live_views.E023"]
    (error,) = messages  # not the plain view without events, nor the live one
    assert isinstance(error, checks.Error)
    assert error.msg.startswith("PlainCounterView has @live_event methods (increment, zero)")
    assert "class PlainCounterView(LiveViewMixin, TemplateView)" in error.hint


def test_e023_is_quiet_on_the_test_urlconf():
    assert "live_views.E023" not in ids(checks.run_checks(tags=[checks.Tags.urls]))


# -- W032: a live login form that validates while the user types ---------------------------------
# Found by a walk-through in Chromium with Django's default hasher: each pause in typing ran
# authenticate(), and the submit after it was refused "Too many events".


@override_settings(ROOT_URLCONF="tests.testapp.login_views")
def test_w032_names_a_live_login_view_that_validates_while_typing(monkeypatch):
    from tests.testapp.login_views import LiveLoginView

    monkeypatch.setattr(LiveLoginView, "live_validate_trigger", "blur")
    (warning,) = [
        m for m in checks.run_checks(tags=[checks.Tags.urls]) if m.id == "live_views.W032"
    ]
    assert warning.obj is LiveLoginView
    assert warning.msg.startswith("LiveLoginView validates its AuthenticationForm while the user")
    assert warning.hint.startswith('Set live_validate_trigger = ""')
    monkeypatch.setattr(LiveLoginView, "live_validate_trigger", "")
    assert "live_views.W032" not in ids(checks.run_checks(tags=[checks.Tags.urls]))


# -- deployment: manage.py check --deploy ------------------------------------------------------
# Found by a walk-through of the deployment guide, whose checklist says check --deploy passes
# "including the live_views checks": with the in-memory layer and four workers, a save reached
# no page, and check --deploy said nothing.

REDIS_LAYER = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}
IN_MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
REDIS_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}


def test_the_deployment_checks_run_with_check_deploy_only():
    from django.core.checks.registry import registry

    from live_views.checks import check_deployment

    assert check_deployment in registry.get_checks(include_deployment_checks=True)
    assert check_deployment not in registry.get_checks(include_deployment_checks=False)


@override_settings(CHANNEL_LAYERS=IN_MEMORY_LAYER)
def test_w050_the_in_memory_layer_in_production():
    from live_views.checks import check_deployment

    (warning,) = check_deployment()
    assert warning.id == "live_views.W050"
    assert "reaches only the live pages of the process that made it" in warning.msg
    assert "RedisChannelLayer" in warning.hint


@override_settings(CHANNEL_LAYERS=REDIS_LAYER, ROOT_URLCONF="tests.plain_view_urls")
def test_w052_no_http_fallback_in_production(client):
    from live_views.checks import check_deployment

    (warning,) = check_deployment()
    assert warning.id == "live_views.W052"
    assert "cannot open" in warning.msg
    assert warning.hint.startswith('Add path("", include("live_views.urls"))')
    # What it warns of: the page has no HTTP transport to go to.
    assert "data-live-http" not in client.get("/live/").content.decode()


@pytest.mark.parametrize(
    ("transport", "urlconf"), [("websocket", "tests.urls"), ("http", "tests.plain_view_urls")]
)
def test_w052_is_quiet_with_the_routes_or_on_http_only(transport, urlconf):
    from live_views.checks import check_deployment

    with override_settings(
        LIVE_VIEWS={"TRANSPORT": transport}, ROOT_URLCONF=urlconf, CHANNEL_LAYERS=REDIS_LAYER
    ):
        assert "live_views.W052" not in [m.id for m in check_deployment()]


@pytest.mark.parametrize(
    ("engine", "caches", "expected"),
    [
        ("django.contrib.sessions.backends.cache", {"default": LOCMEM}, ["live_views.W051"]),
        ("django.contrib.sessions.backends.cache", {"default": REDIS_CACHE}, []),
        ("django.contrib.sessions.backends.cached_db", {"default": LOCMEM}, []),
        ("django.contrib.sessions.backends.db", {"default": LOCMEM}, []),
    ],
)
def test_w051_sessions_in_a_per_process_cache(engine, caches, expected):
    from live_views.checks import check_deployment

    with override_settings(SESSION_ENGINE=engine, CACHES=caches, CHANNEL_LAYERS=REDIS_LAYER):
        assert [m.id for m in check_deployment()] == expected


# -- W013: an origin the socket trusts and Django's CSRF check does not ------------------------
# tests/test_origins_trusted.py shows what it warns of: such an origin's events over HTTP are
# refused by CsrfViewMiddleware (403).


@pytest.mark.parametrize(
    ("allowed", "csrf_trusted"),
    [
        (["https://app.example.com"], []),
        (["https://app.example.com"], ["http://app.example.com"]),
        (["https://app.example.com"], ["https://app.example.com:8443"]),
        (["https://*.example.com"], ["https://app.example.com"]),
        (["https://*.example.com"], ["https://*.app.example.com"]),
    ],
)
def test_w013_names_the_allowed_origins_that_csrf_trusted_origins_does_not_cover(
    allowed, csrf_trusted
):
    with override_settings(
        LIVE_VIEWS={"ALLOWED_ORIGINS": allowed}, CSRF_TRUSTED_ORIGINS=csrf_trusted
    ):
        (warning,) = live_checks.check_origins_over_http()
    assert warning.id == "live_views.W013"
    assert f"lists {allowed[0]!r}, which CSRF_TRUSTED_ORIGINS does not" in warning.msg
    assert warning.hint.startswith("List them in CSRF_TRUSTED_ORIGINS instead")


@pytest.mark.parametrize(
    ("allowed", "csrf_trusted"),
    [
        (["https://App.example.com/"], ["https://app.example.com"]),
        (["https://app.example.com"], ["https://*.example.com"]),
        (["https://*.a.example.com"], ["https://*.example.com"]),
        (["https://*.example.com"], ["https://*.example.com"]),
        ("https://app.example.com", []),  # not a list: that is E013's to say
    ],
)
def test_w013_is_quiet_when_csrf_trusted_origins_covers_them(allowed, csrf_trusted):
    with override_settings(
        LIVE_VIEWS={"ALLOWED_ORIGINS": allowed}, CSRF_TRUSTED_ORIGINS=csrf_trusted
    ):
        assert live_checks.check_origins_over_http() == []


def test_w013_is_quiet_without_the_http_transport():
    with override_settings(
        LIVE_VIEWS={"ALLOWED_ORIGINS": ["https://app.example.com"]},
        ROOT_URLCONF="tests.plain_view_urls",
    ):
        assert live_checks.check_origins_over_http() == []


# -- W053: a session ticket is single-use only on a cache whose add() is atomic ----------------

FILE_BASED = "django.core.cache.backends.filebased.FileBasedCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"


@pytest.mark.parametrize(
    ("cache", "expected"),
    [
        ({"BACKEND": FILE_BASED}, ["live_views.W053"]),
        ({"BACKEND": DUMMY}, ["live_views.W053"]),
        (LOCMEM, []),
        ({**REDIS_CACHE, "LOCATION": "redis://127.0.0.1:6379"}, []),
        ({"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}, []),
    ],
)
def test_w053_a_state_cache_whose_add_claims_no_ticket_once(cache, expected, tmp_path):
    from live_views.checks import check_deployment

    cache = {"LOCATION": str(tmp_path), **cache}
    with override_settings(
        CACHES={"default": LOCMEM, "state": cache},
        LIVE_VIEWS={"STATE_CACHE": "state"},
        CHANNEL_LAYERS=REDIS_LAYER,
    ):
        messages = check_deployment()
    assert [m.id for m in messages] == expected
    if expected:
        assert "LIVE_VIEWS['STATE_CACHE'] is the " in messages[0].msg
        assert "'state'" in messages[0].msg
        assert "used twice" in messages[0].msg
        assert "Redis, Memcached or the database cache" in messages[0].hint


def test_w053_is_quiet_without_the_session_route(tmp_path):
    from live_views.checks import check_deployment

    with override_settings(
        CACHES={"default": {"BACKEND": FILE_BASED, "LOCATION": str(tmp_path)}},
        CHANNEL_LAYERS=REDIS_LAYER,
        ROOT_URLCONF="tests.plain_view_urls",
        LIVE_VIEWS={"TRANSPORT": "http"},  # W052 asks for the routes otherwise
    ):
        assert "live_views.W053" not in [m.id for m in check_deployment()]
