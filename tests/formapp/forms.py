from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError


class SignupForm(forms.Form):
    username = forms.CharField(max_length=30)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)
    password2 = forms.CharField(widget=forms.PasswordInput, label="Password again")

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise ValidationError("That username is taken.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            raise ValidationError("The two passwords differ.")
        return data


class EventForm(forms.Form):
    """clean() attaches its error to a field and reads two others."""

    title = forms.CharField()
    starts = forms.DateField()
    ends = forms.DateField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", "The event ends before it starts.")
        return data


class EmailChangeForm(forms.Form):
    """One field's name starts another's: ``email`` and ``email_confirm``."""

    email = forms.EmailField()
    email_confirm = forms.EmailField(label="Email again")
