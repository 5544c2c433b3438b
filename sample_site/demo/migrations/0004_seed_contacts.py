"""A few contacts, so the contacts demos have rows to show (and edit) at once."""

from __future__ import annotations

from django.db import migrations

CONTACTS = [
    ("Ada Lovelace", "ada@example.com", "555-0101"),
    ("Grace Hopper", "grace@example.com", "555-0102"),
    ("Alan Turing", "alan@example.com", ""),
]


def seed_contacts(apps, schema_editor):
    Contact = apps.get_model("demo", "Contact")
    for name, email, phone in CONTACTS:
        Contact.objects.get_or_create(email=email, defaults={"name": name, "phone": phone})


class Migration(migrations.Migration):
    dependencies = [("demo", "0003_contact")]
    operations = [migrations.RunPython(seed_contacts, migrations.RunPython.noop)]
