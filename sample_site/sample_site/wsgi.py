"""The demo under a WSGI server: `gunicorn sample_site.wsgi --threads 8` (or `manage.py
runserver` without daphne). Live pages use the HTTP transport (README: "No websocket? The HTTP
transport"); set DEMO_TRANSPORT=http so they do not try a socket first."""

from __future__ import annotations

import os

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sample_site.settings")
# The demo serves its own static files, as asgi.py does (a real project uses WhiteNoise/a proxy).
application = StaticFilesHandler(get_wsgi_application())
