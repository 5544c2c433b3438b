"""Live forms through the real ASGI app: validation as the user types, touched fields, submit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from django import forms
from django.contrib.auth.models import User
from django.test import Client

from live_views.forms import show_touched_errors
from tests.formapp.forms import EventForm, SignupForm
from tests.live_helpers import TrackingLiveClient
from tests.todoapp.models import Board

BLOCK_ID_RE = re.compile(r'\sid="(lv-[^"]+)"')
GOOD = {
    "username": "carol",
    "email": "carol@example.com",
    "password": "correct horse",
    "password2": "correct horse",
}


@pytest.fixture
def live_client(live_db: None) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient()  # closes every page it opened
    yield live
    live.close()


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def errors_in(page, field: str) -> str:
    return text(page.block("field", field)) if "errorlist" in page.block("field", field) else ""


def block_ids(content: str) -> list[str]:
    return BLOCK_ID_RE.findall(content)


# -- the page as first served ------------------------------------------------------------------


def test_the_page_serves_an_unbound_form_whose_fields_validate_live(live_client):
    response = live_client.get("/forms/signup/")
    body = response.content.decode()

    assert response.status_code == 200
    assert "errorlist" not in body
    form_tag = re.search(r"<form[^>]*>", body).group(0)
    assert 'data-live-event="submit"' in form_tag
    assert "hx-ws:send" in form_tag
    username = re.search(r'<input[^>]*name="username"[^>]*>', body).group(0)
    assert 'data-live-event="validate"' in username
    assert 'data-live-args="{&quot;field&quot;:&quot;username&quot;}"' in username
    assert 'hx-trigger="input changed delay:400ms, blur"' in username
    # The CSRF token is a hidden input: it never validates.
    csrf = re.search(r'<input[^>]*name="csrfmiddlewaretoken"[^>]*>', body).group(0)
    assert "data-live-event" not in csrf


# -- validation while typing ---------------------------------------------------------------------


def test_a_touched_field_shows_its_error_and_untouched_fields_do_not(live_client):
    page = live_client.live("/forms/signup/")

    reply = page.validate("username", username="", email="", password="", password2="")

    assert "This field is required." in errors_in(page, "username")
    assert errors_in(page, "email") == ""
    assert errors_in(page, "password") == ""
    assert block_ids(reply["content"]) == ["lv-field-username"]


def test_fixing_a_field_clears_its_error(live_client):
    page = live_client.live("/forms/signup/")
    page.validate("email", username="", email="not-an-address", password="", password2="")
    assert "Enter a valid email address." in errors_in(page, "email")

    page.validate("email", username="", email="dee@example.com", password="", password2="")

    assert errors_in(page, "email") == ""
    assert 'value="dee@example.com"' in page.block("field", "email")


def test_touched_fields_accumulate(live_client):
    page = live_client.live("/forms/signup/")
    page.validate("username", username="", email="x", password="", password2="")
    page.validate("email", username="", email="x", password="", password2="")

    assert "required" in errors_in(page, "username")
    assert "valid email" in errors_in(page, "email")
    assert errors_in(page, "password") == ""


def test_uniqueness_is_checked_against_the_database_while_typing(live_client):
    User.objects.create_user("alice", password="pw")
    page = live_client.live("/forms/signup/")

    page.validate("username", **{**GOOD, "username": "Alice"})
    assert "That username is taken." in errors_in(page, "username")

    reply = page.validate("username", **{**GOOD, "username": "alicia"})
    assert errors_in(page, "username") == ""
    # Only the field whose error changed travels, not the whole form.
    assert "lv-field-username" in block_ids(reply["content"])
    assert "lv-field-email" not in block_ids(reply["content"])


def test_a_validation_round_trip_sends_only_what_changed(live_client):
    page = live_client.live("/forms/signup/")
    page.validate("username", **{**GOOD, "username": ""})

    # Typing on in a field whose error stays the same sends no markup at all.
    reply = page.validate("username", **{**GOOD, "username": ""})
    assert "content" not in reply


def test_cross_field_errors_wait_for_every_field_clean_reads(live_client):
    page = live_client.live("/forms/signup/")
    mismatch = {**GOOD, "password2": "something else"}

    page.validate("password", **mismatch)
    assert "differ" not in text(page.block("form_errors"))

    page.validate("password2", **mismatch)
    assert "The two passwords differ." in text(page.block("form_errors"))

    page.validate("password2", **GOOD)
    assert "differ" not in text(page.block("form_errors"))


def test_a_clean_error_on_a_field_waits_for_the_fields_it_compares(live_client):
    page = live_client.live("/forms/event/")
    backwards = {"title": "Launch", "starts": "2026-12-02", "ends": "2026-12-01"}

    page.validate("ends", **backwards)
    assert errors_in(page, "ends") == ""  # starts is untouched: the user is not done

    page.validate("starts", **backwards)
    assert "The event ends before it starts." in errors_in(page, "ends")


def test_the_template_still_sees_whether_the_whole_form_is_valid(live_client):
    page = live_client.live("/forms/signup/")

    page.validate("username", **{**GOOD, "email": ""})
    assert errors_in(page, "email") == ""  # untouched: hidden
    assert "Not ready" in page.block("status")

    page.validate("email", **GOOD)
    assert "Ready to submit" in page.block("status")


def test_a_prefixed_form_tracks_its_prefixed_names(live_client):
    page = live_client.live("/forms/prefixed/")
    assert 'name="signup-username"' in page.html

    page.validate("signup-email", **{"signup-email": "nope", "signup-username": ""})

    assert "valid email" in errors_in(page, "email")
    assert errors_in(page, "username") == ""


def test_a_field_whose_name_starts_another_fields_is_not_touched_by_it(live_client):
    page = live_client.live("/forms/email/")

    # The user starts with the second field: the first ("email", a prefix of its name) is
    # still untouched and keeps quiet.
    page.validate("email_confirm", email="", email_confirm="dee@example.com")

    assert errors_in(page, "email") == ""
    page.validate("email", email="", email_confirm="dee@example.com")
    assert "This field is required." in errors_in(page, "email")


def test_the_inputs_of_a_multiwidget_touch_their_field():
    class Meeting(forms.Form):
        title = forms.CharField()
        when = forms.SplitDateTimeField()

    form = Meeting(data={"title": "", "when_0": "", "when_1": ""})
    show_touched_errors(form, {"when_1"})  # a hand-written input of the second widget

    assert list(form.errors) == ["when"]


def test_a_broadcast_style_refresh_keeps_what_the_user_typed(live_client):
    page = live_client.live("/forms/signup/")
    page.validate("email", **{**GOOD, "email": "half@"})

    # An event that re-renders from the view's state (another validate of another field)
    # still shows the email the user typed, and its error.
    page.validate("username", **{**GOOD, "email": "half@"})
    assert 'value="half@"' in page.block("field", "email")
    assert "valid email" in errors_in(page, "email")


# -- a formset beside the form (docs/howto/forms.md) ---------------------------------------------

TASKS = {
    "tasks-TOTAL_FORMS": "2",
    "tasks-INITIAL_FORMS": "0",
    "tasks-MIN_NUM_FORMS": "0",
    "tasks-MAX_NUM_FORMS": "1000",
}


def test_a_formset_keeps_what_the_user_typed_after_an_invalid_submit(live_client):
    page = live_client.live("/forms/boards/with-tasks/")
    rows = {"tasks-0-title": "x" * 201, "tasks-1-title": "Second"}

    page.submit("submit", name="Mine", **TASKS, **rows)
    assert "at most 200 characters" in text(page.block("tasks"))

    # The user goes on editing the form: the formset is still bound to what they sent.
    page.validate("name", name="Mine!", **TASKS, **rows)
    assert 'value="Second"' in page.block("tasks")
    assert "at most 200 characters" in text(page.block("tasks"))
    assert not Board.objects.exists()


def test_a_formset_is_saved_with_the_form(live_client):
    page = live_client.live("/forms/boards/with-tasks/")

    reply = page.submit("submit", name="Mine", **TASKS, **{"tasks-0-title": "First"})

    assert reply["redirect"] == "/forms/boards/"
    board = Board.objects.get(name="Mine")
    assert [task.title for task in board.tasks.all()] == ["First"]


def test_a_formset_posts_over_http_without_js(live_db):
    http = Client()
    response = http.post("/forms/boards/with-tasks/", {"name": "", **TASKS, "tasks-0-title": "T"})
    assert 'value="T"' in response.content.decode()
    response = http.post("/forms/boards/with-tasks/", {"name": "M", **TASKS, "tasks-0-title": "T"})
    assert response["Location"] == "/forms/boards/"
    assert Board.objects.get(name="M").tasks.get().title == "T"


# -- submit --------------------------------------------------------------------------------------


def test_a_valid_submit_runs_form_valid_and_redirects_to_the_success_url(live_client):
    page = live_client.live("/forms/signup/")

    reply = page.submit("submit", **GOOD)

    assert reply["redirect"] == "/forms/welcome/"
    assert User.objects.filter(username="carol", email="carol@example.com").exists()
    assert User.objects.get(username="carol").check_password("correct horse")


def test_a_response_a_live_page_cannot_show_is_named_in_the_log(live_client, caplog):
    # An HTTP-only form view's "thanks" page: the socket can go to a URL or render the view's
    # own liveblocks, not show another response. It was dropped without a word.
    page = live_client.live("/forms/thanks-in-place/")

    with caplog.at_level("WARNING", logger="live_views"):
        reply = page.submit("submit", **GOOD)

    assert "redirect" not in reply
    assert User.objects.filter(username="carol").exists()  # form_valid() ran, as before
    assert "returned an HttpResponse (status 200) that a live page cannot show" in caplog.text
    assert "ThanksInPlaceView" in caplog.text
    assert "redirect" in caplog.text  # the fix it names


def test_an_invalid_submit_is_shown_and_not_named_in_the_log(live_client, caplog):
    # form_invalid() answers with the page's own render: what the page shows, nothing dropped.
    page = live_client.live("/forms/signup/")

    with caplog.at_level("WARNING", logger="live_views"):
        page.submit("submit", **{**GOOD, "email": ""})

    assert "This field is required." in errors_in(page, "email")
    assert caplog.text == ""


def test_an_invalid_submit_shows_every_error_touched_or_not(live_client):
    User.objects.create_user("carol", password="pw")
    page = live_client.live("/forms/signup/")

    reply = page.submit("submit", **{**GOOD, "email": "", "password2": "other"})

    assert "redirect" not in reply
    assert "That username is taken." in errors_in(page, "username")
    assert "This field is required." in errors_in(page, "email")
    assert User.objects.count() == 1
    # The submitted values stay in the fields.
    assert 'value="carol"' in page.block("field", "username")


def test_after_a_failed_submit_later_validation_keeps_showing_all_errors(live_client):
    page = live_client.live("/forms/signup/")
    page.submit("submit", username="", email="", password="", password2="")

    page.validate("username", username="dora", email="", password="", password2="")

    assert errors_in(page, "username") == ""
    assert "required" in errors_in(page, "email")


# -- the generic model views ---------------------------------------------------------------------


def test_create_view_saves_through_the_orm_on_submit(live_client):
    page = live_client.live("/forms/boards/new/")
    page.validate("name", name="")
    assert "required" in errors_in(page, "name")

    reply = page.submit("submit", name="Roadmap")

    assert reply["redirect"] == "/forms/boards/"
    assert list(Board.objects.values_list("name", flat=True)) == ["Roadmap"]


@pytest.mark.parametrize(
    ("button", "goes_to"),
    [
        ({"_addanother": "Save and add another"}, "/forms/boards/new/another/"),
        ({}, "/forms/boards/"),
    ],
)
def test_post_sees_the_submitted_form_in_request_post_as_over_http(live_client, button, goes_to):
    # Which submit button was pressed is read from request.POST, as in Django's admin.
    page = live_client.live("/forms/boards/new/another/")

    reply = page.submit("submit", name="Roadmap", **button)

    assert reply["redirect"] == goes_to
    assert Board.objects.filter(name="Roadmap").count() == 1
    over_http = Client().post("/forms/boards/new/another/", {"name": "Roadmap", **button})
    assert over_http["Location"] == goes_to


@pytest.mark.parametrize("url", ["/forms/boards/new/in-place/", "/forms/boards/new/reset-first/"])
def test_a_create_view_that_resets_shows_an_empty_form_for_the_next_row(live_client, url):
    page = live_client.live(url)

    reply = page.submit("submit", name="Roadmap")

    assert reply["reset"]
    assert 'value="Roadmap"' not in page.block("field", "name")  # not the row just saved
    page.submit("submit", name="Backlog")
    assert sorted(Board.objects.values_list("name", flat=True)) == ["Backlog", "Roadmap"]


@pytest.mark.parametrize("url", ["/forms/boards/new/in-place/", "/forms/boards/new/reset-first/"])
def test_with_js_off_a_create_view_that_resets_answers_with_the_empty_create_form(live_db, url):
    body = Client().post(url, {"name": "Roadmap"}).content.decode()

    assert "New board" in body
    assert "Edit Roadmap" not in body
    assert 'value="Roadmap"' not in body
    assert list(Board.objects.values_list("name", flat=True)) == ["Roadmap"]


def test_update_view_edits_the_row_and_shows_its_current_values(live_client):
    board = Board.objects.create(name="Old name")
    page = live_client.live(f"/forms/boards/{board.pk}/")
    assert 'value="Old name"' in page.block("field", "name")

    reply = page.submit("submit", name="New name")

    assert reply["redirect"] == "/forms/boards/"
    board.refresh_from_db()
    assert board.name == "New name"
    assert Board.objects.count() == 1


def test_what_the_user_typed_is_not_saved_until_they_submit_it(live_client, django_user_model):
    olga = django_user_model.objects.create_user("olga", password="pw")
    board = Board.objects.create(name="Old name")
    live_client.force_login(olga)
    page = live_client.live(f"/forms/boards/{board.pk}/")
    page.validate("name", name="Half typ")

    # Another event of the page saves its object: the name the user is typing stays unsaved.
    assert "error" not in page.send("claim")

    board.refresh_from_db()
    assert (board.owner, board.name) == (olga, "Old name")
    assert 'value="Half typ"' in page.block("field", "name")
    page.submit("submit", name="New name")
    board.refresh_from_db()
    assert (board.owner, board.name) == (olga, "New name")


def test_list_view_deletes_a_row_and_shows_the_list_without_it(live_client):
    keep = Board.objects.create(name="Keep")
    drop = Board.objects.create(name="Drop")
    page = live_client.live("/forms/boards/")

    page.send("delete", board=drop.pk)

    assert "Drop" not in page.block("boards")
    assert "Keep" in page.block("boards")
    assert list(Board.objects.all()) == [keep]


def test_an_http_delete_of_a_page_with_a_delete_event_is_405_and_deletes_nothing(live_client):
    # Django's View.dispatch takes a method named delete() as the page's DELETE handler: it
    # called the live event with the request as its board (a 500, or worse for a laxer one).
    board = Board.objects.create(name="Keep")
    response = live_client.http.delete("/forms/boards/")
    assert response.status_code == 405
    assert "DELETE" not in response["Allow"]
    assert "DELETE" not in live_client.http.options("/forms/boards/")["Allow"]
    assert list(Board.objects.all()) == [board]
    page = live_client.live("/forms/boards/")  # the event itself still runs
    page.send("delete", board=board.pk)
    assert not Board.objects.exists()


# -- JS off: the same view is a plain FormView ---------------------------------------------------


def test_without_js_the_form_posts_over_http_with_csrf_protection(live_db):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/forms/signup/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    forged = browser.post("/forms/signup/", GOOD)
    assert forged.status_code == 403
    assert not User.objects.exists()

    invalid = browser.post("/forms/signup/", {**GOOD, "email": "", "csrfmiddlewaretoken": token})
    assert invalid.status_code == 200
    assert "This field is required." in invalid.content.decode()

    done = browser.post("/forms/signup/", {**GOOD, "csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert done["Location"] == "/forms/welcome/"
    assert User.objects.filter(username="carol").exists()


# -- what a hostile client cannot do ------------------------------------------------------------


def test_the_form_values_cannot_be_passed_as_an_explicit_argument(live_client):
    page = live_client.live("/forms/signup/")

    page.send_frame({"event": "submit", "args": {"data": {"username": "x"}}, "ref": 9})
    reply = page.receive(timeout=5)

    assert reply["error"]["code"] in {"bad_frame", "bad_arguments"}
    assert not User.objects.exists()


def test_a_huge_field_name_is_not_remembered_as_touched(live_client):
    page = live_client.live("/forms/signup/")

    reply = page.validate("x" * 10_000, username="")

    assert "error" not in reply
    assert errors_in(page, "username") == ""


# -- the error filter on its own ----------------------------------------------------------------


def test_hidden_errors_do_not_make_an_invalid_form_valid():
    form = EventForm(data={"title": "", "starts": "2026-12-02", "ends": "2026-12-01"})
    show_touched_errors(form, {"title"})

    assert list(form.errors) == ["title"]
    assert form.is_valid() is False


def test_a_form_with_no_reads_in_clean_shows_its_form_errors_once_every_field_is_touched():
    class Opaque(forms.Form):
        a = forms.CharField(required=False)
        b = forms.CharField(required=False)

        def clean(self):
            raise forms.ValidationError("Nope.")

    some = Opaque(data={"a": "1", "b": "2"})
    show_touched_errors(some, {"a"})
    assert some.non_field_errors() == []

    every = Opaque(data={"a": "1", "b": "2"})
    show_touched_errors(every, {"a", "b"})
    assert every.non_field_errors() == ["Nope."]


def test_fields_the_user_cannot_touch_do_not_hold_back_form_errors():
    class Reply(forms.Form):
        # Set by the server: hidden or disabled, the user never types in them.
        thread = forms.IntegerField(widget=forms.HiddenInput)
        author = forms.CharField(disabled=True, required=False)
        text = forms.CharField()

        def clean(self):
            data = super().clean()
            if data.get("thread") == 1 and data.get("text") == "+1":
                raise forms.ValidationError("Say more than +1 here.")
            return data

    form = Reply(data={"thread": "1", "text": "+1"}, initial={"author": "ann"})
    show_touched_errors(form, {"text"})

    assert form.non_field_errors() == ["Say more than +1 here."]


def test_the_live_attributes_belong_to_the_views_form_not_to_the_form_class(live_client):
    live_client.get("/forms/signup/")

    assert "data-live-event" not in str(SignupForm())


def test_a_live_error_keeps_the_id_its_fields_aria_describedby_names(live_client):
    page = live_client.live("/forms/signup/")

    page.validate("email", username="", email="nope", password="", password2="")

    block = page.block("field", "email")
    assert 'aria-describedby="id_email_error"' in block
    assert 'id="id_email_error"' in block


def test_an_invalid_submit_asks_the_browser_to_focus_the_first_field_in_error(live_client):
    page = live_client.live("/forms/signup/")

    reply = page.submit("submit", **{**GOOD, "email": "", "password2": "other"})
    assert reply["focus"] == '[data-live-form] [id="id_email"]:not([data-live-component] *)'

    assert "focus" not in page.validate("email", **{**GOOD, "email": ""})


def test_a_first_field_in_error_whose_id_is_too_long_for_a_selector_is_not_focused(live_client):
    page = live_client.live("/forms/long-prefixed/")
    prefix = "signup" * 100

    reply = page.submit("submit", **{f"{prefix}-{k}": v for k, v in {**GOOD, "email": ""}.items()})

    assert "focus" not in reply
    assert "This field is required." in page.block("field", "email")
