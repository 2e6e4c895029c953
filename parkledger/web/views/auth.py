"""Signing in and out of the web application."""
from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    """The login page (Django's, with the application's look)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and return to the login page."""

    next_page = "web:login"
