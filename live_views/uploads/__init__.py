"""Live file uploads: files go by HTTP POST, never over the socket (docs/howto/uploads.md).

``endpoint`` receives one file for one field of one page, authorized by the page's signed connect
token and Django's CSRF check; ``handler`` streams it to disk under ``MAX_UPLOAD_BYTES``;
``rules`` decides what a field accepts; ``store`` keeps it on disk, keyed by the page id, until the
page's socket submits the form (``LiveFormMixin``), the page closes, or it is too old.
"""
