"""The README's recipe for static files under an ASGI server serves the bundled JS."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import AsyncClient, override_settings

from live_views.render.markup import SCRIPT
from tests.test_docs import EXAMPLES

SCRIPT_URL = f"/static/{SCRIPT}"


def recipe_middleware(base_dir: Path) -> list[str]:
    namespace: dict[str, object] = {"BASE_DIR": base_dir}
    exec(EXAMPLES["servestatic-settings"], namespace)  # noqa: S102 - our README
    assert namespace["STATIC_ROOT"] == base_dir / "staticfiles"
    [added] = [m for m in namespace["MIDDLEWARE"] if "servestatic" in m]  # type: ignore[attr-defined]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.middleware.security.SecurityMiddleware") + 1, added)
    return middleware


@pytest.mark.django_db
async def test_with_the_recipe_the_asgi_app_serves_the_script(tmp_path):
    with override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "servestatic"],
        MIDDLEWARE=recipe_middleware(tmp_path),
        STATIC_ROOT=tmp_path / "staticfiles",
        DEBUG=True,
    ):
        response = await AsyncClient().get(SCRIPT_URL)
        assert response.status_code == 200
        body = b"".join([chunk async for chunk in response.streaming_content])
    assert body.startswith(b"var htmx=")  # the bundle, htmx first


@pytest.mark.django_db
async def test_without_it_the_script_is_not_found():
    response = await AsyncClient().get(SCRIPT_URL)
    assert response.status_code == 404
