from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models


class Profile(models.Model):
    name = models.CharField(max_length=50)
    avatar = models.ImageField(upload_to="avatars/", blank=True)

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    title = models.CharField(max_length=50)
    file = models.FileField(
        upload_to="documents/", validators=[FileExtensionValidator(["pdf", "txt"])]
    )

    def __str__(self) -> str:
        return self.title
