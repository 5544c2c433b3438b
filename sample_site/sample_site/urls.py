from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.views import serve
from django.urls import path, re_path
from django.views.generic import TemplateView

from demo import market, views, world

urlpatterns = [
    path("", TemplateView.as_view(template_name="demo/home.html"), name="home"),
    path("counter/", views.CounterView.as_view(), name="counter"),
    path("private/", views.PrivateCounterView.as_view(), name="private"),
    path("todos/", views.TodoListView.as_view(), name="todos"),
    path("market/", market.MarketView.as_view(), name="market"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path(
        "signup/done/",
        TemplateView.as_view(template_name="demo/signup_done.html"),
        name="signup_done",
    ),
    path("contacts/", views.ContactListView.as_view(), name="contacts"),
    path("contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/", views.ContactUpdateView.as_view(), name="contact_update"),
    # The languages demo: in the browser's language (or a django_language cookie) here, and at
    # /en/world/ and /fr/world/ in the language its URL names.
    path("world/", world.WorldView.as_view(), name="world-any"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The bundled JS, also with DEBUG off. A demo shortcut: production serves static files with
    # collectstatic and a web server or WhiteNoise.
    re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}),
    *i18n_patterns(path("world/", world.WorldView.as_view(), name="world")),
]
