"""sample_site as a showcase: a home page linking every demo, each showing its own source."""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from tests.live_server import SAMPLE_SITE, LiveServer

LINK_RE = re.compile(r'<li><a href="(/[^"]*)">([^<]+)</a>: (.*?)</li>', re.DOTALL)


@pytest.fixture(scope="module")
def server():
    with LiveServer() as server:
        yield server


def fetch(server, path):
    with urllib.request.urlopen(server.url(path), timeout=10) as response:
        return response.status, response.geturl(), response.read().decode()


def demo_links(server):
    _, _, body = fetch(server, "/")
    return LINK_RE.findall(body)


def test_the_home_page_links_every_demo_with_a_line_of_explanation(server):
    links = demo_links(server)

    paths = {path for path, _, _ in links}
    assert {"/counter/", "/private/", "/todos/", "/signup/", "/contacts/"} <= paths
    for path, title, explanation in links:
        assert title.strip()
        assert len(re.sub(r"<[^>]+>", "", explanation).strip()) > 20, (
            f"{path}: say in a line what the demo shows"
        )


def test_every_demo_shows_its_view_and_template_source(server):
    for path, _title, _ in demo_links(server):
        status, final_url, body = fetch(server, path)
        assert status == 200, path
        if "/login/" in final_url:
            continue  # the private counter asks for a login first
        source = html.unescape(body)
        assert re.search(r"class \w+\((Live|LoginRequired)", source), f"{path}: no view source"
        assert "{% extends" in source or "{% load live_views %}" in source, path
        # The source is text on the page, never markup.
        assert "<pre><code>class " in body


def test_the_source_is_not_sent_again_by_live_updates(server):
    _, _, body = fetch(server, "/counter/")
    # Everything outside liveblocks is rendered once, by the page load.
    block = re.search(r'<div id="lv-counter".*?</div>', body, re.DOTALL).group(0)
    assert "class CounterView" not in block


def test_logging_out_goes_home(server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(server.url("/login/"), timeout=10) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    login = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "demo", "password": "demo"}
    )
    with opener.open(server.url("/login/"), login.encode(), timeout=10) as response:
        body = response.read().decode()
    assert "Log out demo" in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    logout = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    with opener.open(server.url("/logout/"), logout, timeout=10) as response:
        assert response.status == 200
        assert response.geturl() == server.url("/")
        assert "Log in" in response.read().decode()


def run_in_sample_site(tmp_path, script):
    """``script``'s output, run by the sample site's ``manage.py shell`` on a fresh database (and
    cache) in ``tmp_path``, with the site's own settings."""
    env = {**os.environ, "DEMO_DB": str(tmp_path / "db.sqlite3")}
    env["DEMO_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("DJANGO_SETTINGS_MODULE")
    for args in (["migrate", "-v", "0"], ["shell", "-c", script]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=SAMPLE_SITE, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_todo_count_says_how_many_are_left(tmp_path):
    script = (
        "from django.test import Client\n"
        "from demo.models import Todo\n"
        "Todo.objects.create(title='a', done=True)\n"
        "Todo.objects.create(title='b')\n"
        "Todo.objects.create(title='c')\n"
        "print(Client(HTTP_HOST='127.0.0.1').get('/todos/').content.decode())\n"
    )
    output = run_in_sample_site(tmp_path, script)
    block = re.search(r'<span id="lv-remaining"[^>]*>(.*?)</span>', output).group(1)
    assert block == "2 of 3 items left to do"


CONTACT_ROWS_SCRIPT = """
import re
from django.conf import settings
from demo.models import Contact
from live_views.components.host import ComponentHost
from live_views.testing import LiveClient

settings.ALLOWED_HOSTS.append("testserver")  # LiveClient's host
shown = []  # the rows a render showed: rendered afresh ("+"), or handed over as they were
render, reuse = ComponentHost.render_component, ComponentHost.reuse

def rendering(self, key, *args):
    shown.append("+" + key[1])
    return render(self, key, *args)

def reusing(self, key, *args):
    shown.append(key[1])
    return reuse(self, key, *args)

ComponentHost.render_component, ComponentHost.reuse = rendering, reusing

def text(markup):
    return re.sub(r"\\s+", " ", re.sub(r"<[^>]+>", "", markup)).strip()

grace = Contact.objects.get(email="grace@example.com")
ada = Contact.objects.get(email="ada@example.com")
page = LiveClient().live("/contacts/rows/")
row, other = page.component(str(grace.pk)), page.component(str(ada.pk))
assert text(page.block("summary")) == "3 contacts, 0 saved from this page.", page.block("summary")
assert "555-0102" in row.html and "<form" not in row.html

shown.clear()
row.send("edit")
assert shown == [f"+{grace.pk}"], shown  # the other rows are neither rendered nor handed over
assert 'value="Grace Hopper"' in row.html and "<form" not in other.html

prefix = f"contact-{grace.pk}-"
fields = {prefix + "name": "Grace B. Hopper", prefix + "email": "ada@example.com",
          prefix + "phone": "555-0199"}
row.validate(prefix + "email", **fields)
assert "Contact with this Email already exists." in row.block("field", "email"), row.html
fields[prefix + "email"] = "grace@example.com"
shown.clear()
row.submit("submit", **fields)
assert "<form" not in row.html and "Grace B. Hopper" in row.html and "555-0199" in row.html
# The save counted on the page through self.parent: the page's blocks rendered, the other
# rows handed over as they were, their templates not run.
assert text(page.block("summary")) == "3 contacts, 1 saved from this page."
others = Contact.objects.exclude(pk=grace.pk).values_list("pk", flat=True)
assert sorted(shown) == sorted([f"+{grace.pk}", *(str(pk) for pk in others)]), shown
grace.refresh_from_db()
assert (grace.name, grace.phone) == ("Grace B. Hopper", "555-0199")

row.send("edit")
row.validate(prefix + "phone", **{**fields, prefix + "phone": "x" * 40})
assert "at most 30 characters" in row.block("field", "phone"), row.html
row.validate(prefix + "phone", **{**fields, prefix + "phone": "changed my mind"})
row.send("cancel")
assert "<form" not in row.html and "555-0199" in row.html
assert page.errors == []
print("contact rows: ok")
"""


def test_the_contact_rows_demo_edits_one_row_in_place(tmp_path):
    """Through live_views.testing against the sample site's own settings and database."""
    assert "contact rows: ok" in run_in_sample_site(tmp_path, CONTACT_ROWS_SCRIPT)


def test_without_debug_the_site_refuses_the_public_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0"}
    env.pop("DJANGO_SECRET_KEY", None)
    env.pop("DJANGO_SETTINGS_MODULE")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=SAMPLE_SITE, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY" in result.stderr


def test_the_vendored_stylesheet_is_the_pinned_pico():
    pinned = json.loads((SAMPLE_SITE / "frontend" / "package.json").read_text())
    version = pinned["dependencies"]["@picocss/pico"]
    css = (SAMPLE_SITE / "demo" / "static" / "demo" / "pico.min.css").read_text()
    assert f"Pico CSS ✨ v{version} " in css[:200]
    lock = json.loads((SAMPLE_SITE / "frontend" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@picocss/pico"]["version"] == version
