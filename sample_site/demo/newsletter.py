"""The newsletter demo: a live form of boxes, radio buttons and two submit buttons."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.urls import reverse_lazy

from live_views import LiveFormView

TOPICS = [("django", "Django"), ("htmx", "htmx"), ("python", "Python"), ("sql", "SQL")]


class NewsletterForm(forms.Form):
    topics = forms.MultipleChoiceField(choices=TOPICS, widget=forms.CheckboxSelectMultiple)
    frequency = forms.ChoiceField(
        choices=[("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(label="Send me these emails")


class NewsletterView(LiveFormView):
    """Tick several boxes in a row: each is kept while the validation of the one before travels.
    The button pressed ("Preview" or "Subscribe") is in request.POST, as over HTTP."""

    template_name = "demo/newsletter.html"
    form_class = NewsletterForm
    success_url = reverse_lazy("newsletter")

    def form_valid(self, form: NewsletterForm) -> HttpResponse:
        labels = dict(TOPICS)
        chosen = ", ".join(labels[topic] for topic in form.cleaned_data["topics"])
        summary = f"{chosen}, {form.cleaned_data['frequency']}"
        if self.request.POST.get("action") == "preview":
            return self.render_to_response(self.get_context_data(form=form, preview=summary))
        messages.success(self.request, f"Subscribed: {summary}.")
        return super().form_valid(form)
