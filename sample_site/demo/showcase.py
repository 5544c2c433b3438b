"""Each demo page shows its own view and template source beside the live result."""

from __future__ import annotations

import functools
import inspect
from typing import Any

from django.http import HttpRequest
from django.template import TemplateDoesNotExist, loader


def demo_source(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``demo_source`` for the page's view class, when it is a demo view."""
    match = getattr(request, "resolver_match", None)
    view_class = getattr(getattr(match, "func", None), "view_class", None)
    if view_class is None or not view_class.__module__.startswith("demo."):
        return {}
    return {"demo_source": _source_of(view_class)}


@functools.cache
def _source_of(view_class: type) -> dict[str, str]:
    # Read once per class: the socket's renders call context processors too.
    source = {
        "view": inspect.getsource(view_class),
        "view_name": view_class.__qualname__,
        "view_file": view_class.__module__.replace(".", "/") + ".py",
    }
    template_name = getattr(view_class, "template_name", None)
    if template_name:
        try:
            template = loader.get_template(template_name)
        except TemplateDoesNotExist:
            return source
        source["template"] = template.template.source
        source["template_name"] = template_name
    return source
