"""live_views.testing imports with the package's own dependencies: no daphne needed."""

from __future__ import annotations

import subprocess
import sys


def test_the_test_client_imports_without_daphne():
    # A meta-path entry that refuses daphne, as in a project that serves with uvicorn.
    code = (
        "import sys\n"
        "class NoDaphne:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'daphne' or name.startswith('daphne.'):\n"
        "            raise ModuleNotFoundError(\"No module named 'daphne'\")\n"
        "sys.meta_path.insert(0, NoDaphne())\n"
        "import django\n"
        "from django.conf import settings\n"
        "settings.configure(INSTALLED_APPS=['channels', 'live_views'])\n"
        "django.setup()\n"
        "from live_views.testing import LiveClient\n"
        "print(LiveClient.__name__, 'daphne' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["LiveClient", "False"]
