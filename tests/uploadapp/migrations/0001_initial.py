from __future__ import annotations

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Profile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=50)),
                ("avatar", models.ImageField(blank=True, upload_to="avatars/")),
            ],
        ),
        migrations.CreateModel(
            name="Document",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("title", models.CharField(max_length=50)),
                (
                    "file",
                    models.FileField(
                        upload_to="documents/",
                        validators=[django.core.validators.FileExtensionValidator(["pdf", "txt"])],
                    ),
                ),
            ],
        ),
    ]
