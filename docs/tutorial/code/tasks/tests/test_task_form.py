import datetime

import pytest

from tasks.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


def test_errors_show_while_the_user_types(live_client):
    with live_client.live("/tasks/new/") as page:
        page.validate("title", title="Bu", due="")
        assert "at least 3 characters" in page.block("field", key="title")
        page.validate("title", title="Buy milk", due="")
        assert "at least 3 characters" not in page.block("field", key="title")


def test_fields_the_user_has_not_touched_show_no_errors(live_client):
    last_week = datetime.date.today() - datetime.timedelta(days=7)
    with live_client.live("/tasks/new/") as page:
        page.validate("title", title="Buy milk", due=last_week.isoformat())
        assert "in the past" not in page.block("field", key="due")
        page.validate("due", title="Buy milk", due=last_week.isoformat())
        assert "in the past" in page.block("field", key="due")


def test_a_duplicate_title_is_caught_before_submitting(live_client):
    Task.objects.create(title="Buy milk")
    with live_client.live("/tasks/new/") as page:
        page.validate("title", title="buy milk", due="")
        assert "already an open task" in page.block("field", key="title")


def test_submitting_adds_the_task_and_opens_an_empty_form(live_client):
    with live_client.live("/tasks/new/") as page:
        page.submit("submit", title="Buy milk", due="")
        assert page.redirect_url == "/tasks/new/"
    assert Task.objects.get().title == "Buy milk"


def test_an_invalid_submit_shows_every_error_and_saves_nothing(live_client):
    with live_client.live("/tasks/new/") as page:
        page.submit("submit", title="", due="")
        assert "This field is required." in page.block("field", key="title")
    assert not Task.objects.exists()


def test_without_javascript_the_form_posts_over_http(client):
    response = client.post("/tasks/new/", {"title": "Buy milk", "due": ""})
    assert response.status_code == 302
    assert response["Location"] == "/tasks/new/"
    assert Task.objects.get().title == "Buy milk"
