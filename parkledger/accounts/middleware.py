"""Request middleware: the audit actor, the idle timeout, the password/second-factor gate, headers.

Order in settings.MIDDLEWARE: `SecurityHeadersMiddleware` right after Django's
SecurityMiddleware; the other three after AuthenticationMiddleware, in this file's order.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from parkledger.accounts.conf import security_setting
from parkledger.accounts.context import bind_request
from parkledger.accounts.passwords import password_change_required

__all__ = [
    "AuditContextMiddleware", "IdleTimeoutMiddleware", "SecurityGateMiddleware", "SecurityHeadersMiddleware",
    "LAST_ACTIVITY_KEY", "NEEDS_TOTP_ENROL_KEY",
]

LAST_ACTIVITY_KEY = "_pl_last_activity"
NEEDS_TOTP_ENROL_KEY = "_pl_needs_totp_enrol"
_STAMP_EVERY_SECONDS = 30  # write the session at most this often for the activity stamp


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def _to_login(request: HttpRequest, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"errors": [{"field": None, "message": message}]}, status=401)
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return HttpResponseRedirect(settings.LOGIN_URL + (f"?{query}" if query else ""))


class AuditContextMiddleware:
    """Make the request (its user and address) the actor of audit entries written while it runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with bind_request(request):
            return self.get_response(request)


class IdleTimeoutMiddleware:
    """End a session after IDLE_TIMEOUT_MINUTES without a request (logged as a session timeout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            now = time.time()
            last = session.get(LAST_ACTIVITY_KEY)
            timeout = float(security_setting("IDLE_TIMEOUT_MINUTES")) * 60
            if isinstance(last, int | float) and now - last > timeout:
                request._pl_logout_reason = "timeout"
                logout(request)
                return _to_login(request, _("会话已超时，请重新登录"))
            if not isinstance(last, int | float) or now - last > _STAMP_EVERY_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class SecurityGateMiddleware:
    """Until an expired or default password is changed, or a mandatory second factor enrolled,
    a logged-in user reaches only those pages (and logout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._always_open(request.path):
            if password_change_required(user):
                target = reverse("accounts:password_change")
                if request.path != target:
                    return self._redirect(request, target, _("请先修改密码（初始密码或密码已过期）"))
            elif request.session.get(NEEDS_TOTP_ENROL_KEY):
                target = reverse("accounts:totp_enrol")
                if request.path != target:
                    return self._redirect(request, target, _("管理员账户须先启用动态口令"))
        return self.get_response(request)

    @staticmethod
    def _always_open(path: str) -> bool:
        static = settings.STATIC_URL or "/static/"
        return path.startswith((static, "/i18n/")) or path in (reverse("accounts:logout"), "/healthz")

    @staticmethod
    def _redirect(request: HttpRequest, target: str, message: str) -> HttpResponse:
        if _wants_json(request):
            return JsonResponse({"errors": [{"field": None, "message": message}]}, status=403)
        return HttpResponseRedirect(target)


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and no caching of pages shown to a logged-in user.

    A view may set `response.csp = "<policy>"` for a page that needs a different policy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(response, "csp", None) or security_setting("CONTENT_SECURITY_POLICY")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        permissions_policy = security_setting("PERMISSIONS_POLICY")
        if permissions_policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
