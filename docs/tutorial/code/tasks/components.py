from live_views import LiveComponent, live_event


class StarButton(LiveComponent):
    template_name = "tasks/star_button.html"
    starred = False

    def get_context_data(self, **kwargs):
        return super().get_context_data(starred=self.starred, **kwargs)

    @live_event
    def toggle_star(self):
        self.starred = not self.starred
        # Tell the page: its count then leaves out the star of a task deleted since.
        self.parent.starred ^= {self.component_id}
