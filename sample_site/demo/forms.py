from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from demo.models import Contact


class SignupForm(forms.Form):
    username = forms.CharField(max_length=30, help_text="Letters, digits and _ only.")
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)
    password2 = forms.CharField(widget=forms.PasswordInput, label="Password again")

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        if not name.replace("_", "").isalnum():
            raise ValidationError("Use letters, digits and _ only.")
        # Runs on every pause in typing: the live check that the name is free.
        if User.objects.filter(username__iexact=name).exists():
            raise ValidationError("That username is taken.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Shown once both password fields have been touched (the library sees what clean() reads).
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            raise ValidationError("The two passwords differ.")
        return data


class ContactForm(forms.ModelForm):
    """One contact's fields, as the contact rows demo edits them in place."""

    class Meta:
        model = Contact
        fields = ["name", "email", "phone"]
