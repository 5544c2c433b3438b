from django.db import models


class Task(models.Model):
    title = models.CharField(max_length=100)
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title
