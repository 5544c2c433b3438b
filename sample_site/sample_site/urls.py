from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import path
from django.views.generic import TemplateView

from demo import views

urlpatterns = [
    path("", TemplateView.as_view(template_name="demo/home.html"), name="home"),
    path("counter/", views.CounterView.as_view(), name="counter"),
    path("private/", views.PrivateCounterView.as_view(), name="private"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    *staticfiles_urlpatterns(),  # the bundled JS, also when DEBUG is off (demo only)
]
