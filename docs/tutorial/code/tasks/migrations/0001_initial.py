from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Task",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100)),
                ("due", models.DateField(blank=True, null=True)),
                ("done", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["pk"],
            },
        ),
    ]
