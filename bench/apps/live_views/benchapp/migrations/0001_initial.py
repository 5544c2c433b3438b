from __future__ import annotations

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("benchapp", "SharedCounter").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="SharedCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("value", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
