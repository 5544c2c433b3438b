from __future__ import annotations

import os

from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.views import serve
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from demo import (
    attachments,
    contact_rows,
    dropboxes,
    feed,
    likes,
    log,
    market,
    menus,
    newsletter,
    rooms,
    views,
    widgets,
    world,
)
from demo.renamed_static import serve_hashed_only

# DEMO_RENAMED_STATIC=1: the library's scripts under hashed names only (demo/renamed_static.py).
static_files = serve_hashed_only if os.environ.get("DEMO_RENAMED_STATIC") == "1" else serve

urlpatterns = [
    path("", TemplateView.as_view(template_name="demo/home.html"), name="home"),
    path("counter/", views.CounterView.as_view(), name="counter"),
    path("private/", views.PrivateCounterView.as_view(), name="private"),
    path("todos/", views.TodoListView.as_view(), name="todos"),
    path("todos/feed/", feed.TodoFeedView.as_view(), name="todo_feed"),
    path("market/", market.MarketView.as_view(), name="market"),
    path("hooks/", widgets.HooksView.as_view(), name="hooks"),
    path("hooks/plain/", widgets.PlainHooksView.as_view(), name="hooks_plain"),
    path("chart/", widgets.ChartView.as_view(), name="chart"),
    path("menus/", menus.MenusView.as_view(), name="menus"),
    path("log/", log.LogView.as_view(), name="log"),
    path("likes/", likes.LikesView.as_view(), name="likes"),
    path("rooms/", rooms.RoomsView.as_view(), name="rooms"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("newsletter/", newsletter.NewsletterView.as_view(), name="newsletter"),
    path("live-login/", views.LiveLoginView.as_view(), name="live_login"),
    path(
        "signup/done/",
        TemplateView.as_view(template_name="demo/signup_done.html"),
        name="signup_done",
    ),
    path("contacts/", views.ContactListView.as_view(), name="contacts"),
    path("contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/", views.ContactUpdateView.as_view(), name="contact_update"),
    path("contacts/rows/", contact_rows.ContactRowsView.as_view(), name="contact_rows"),
    path("attachments/", attachments.AttachmentsView.as_view(), name="attachments"),
    path("attachments/sent/", attachments.SentView.as_view(), name="attachments_sent"),
    path("dropboxes/", dropboxes.DropBoxesView.as_view(), name="dropboxes"),
    # The languages demo: in the browser's language (or a django_language cookie) here, and at
    # /en/world/ and /fr/world/ in the language its URL names.
    path("world/", world.WorldView.as_view(), name="world-any"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Static files, also under uvicorn and with DEBUG off. A demo shortcut: a real project uses
    # ServeStatic/WhiteNoise or collectstatic behind its proxy (README: static files under ASGI).
    re_path(r"^static/(?P<path>.*)$", static_files, {"insecure": True}),
    *i18n_patterns(path("world/", world.WorldView.as_view(), name="world")),
]

# The library's routes: uploads, the HTTP transport, the session hop (live_views/urls.py).
# DEMO_NO_LIVE_URLS=1 leaves them out, as a project that never included them would (the tests
# of what DEBUG then says).
if os.environ.get("DEMO_NO_LIVE_URLS") != "1":
    urlpatterns.append(path("", include("live_views.urls")))
