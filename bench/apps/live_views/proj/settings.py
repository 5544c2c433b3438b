"""Minimal django-live-views project for the benchmark (see bench/README.md).

The same settings as the peers' apps in ../shared/bench-peers/apps/ (DEBUG off, Django's default
middleware, SQLite, in-memory channel layer), plus the three LIVE_VIEWS limits turned off.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "channels",
    "live_views",
    "benchapp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# bench/http_transport.py serves the HTTP transport's routes too (proj/urls_http.py).
ROOT_URLCONF = os.environ.get("BENCH_URLCONF", "proj.urls")
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
ASGI_APPLICATION = "proj.asgi.application"

# One process: the in-memory layer, as for the peers. bench/extra.py sets BENCH_REDIS_URL for the
# two-process fan-out, with the socket timeouts the README recommends for channels-redis.
REDIS_URL = os.environ.get("BENCH_REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 10, "socket_connect_timeout": 2}]
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The load client drives up to 10,000 sockets from one address and sends events back to back
# (thousands a second on one socket): the per-socket event budget and the per-address socket cap
# would refuse it. djust's bench app raises its equivalents the same way.
LIVE_VIEWS = {"EVENT_RATE": None, "EVENT_BURST": None, "MAX_CONNECTIONS_PER_SESSION": None}

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BENCH_DB", str(BASE_DIR / "db.sqlite3")),
        # Django's default (0: a connection per request or worker-thread hop), as in the peers'
        # apps; docs/benchmarks.md measures persistent connections with BENCH_CONN_MAX_AGE.
        "CONN_MAX_AGE": int(os.environ.get("BENCH_CONN_MAX_AGE", "0")),
    }
}
STATIC_URL = "/static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
