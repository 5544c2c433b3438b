"""The demo project: embedded defaults only (SQLite, in-memory channel layer), no services."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
# A published key signs nothing safely: without DEBUG, refuse to start rather than use it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG=0 needs a secret: set DJANGO_SECRET_KEY (for example to the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "demo-only-not-secret"  # DEBUG only, served on 127.0.0.1
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "sample_site.urls"
ASGI_APPLICATION = "sample_site.asgi.application"

INSTALLED_APPS = [
    # `make demo` serves with uvicorn; with daphne installed (make test installs it), it comes
    # first so that `manage.py runserver` serves websockets too.
    # DEMO_WSGI=1 leaves daphne out: runserver is then Django's own WSGI server (no sockets).
    *(
        ["daphne"]
        if importlib.util.find_spec("daphne") and os.environ.get("DEMO_WSGI") != "1"
        else ["channels"]
    ),
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "live_views",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # also on the socket: pages keep their language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the HTTP transport's requests (when a page's socket cannot open).
    "django_htmx.middleware.HtmxMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "demo.showcase.demo_source",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DB", str(BASE_DIR / "db.sqlite3")),
    }
}

# One process: the in-memory layer. Several processes: set REDIS_URL to share one Redis.
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 times reads out after 5 s, exactly channels-redis's blocking wait: give
            # reads more room, and fail fast when Redis is unreachable.
            "CONFIG": {
                "hosts": [
                    {
                        "address": os.environ["REDIS_URL"],
                        "socket_timeout": 10,
                        "socket_connect_timeout": 2,
                    }
                ]
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

LIVE_VIEWS = {
    "BROADCAST_MODELS": ["demo.Todo", "demo.Contact"],
    # DEMO_TRANSPORT=http: pages never open a socket (what a WSGI server needs; see wsgi.py).
    "TRANSPORT": os.environ.get("DEMO_TRANSPORT", "websocket"),
}

# Page state (the counter's `live_state`) lives in the cache: files survive a server restart.
# In production use a cache every worker shares (Redis, Memcached, the database).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("DEMO_CACHE_DIR", str(BASE_DIR / ".cache")),
    }
}

# Relative URLs and URL names, so the site also works under a sub-path: DEMO_SCRIPT_NAME=/shop
# serves it at /shop/ (behind a proxy that keeps the prefix; one that strips it passes
# `--root-path /shop` to the ASGI server instead).
FORCE_SCRIPT_NAME = os.environ.get("DEMO_SCRIPT_NAME") or None
STATIC_URL = "static/"
# DEMO_RENAMED_STATIC=1: the library's scripts under hashed names only (demo/renamed_static.py).
if os.environ.get("DEMO_RENAMED_STATIC") == "1":
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "demo.renamed_static.RenamedStaticFiles"},
    }
# Where the attachments demo saves what it receives (never served).
MEDIA_ROOT = os.environ.get("DEMO_MEDIA_ROOT", str(BASE_DIR / "media"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "private"
LOGOUT_REDIRECT_URL = "home"
USE_TZ = True

# A live event's messages are kept in the session (a socket cannot set a cookie).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# DEMO_CSP=1: a strict script Content-Security-Policy (demo/csp.py). Django 6 users would set
# SECURE_CSP and add django.middleware.csp.ContentSecurityPolicyMiddleware instead.
if os.environ.get("DEMO_CSP") == "1":
    MIDDLEWARE.append("demo.csp.NonceCSPMiddleware")

# DEMO_NO_REQUEST_PROCESSOR=1: without the `request` context processor, which live_views does
# not need (tests/test_browser_hooks.py).
if os.environ.get("DEMO_NO_REQUEST_PROCESSOR") == "1":
    TEMPLATES[0]["OPTIONS"]["context_processors"].remove(
        "django.template.context_processors.request"
    )

# DEMO_NO_WEBSOCKET=1 (asgi.py): the route is left out on purpose, to show the HTTP fallback.
if os.environ.get("DEMO_NO_WEBSOCKET") == "1":
    SILENCED_SYSTEM_CHECKS = ["live_views.E005"]
