"""The library's HTTP routes: ``path("", include("live_views.urls"))``.

``live/upload/`` takes a live form's files; ``live/http/`` and ``live/http/push/`` carry a page's
frames and pushes when its websocket cannot open, and ``live/http/leave/`` says it went back to
its socket (docs/http-transport.md); ``live/ws/`` answers a socket's handshake whose upgrade a
proxy dropped (426, and a warning in the log); ``live/session/`` gives the browser the session
key a live handler's ``login()`` made (docs/security.md)."""

from __future__ import annotations

from django.urls import path

from live_views.http.endpoint import leave_http, push_stream, receive_frame
from live_views.http.no_upgrade import no_upgrade
from live_views.http.session_hop import redeem_ticket
from live_views.socket.component_mount import mount_for_upload
from live_views.uploads.endpoint import receive_upload

app_name = "live_views"

urlpatterns = [
    # A live component of a page that is not live mounts as its own socket mounts it.
    path("live/upload/", receive_upload, {"standalone": mount_for_upload}, name="upload"),
    path("live/http/", receive_frame, name="http"),
    path("live/http/push/", push_stream, name="http_push"),
    path("live/http/leave/", leave_http, name="http_leave"),
    path("live/session/", redeem_ticket, name="session"),
    # The socket's own URL, when a proxy lost its upgrade: said in the log, answered 426.
    path("live/ws/", no_upgrade, name="no_upgrade"),
]
