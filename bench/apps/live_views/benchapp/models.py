from __future__ import annotations

from django.db import models


class SharedCounter(models.Model):
    """The value every /shared/ page shows (broadcast fan-out); row pk=1."""

    value = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"shared value {self.value}"
