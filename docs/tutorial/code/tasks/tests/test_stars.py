import pytest

from tasks.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_star_button_keeps_its_own_state(live_client):
    milk = Task.objects.create(title="Buy milk")
    mum = Task.objects.create(title="Call mum")
    with live_client.live("/tasks/") as page:
        page.component(str(milk.pk)).send("toggle_star")
        assert "★" in page.component(str(milk.pk)).html
        assert "☆" in page.component(str(mum.pk)).html
        assert "0 starred" not in page.block("summary")
        assert "1 starred" in page.block("summary")


def test_a_star_sends_its_button_and_the_summary_only(live_client):
    milk = Task.objects.create(title="Buy milk")
    Task.objects.create(title="Call mum")
    with live_client.live("/tasks/") as page:
        star = page.component(str(milk.pk))
        frame = star.send("toggle_star")
        assert f'id="lv-c{star.address}"' in frame["content"]
        assert 'id="lv-summary"' in frame["content"]
        assert f'id="lv-task-{milk.pk}"' not in frame["content"]  # not the row around it


def test_a_deleted_task_takes_its_star_off_the_count(live_client):
    milk = Task.objects.create(title="Buy milk")
    Task.objects.create(title="Call mum")
    with live_client.live("/tasks/") as page:
        page.component(str(milk.pk)).send("toggle_star")
        page.send("delete", task=milk.pk)
        assert "0 starred" in page.block("summary")
