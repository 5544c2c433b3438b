"""The library's own text that visitors read comes in the page's language (LocaleMiddleware,
i18n_patterns or the language cookie), from the catalogs in live_views/locale/: why an upload
was refused, a failed live_async() result, a refused session ticket. Real pages of a French and
English site (tests/i18n_urls.py) over the real ASGI app, the upload route and the HTTP
transport."""

from __future__ import annotations

import gettext
import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

import live_views
from live_views.testing import LivePage
from live_views.testing.uploads import csrf_cookie, file_part, upload_headers, upload_url
from tests.conftest import require
from tests.live_helpers import TrackingLiveClient
from tests.processing_fixtures import DJANGO_MIDDLEWARE
from tests.test_http_endpoint import Page
from tests.test_http_jobs import pushes_until
from tests.todoapp import async_views

pytestmark = pytest.mark.urls("tests.i18n_urls")

LOCALE = Path(live_views.__file__).parent / "locale"
NBSP = "\xa0"
APOSTROPHE = "\u2019"  # French typography
MIDDLEWARE = [*DJANGO_MIDDLEWARE, "django_htmx.middleware.HtmxMiddleware"]


@pytest.fixture(autouse=True)
def french_and_english_site(settings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    async_views.RELEASE.clear()
    with override_settings(MIDDLEWARE=MIDDLEWARE, LANGUAGE_CODE="en"):
        yield
    async_views.RELEASE.set()


@pytest.fixture
def live_client(live_db: None) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient(timeout=5)
    yield live
    live.close()


def field_errors(page: LivePage, name: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.block("field", name)))


def report(page: LivePage, text: str) -> str:
    while text not in html.unescape(page.block("report")):
        page.wait_for_update()
    return html.unescape(page.block("report"))


# -- uploads: why a file was refused, as the route answers and next to the input ----------------


def test_a_file_too_large_for_a_french_page_is_refused_in_french(live_client, settings):
    # /fr/ under i18n_patterns; the upload route's own URL has no prefix and the browser asks
    # for no language: the page's URL says French.
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    page = live_client.live("/fr/uploads/document/")

    answer = page.upload("file", "gros.txt", b"x" * 1001)

    said = (
        f"gros.txt fait 1001{NBSP}octets{NBSP}; un fichier ne peut pas dépasser 1000{NBSP}octets."
    )
    assert answer["status"] == 422
    assert answer["errors"] == [said]
    page.validate("file", title="Rapport")
    assert said in field_errors(page, "file")


def test_a_french_page_takes_uploads_from_a_browser_that_asks_for_english(live_db):
    # The route resolved the page's /fr/ URL in the browser's language, found no page and
    # answered 404: no file could be uploaded to a page of another language than the browser's.
    client = TrackingLiveClient(Client(headers={"accept-language": "en"}), timeout=5)
    try:
        page = client.live("/fr/uploads/document/")
        answer = page.upload("file", "notes.txt", b"bonjour")
        assert answer["status"] == 200, answer
        assert "redirect" in page.submit("submit", title="Notes")
    finally:
        client.close()


def test_the_same_file_on_the_english_page_is_refused_in_english(live_client, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    page = live_client.live("/en/uploads/document/")

    answer = page.upload("file", "big.txt", b"x" * 1001)

    said = f"big.txt is 1001{NBSP}bytes; files may be at most 1000{NBSP}bytes."
    assert answer["errors"] == [said]
    page.validate("file", title="Report")
    assert said in field_errors(page, "file")


def test_the_language_cookie_makes_an_unprefixed_page_french(live_client, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    live_client.http.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = live_client.live("/plain/uploads/document/")

    answer = page.upload("file", "gros.txt", b"x" * 1001)

    assert "un fichier ne peut pas dépasser" in answer["errors"][0]
    page.validate("file", title="Rapport")
    assert "un fichier ne peut pas dépasser" in field_errors(page, "file")


def test_djangos_own_validator_messages_come_in_the_pages_language_too(live_client):
    page = live_client.live("/fr/uploads/document/")

    answer = page.upload("file", "virus.exe", b"MZ")

    assert answer["status"] == 422
    assert "L'extension de fichier «\xa0exe\xa0»" in answer["errors"][0]
    page.validate("file", title="Rapport")
    assert "L'extension de fichier «\xa0exe\xa0»" in field_errors(page, "file")


def test_too_many_files_and_a_file_larger_than_it_said_are_refused_in_french(live_client, settings):
    page = live_client.live("/fr/uploads/contact/")
    for index in range(20):
        assert page.upload("attachments", f"{index}.txt", b"x", append=index > 0)["status"] == 200
    answer = page.upload("attachments", "de-trop.txt", b"x", append=True)
    assert answer["errors"] == ["Au plus 20 fichiers par champ."]

    # A browser that announced 10 bytes, then sent more than the limit.
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_UPLOAD_BYTES": 1000}
    page = live_client.live("/fr/uploads/document/")
    headers = upload_headers(
        page.html, "file", "menteur.txt", 10, "send", False, csrf_cookie(live_client.http.cookies)
    )
    response = live_client.http.post(
        upload_url(page.html, "file"),
        file_part("menteur.txt", b"x" * 1500, "text/plain"),
        headers=headers,
    )
    assert response.status_code == 413
    assert response.json()["errors"] == ["menteur.txt dépasse 1000 octets."]
    page.validate("file", title="Rapport")
    assert "menteur.txt dépasse 1000 octets." in field_errors(page, "file")


# -- live_async(): a failed result, on the socket and over HTTP -----------------------------------


def test_failed_work_on_a_french_page_says_so_in_french(live_client):
    with live_client.live("/fr/jobs/report/") as page:
        page.send("start_failing")
        shown = report(page, "serveur")
        assert f"Le serveur n{APOSTROPHE}a pas pu terminer «{NBSP}report{NBSP}»." in shown
        page.send("start_unprintable")
        shown = report(page, "afficher")
        assert f"Le serveur n{APOSTROPHE}a pas pu afficher «{NBSP}report{NBSP}»." in shown


def test_progress_on_a_french_page_is_a_number_the_browser_reads(live_client):
    # <progress value="0,33"> is no value to a browser: the template writes it unlocalized
    # (floatformat:'2u'), as the streams guide does.
    with live_client.live("/fr/jobs/report/") as page:
        page.send("start", count=3)
        assert 'value="0.33"' in report(page, 'value="0')
        async_views.RELEASE.set()
        report(page, "6")


def test_failed_work_on_an_english_page_says_so_in_english(live_client):
    with live_client.live("/en/jobs/report/") as page:
        page.send("start_failing")
        assert "The server could not finish 'report'." in report(page, "could not")


def test_failed_work_over_the_http_transport_says_so_in_french(http_browser):
    page = Page(http_browser, "/fr/jobs/report/")
    page.join()
    page.event("start_failing")

    pushed = html.unescape(pushes_until(page, "serveur"))

    assert f"Le serveur n{APOSTROPHE}a pas pu terminer «{NBSP}report{NBSP}»." in pushed


# -- the session route: a ticket the visitor cannot redeem --------------------------------------


def test_a_refused_session_ticket_is_explained_in_the_visitors_language(live_db):
    french = Client(headers={"accept-language": "fr"})
    english = Client(headers={"accept-language": "en"})

    refused = french.get("/live/session/", {"ticket": "altéré"})

    assert refused.status_code == 400
    assert refused.content.decode() == f"Ce ticket de session n{APOSTROPHE}est pas valide."
    assert french.get("/live/session/").content.decode() == "Aucun ticket de session."
    refused = english.get("/live/session/", {"ticket": "altered"})
    assert refused.content.decode() == "This session ticket is not valid."


# -- the catalogs: complete, compiled, and holding every string the code marks ------------------


def catalogs() -> list[Path]:
    found = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
    assert found, f"no catalogs under {LOCALE}"
    return found


@pytest.mark.parametrize("po", catalogs(), ids=lambda po: po.parent.parent.name)
def test_each_catalog_is_fully_translated_and_its_mo_is_compiled_from_it(po, tmp_path):
    require(shutil.which("msgfmt") is not None, "msgfmt (Debian's gettext)")
    compiled = tmp_path / "django.mo"
    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in checked.stderr, checked.stderr
    assert "fuzzy" not in checked.stderr, checked.stderr
    shipped = po.with_suffix(".mo")
    with compiled.open("rb") as fresh, shipped.open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        assert gettext.GNUTranslations(committed)._catalog == expected, (  # type: ignore[attr-defined]
            f"{shipped} is older than its .po: run `cd live_views && django-admin compilemessages`"
        )


def test_every_string_the_code_marks_for_translation_is_in_each_catalog(tmp_path):
    require(shutil.which("xgettext") is not None, "xgettext (Debian's gettext)")
    package = LOCALE.parent
    sources = sorted(str(path.relative_to(package)) for path in package.rglob("*.py"))
    template = tmp_path / "django.pot"
    keywords = ["gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2", "npgettext:1c,2,3"]
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            *(f"--keyword={keyword}" for keyword in keywords),
            "-o",
            str(template),
            *sources,
        ],
        cwd=package,
        check=True,
    )
    marked = set(re.findall(r'^msgid "(.+)"$', template.read_text(), re.M))
    assert "No session ticket." in marked  # xgettext read the sources
    for po in catalogs():
        missing = subprocess.run(
            ["msgcmp", "--use-untranslated", str(po), str(template)],
            capture_output=True,
            text=True,
        )
        assert missing.returncode == 0, (
            f"{po} lacks strings the code marks: run `cd live_views && django-admin makemessages "
            f"-l {po.parent.parent.name} --add-location=file`, translate them, then "
            f"compilemessages.\n{missing.stderr}"
        )
