from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models


class Board(models.Model):
    name = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    board = models.ForeignKey(Board, related_name="tasks", on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)
    tags = models.ManyToManyField("Tag", blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """Not in BROADCAST_MODELS: its saves must not reach anyone."""

    text = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.text


class Album(models.Model):
    """A UUID key: one row's key has several spellings (upper case, no hyphens) besides the one
    a loaded row holds (tests/test_topic_keys.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Photo(models.Model):
    album = models.ForeignKey(Album, related_name="photos", on_delete=models.CASCADE)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Member(AbstractBaseUser):
    """A user model with a UUID key, swapped in by tests/test_sessions.py: a password change
    saved through the key given as text (upper case) reaches the pages of the user as loaded.
    The key has no default: it comes from elsewhere (an identity provider's subject, say), so a
    save through it updates the row."""

    id = models.UUIDField(primary_key=True)
    email = models.EmailField(unique=True)

    USERNAME_FIELD = "email"


class Place(models.Model):
    """A parent of multi-table inheritance (tests/test_topic_inheritance.py): a restaurant's
    name is a column of its place row, which a save of the place writes."""

    name = models.CharField(max_length=100)
    tags = models.ManyToManyField(Tag, blank=True, related_name="places")

    def __str__(self) -> str:
        return self.name


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class Pizzeria(Restaurant):
    """A grandchild: its key is its restaurant's, which is its place's."""

    oven = models.CharField(max_length=20, default="wood")


class Article(models.Model):
    """The first parent of ``Review``: a review's key is its article's. The keys are named
    apart: two parents' ``id`` columns would clash in the child."""

    article_id = models.BigAutoField(primary_key=True)
    headline = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.headline


class Work(models.Model):
    """A grandparent through the second parent: a review's title is its work row's."""

    work_id = models.BigAutoField(primary_key=True)
    title = models.CharField(max_length=100)
    tags = models.ManyToManyField(Tag, blank=True, related_name="works")

    def __str__(self) -> str:
        return self.title


class Book(Work):
    pages = models.PositiveIntegerField(default=0)


class Review(Article, Book):
    """A child with two concrete parents (tests/test_topic_inheritance.py): its key is its
    article's; its book row (and that one's work row) has a key of its own, held in
    ``book_ptr``."""

    stars = models.PositiveSmallIntegerField(default=3)
