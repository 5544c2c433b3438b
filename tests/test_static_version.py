"""``live_static_changed``: a page open across a deploy reconnects to a server whose static files
(its ``ManifestStaticFilesStorage`` manifest) are not those the page was rendered with, and its
view says so. A real manifest storage in a temporary STATIC_ROOT, ``collectstatic`` for each
"deploy", and the real ASGI application and consumer."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import signing
from django.core.management import call_command
from django.test import override_settings

from live_views import broadcast
from live_views.connect.static_version import current_static_version
from live_views.testing import LiveClient
from tests.live_helpers import SOCKET, refusal_code, token_of
from tests.test_http_endpoint import Page, frame_of, shown
from tests.testapp.static_views import NEWS

pytestmark = pytest.mark.urls("tests.static_urls")

PAGE = "/stale/"
BANNER = '<p id="new-version">'
MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


class Build:
    """The project's static sources, and ``collectstatic`` into its STATIC_ROOT: a deploy."""

    def __init__(self, root: Path) -> None:
        self.sources = root / "sources"
        self.sources.mkdir()
        self.css = self.sources / "app.css"
        self.css.write_text("body { color: black; }\n")

    def deploy(self, css: str | None = None) -> None:
        if css is not None:
            self.css.write_text(css)
        call_command("collectstatic", interactive=False, verbosity=0)


def storages(backend: str) -> dict[str, dict[str, str]]:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": backend},
    }


@pytest.fixture
def build(tmp_path: Path) -> Iterator[Build]:
    built = Build(tmp_path)
    with override_settings(
        STATIC_ROOT=str(tmp_path / "static_root"),
        STATICFILES_DIRS=[str(built.sources)],
        STORAGES=storages(MANIFEST),
    ):
        built.deploy()
        yield built


@pytest.fixture
def live_client(live_db: None) -> Iterator[LiveClient]:
    live_client = LiveClient()
    yield live_client
    live_client.close()


def test_a_page_open_across_a_deploy_learns_it_on_reconnect(build, live_client):
    page = live_client.live(PAGE)
    assert "app." in page.html  # the hashed name: the manifest storage serves the page
    assert BANNER not in page.html  # the HTTP render: nothing changed
    assert BANNER not in page.block("banner")  # its own socket: the same build
    assert '<p id="at-get">False</p>' in page.block("counter")

    build.deploy("body { color: navy; }\n")
    page.reconnect()  # the new server

    assert BANNER in page.block("banner")
    assert '<p id="at-get">True</p>' in page.block("counter")  # get_context_data() saw it
    # For as long as the socket is open: the page still runs the old files.
    page.send("increment")
    assert '<p id="count">1</p>' in page.block("counter")
    assert BANNER in page.block("banner")


def test_a_page_loaded_after_the_deploy_is_not_stale(build, live_client):
    build.deploy("body { color: navy; }\n")
    page = live_client.live(PAGE)
    assert BANNER not in page.block("banner")
    page.reconnect()
    assert BANNER not in page.block("banner")


def test_a_deploy_that_changes_no_static_file_is_no_change(build, live_client):
    page = live_client.live(PAGE)
    build.deploy()  # the same sources: the same manifest
    page.reconnect()
    assert BANNER not in page.block("banner")


def _payload(token: str) -> tuple[dict, str]:
    """The token's payload, and the rest of it (its time stamp and signature)."""
    body, _, signature = token.partition(":")
    compressed = body.startswith(".")
    raw = signing.b64_decode(body.removeprefix(".").encode())
    return json.loads(zlib.decompress(raw) if compressed else raw), signature


def test_a_token_from_before_versions_were_kept_is_not_stale(build, live_client):
    html = live_client.get(PAGE).content.decode()
    payload, _ = _payload(token_of(html))
    assert payload["s"] == current_static_version()
    del payload["s"]  # as a server before this change signed it
    old_token = signing.dumps(payload, salt="live_views.connect", compress=True)

    build.deploy("body { color: navy; }\n")
    page = live_client.open_socket(f"{SOCKET}?t={old_token}", html)
    page.reconnect()
    assert 'id="count"' in page.block("counter")  # it mounts, as before
    assert BANNER not in page.block("banner")  # unknown is not stale


def test_a_token_edited_to_claim_another_version_is_refused(build, live_client):
    payload, signature = _payload(token_of(live_client.get(PAGE).content.decode()))
    payload["s"] = "00000000"
    body = signing.b64_encode(zlib.compress(json.dumps(payload, separators=(",", ":")).encode()))
    forged = f".{body.decode()}:{signature}"
    assert refusal_code(live_client, f"{SOCKET}?t={forged}") == 4400


def test_a_component_of_a_live_page_says_what_its_page_says(build, live_client):
    page = live_client.live(PAGE)
    assert 'class="new-version"' not in page.component("inner").html
    build.deploy("body { color: navy; }\n")
    page.reconnect()
    assert 'class="new-version"' in page.component("inner").html


def test_a_live_component_on_a_page_that_is_not_live_learns_it_on_reconnect(build, live_client):
    page = live_client.live("/plain-stale/", component="alone")
    assert 'class="new-version"' not in page.component("alone").html
    build.deploy("body { color: navy; }\n")
    page.reconnect()
    assert 'class="new-version"' in page.component("alone").html
    page.component("alone").send("increment")
    assert 'class="new-version"' in page.component("alone").html


def test_a_shared_render_keeps_each_pages_own_answer(build, live_client):
    stale = live_client.live("/shared-stale/")
    build.deploy("body { color: navy; }\n")
    stale.reconnect()
    fresh = LiveClient()
    try:
        current = fresh.live("/shared-stale/")
        NEWS.append("news")
        broadcast("stale-news")  # one render for both pages, were they alike
        stale.wait_for_update()
        current.wait_for_update()
        assert '<p id="count">1</p>' in stale.block("counter")
        assert '<p id="count">1</p>' in current.block("counter")
        assert BANNER in stale.block("banner")
        assert BANNER not in current.block("banner")
    finally:
        NEWS.clear()
        fresh.close()


@pytest.mark.usefixtures("no_http_pages")
def test_a_page_on_the_http_transport_mounted_again_after_a_deploy_learns_it(build, live_db):
    from django.test import Client

    page = Page(Client(enforce_csrf_checks=True), PAGE)
    assert BANNER not in shown(page.join())
    build.deploy("body { color: navy; }\n")
    from live_views.http.pages import close_all

    close_all()  # the new server holds no page: it mounts this one from its token
    reply = page.event("increment")
    assert frame_of(reply)["ref"] == 1
    assert BANNER in shown(reply)


def test_a_storage_without_a_manifest_has_no_version(live_client):
    with override_settings(
        STORAGES=storages("django.contrib.staticfiles.storage.StaticFilesStorage")
    ):
        assert current_static_version() is None
        payload, _ = _payload(token_of(live_client.get(PAGE).content.decode()))
        assert "s" not in payload


def test_a_manifest_storage_before_its_first_collectstatic_has_no_version(tmp_path):
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=storages(MANIFEST)):
        assert staticfiles_storage.manifest_hash == ""
        assert current_static_version() is None
