import pytest

from tasks.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


def test_ticking_a_task_crosses_it_out(live_client):
    task = Task.objects.create(title="Buy milk")
    with live_client.live("/tasks/") as page:
        assert "1 open task" in page.block("summary")
        page.send("toggle", task=task.pk)
        assert "<s>Buy milk</s>" in page.block("task", key=task.pk)
        assert "0 open tasks" in page.block("summary")


def test_ticking_a_task_sends_only_what_changed(live_client):
    task = Task.objects.create(title="Buy milk")
    Task.objects.create(title="Call mum")
    with live_client.live("/tasks/") as page:
        frame = page.send("toggle", task=task.pk)
        assert f'id="lv-task-{task.pk}"' in frame["content"]
        assert 'id="lv-summary"' in frame["content"]
        assert 'id="lv-tasks"' not in frame["content"]  # not the list around them


def test_every_open_tab_sees_a_change(live_client):
    task = Task.objects.create(title="Buy milk")
    with live_client.live("/tasks/") as tab, live_client.live("/tasks/") as other_tab:
        tab.send("toggle", task=task.pk)
        other_tab.wait_for_update()
        assert "<s>Buy milk</s>" in other_tab.block("task", key=task.pk)


def test_a_task_deleted_in_one_tab_leaves_the_other(live_client):
    Task.objects.create(title="Buy milk")
    task = Task.objects.create(title="Call mum")
    with live_client.live("/tasks/") as tab, live_client.live("/tasks/") as other_tab:
        tab.send("delete", task=task.pk)
        other_tab.wait_for_update()
        assert "Call mum" not in other_tab.block("tasks")
        assert "1 open task" in other_tab.block("summary")


def test_a_task_saved_by_other_code_appears_in_the_list(live_client):
    with live_client.live("/tasks/") as page:
        Task.objects.create(title="Call the plumber")  # as the admin or a script would
        page.wait_for_update()
        assert "Call the plumber" in page.block("tasks")


def test_a_task_added_with_the_form_appears_in_the_list(live_client):
    with live_client.live("/tasks/") as tasks, live_client.live("/tasks/new/") as form:
        form.submit("submit", title="Water the plants", due="")
        tasks.wait_for_update()
        assert "Water the plants" in tasks.block("tasks")
