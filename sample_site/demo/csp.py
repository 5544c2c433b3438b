"""A strict script Content-Security-Policy for the demo (DEMO_CSP=1): only scripts carrying this
response's nonce run. Django 6 has this built in (SECURE_CSP, ContentSecurityPolicyMiddleware);
this stand-in works on Django 5.2 too, and exposes the nonce as django-csp does."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NonceCSPMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["Content-Security-Policy"] = f"script-src 'nonce-{nonce}'; object-src 'none'"
        return response
