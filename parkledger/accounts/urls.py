"""Routes under /accounts/ (login, logout, password, reset links, second factor, administrators' pages)."""
from django.urls import path

from parkledger.accounts import admin_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/login/verify/", views.login_verify_view, name="login_verify"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change_view, name="password_change"),
    path("accounts/totp/", views.totp_enrol_view, name="totp_enrol"),
    path("accounts/reset/<uidb64>/<token>/", views.ResetLinkView.as_view(), name="reset_link"),
    path("accounts/manage/users/", admin_views.accounts_view, name="manage_accounts"),
    path("accounts/manage/grants/", admin_views.grants_view, name="manage_grants"),
    path("accounts/manage/periods/", admin_views.periods_view, name="manage_periods"),
]
