"""Login (with the second factor), logout, password change and TOTP enrolment."""
from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from parkledger.accounts import throttle
from parkledger.accounts.authn import (
    demo_refused,
    new_totp_secret,
    profile_of,
    totp_enrol_required,
    totp_needed_at_login,
    totp_required,
    totp_uri,
    verify_totp,
)
from parkledger.accounts.conf import security_setting
from parkledger.accounts.context import client_ip
from parkledger.accounts.forms import LoginForm, PasswordChangeNewForm, ResetPasswordForm, TotpCodeForm
from parkledger.accounts.middleware import LAST_ACTIVITY_KEY, NEEDS_TOTP_ENROL_KEY
from parkledger.accounts.reset_links import reset_tokens
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction

PENDING_KEY = "_pl_pending_login"
ENROL_SECRET_KEY = "_pl_totp_enrol_secret"
AUDIT_PAGE_SIZE = 50


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render an accounts page inside the web application's layout when it exists."""
    base = select_template(["web/base.html", "accounts/standalone.html"]).template.name
    return render(request, template, {"base_template": base, "nav": "accounts", **context}, status=status)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _complete_login(request: HttpRequest, user: Any, *, totp_ok: bool, next_url: str) -> HttpResponse:
    request._pl_totp_ok = totp_ok
    login(request, user, backend=getattr(user, "backend", None))
    request.session[LAST_ACTIVITY_KEY] = time.time()
    if totp_enrol_required(user):
        request.session[NEEDS_TOTP_ENROL_KEY] = True
    return redirect(next_url)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: user name and password (step 2, the code, follows for users with a second factor)."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if totp_needed_at_login(user):
            request.session[PENDING_KEY] = {
                "user": user.pk, "backend": user.backend, "at": time.time(), "next": next_url,
            }
            return redirect("accounts:login_verify")
        return _complete_login(request, user, totp_ok=False, next_url=next_url)
    return _render(request, "accounts/login.html", {"form": form, "next": next_url})


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_verify_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the TOTP code of a user who passed step 1 within TOTP_PENDING_MINUTES."""
    pending = request.session.get(PENDING_KEY)
    max_age = float(security_setting("TOTP_PENDING_MINUTES")) * 60
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > max_age:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("请重新输入用户名和密码"))
        return redirect("accounts:login")
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    if user is None or demo_refused(user):
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = TotpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        gate = throttle.begin(user, client_ip(request), reason="totp")
        if gate.refused:
            return _code_refused(request, form, gate)
        if verify_totp(user, form.cleaned_data["code"]):
            if not throttle.passed(gate):  # a lock recorded meanwhile holds
                return _code_refused(request, form, gate)
            request.session.pop(PENDING_KEY, None)
            user.backend = pending["backend"]
            return _complete_login(request, user, totp_ok=True, next_url=_safe_next(request, pending.get("next")))
        throttle.fail(gate, reason="totp")
        if throttle.is_locked_for(user, gate.ip):
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("动态口令错误次数过多，该账户在此地址的登录已被锁定"))
            return redirect("accounts:login")
        form.add_error("code", _("动态口令不正确或已使用"))
    return _render(request, "accounts/login_verify.html", {"form": form, "username": user.get_username()})


def _code_refused(request: HttpRequest, form: TotpCodeForm, gate: throttle.Gate) -> HttpResponse:
    if gate.refusal == "locked":
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("该账户在此地址的登录已被锁定，请 %(minutes)s 分钟后再试") % {
            "minutes": (gate.wait_seconds + 59) // 60})
        return redirect("accounts:login")
    form.add_error(None, _("登录尝试过于频繁，请 %(seconds)s 秒后再试。") % {"seconds": gate.wait_seconds})
    return _render(request, "accounts/login_verify.html", {"form": form, "username": gate.user.get_username()})


@csrf_protect
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """POST logs out (GET shows a confirmation button: a link must not log anyone out)."""
    if request.method == "POST":
        logout(request)
        return redirect("accounts:login")
    return _render(request, "accounts/logout.html", {})


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeNewForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改"))
        if request.session.get(NEEDS_TOTP_ENROL_KEY):
            return redirect("accounts:totp_enrol")
        return redirect(settings.LOGIN_REDIRECT_URL)
    profile = profile_of(request.user)
    return _render(request, "accounts/password_change.html", {
        "form": form, "must_change": profile.must_change_password,
        "max_age_days": security_setting("PASSWORD_MAX_AGE_DAYS"),
    })


@csrf_protect
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    """Show a new secret (typed into an authenticator app) and confirm it with a code."""
    profile = profile_of(request.user)
    if profile.totp_enabled:
        return _render(request, "accounts/totp_enrol.html", {"enabled": True, "profile": profile})
    secret = request.session.get(ENROL_SECRET_KEY)
    if not secret:
        secret = new_totp_secret()
        request.session[ENROL_SECRET_KEY] = secret
    form = TotpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if verify_totp(request.user, form.cleaned_data["code"], secret=secret):
            request.session.pop(ENROL_SECRET_KEY, None)
            request.session.pop(NEEDS_TOTP_ENROL_KEY, None)
            messages.success(request, _("动态口令已启用，以后登录时需输入"))
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("code", _("动态口令不正确，请核对手机时间后重试"))
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return _render(request, "accounts/totp_enrol.html", {
        "enabled": False, "form": form, "secret": grouped, "uri": totp_uri(request.user, secret),
        "required": totp_required(request.user), "issuer": security_setting("TOTP_ISSUER"),
    })


def admin_login_redirect(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site's login page: the application's login, so the admin gets no weaker door."""
    from django.contrib.auth.views import redirect_to_login

    if request.user.is_authenticated:  # logged in, but not staff: no loop back to the login page
        raise PermissionDenied(_("无权访问管理后台"))
    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


class ResetLinkView(PasswordResetConfirmView):
    """A one-time reset link (`parkledger.accounts.reset_links`): the user sets his own password.

    Django's view keeps the token out of the page's address (it moves it to the session and
    redirects), checks it with our generator, and validates the new password. An administrator's
    account is never reset this way (`parkledger accounts recover`), nor a disabled one."""

    template_name = "accounts/password_reset.html"
    form_class = ResetPasswordForm
    token_generator = reset_tokens
    success_url = reverse_lazy("accounts:login")

    def get_user(self, uidb64: str) -> Any:
        from parkledger.accounts.services import is_administrator_account

        user = super().get_user(uidb64)
        if user is None or not user.is_active or is_administrator_account(user):
            return None
        return user

    def form_valid(self, form: ResetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_log(AuditAction.PASSWORD_RESET, obj=form.user, user=form.user, detail={"method": "link", "used": True})
        messages.success(self.request, _("密码已设置，请用新密码登录"))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        base = select_template(["web/base.html", "accounts/standalone.html"]).template.name
        return {**super().get_context_data(**kwargs), "base_template": base, "nav": "accounts"}
