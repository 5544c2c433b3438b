from __future__ import annotations

import os

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.urls"
ASGI_APPLICATION = "tests.asgi.application"
USE_TZ = True

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "live_views",
    "tests.testapp",
    "tests.todoapp",
    "tests.formapp",
    "tests.uploadapp",
    "tests.kanbanapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

if os.environ.get("LIVE_VIEWS_TEST_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "test"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# A second database, created only when a test asks for it (tests/test_db_aliases.py: sessions
# routed there, broadcasts that wait for its transactions). Not a test mirror: Django points a
# mirror at the test database in the setting-up thread only, and the pages' worker thread would
# open the alias's own NAME.
DATABASES["other"] = {**DATABASES["default"]}
if DATABASES["other"]["ENGINE"].endswith("postgresql"):
    DATABASES["other"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_other"}

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
LIVE_VIEWS = {
    "BROADCAST_MODELS": [
        "todoapp.Board",
        "todoapp.Task",
        "todoapp.Tag",
        "todoapp.Album",
        "todoapp.Photo",
    ]
}
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A socket cannot set cookies: messages a live event adds are kept in the session (W030).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
