"""The package's version: the connect markup, the join check and the JS bundle read it here."""

from __future__ import annotations

__version__ = "0.1.0"
