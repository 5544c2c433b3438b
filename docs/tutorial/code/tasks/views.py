from django.urls import reverse_lazy

from live_views import LiveCreateView, LiveListView, LiveTemplateView, live_event

from .forms import TaskForm
from .models import Task


class CounterView(LiveTemplateView):
    template_name = "tasks/counter.html"
    count = 0

    def get_context_data(self, **kwargs):
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def increment(self, amount: int = 1):
        self.count += amount

    @live_event
    def reset(self):
        self.count = 0


class TaskCreateView(LiveCreateView):
    model = Task
    form_class = TaskForm
    success_url = reverse_lazy("task-new")  # an empty form, for the next task


class TaskListView(LiveListView):
    model = Task
    starred = frozenset()  # the ids of the tasks whose star is on, on this page (step 4)

    def get_context_data(self, **kwargs):
        open_tasks = sum(1 for task in self.object_list if not task.done)
        starred = sum(1 for task in self.object_list if str(task.pk) in self.starred)
        return super().get_context_data(open_tasks=open_tasks, starred=starred, **kwargs)

    @live_event
    def toggle(self, task: Task):
        task.done = not task.done
        task.save()

    @live_event
    def delete(self, task: Task):
        task.delete()
