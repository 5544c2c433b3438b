import datetime

from django import forms

from .models import Task


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "due"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"})}

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 3:
            raise forms.ValidationError("Give the task a title of at least 3 characters.")
        if Task.objects.filter(title__iexact=title, done=False).exists():
            raise forms.ValidationError("There is already an open task with that title.")
        return title

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due is not None and due < datetime.date.today():
            raise forms.ValidationError("The due date is in the past.")
        return due
