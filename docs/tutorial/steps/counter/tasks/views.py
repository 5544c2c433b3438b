from live_views import LiveTemplateView, live_event


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
