"""Which build of the static files a page was rendered with (Phoenix's ``phx-track-static``).

A page's connect token carries a short prefix of ``staticfiles_storage.manifest_hash`` as it was
when the page rendered (``ManifestStaticFilesStorage``, or any storage with that attribute). After
a deploy the page reconnects to a server whose manifest differs: it still runs the CSS and JS of
the build it loaded, and its view's ``live_static_changed`` says so. The prefix comes from the
signed token only, never from a frame.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

# Eight hex digits of the manifest's hash: two builds share them once in four billion, and the
# token grows by a few bytes.
_LENGTH = 8


def current_static_version() -> str | None:
    """The prefix of the static files' manifest hash this server serves, or None when its
    storage keeps no manifest (or has none yet: no ``collectstatic`` ran)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        manifest_hash = getattr(staticfiles_storage, "manifest_hash", None)
    except ImproperlyConfigured:
        # A manifest storage without STATIC_ROOT: its own {% static %} says so; the page
        # renders (and connects) without a version.
        return None
    if not isinstance(manifest_hash, str) or not manifest_hash:
        return None
    return manifest_hash[:_LENGTH]


def static_changed(rendered_with: str | None) -> bool:
    """Whether a page rendered with the static version ``rendered_with`` (its token's) runs
    files other than this server's. Unknown on either side (a token from before versions were
    kept, a storage without a manifest) is not changed: nothing says the page is stale."""
    if rendered_with is None:
        return False
    current = current_static_version()
    return current is not None and current != rendered_with
