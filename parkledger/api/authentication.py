"""API authentication: `Authorization: Token <key>` (or `Bearer <key>`), or the web session.

A token stops working at once when its user is disabled, and for as long as its user's sign-ins
are locked from the request's address (`parkledger.accounts.throttle`): the user and the lock
are read on every request, nothing is cached."""
from __future__ import annotations

__all__ = ["ApiTokenAuthentication"]

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from parkledger.accounts import throttle
from parkledger.accounts.authn import demo_refused
from parkledger.accounts.context import client_ip
from parkledger.accounts.permissions import holds_admin_role
from parkledger.api.models import ApiToken
from parkledger.api.tokens import ADMIN_TOKEN_REFUSED, token_for_key

#: how often `last_used_at` is written (not on every request)
LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiTokenAuthentication(BaseAuthentication):
    """A token from `parkledger token create`, sent as `Token <key>` or `Bearer <key>`."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Token <密钥>"))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("令牌无效")) from exc
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效"))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("令牌已撤销"))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("令牌已过期"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用"))
        if demo_refused(token.user):
            raise exceptions.AuthenticationFailed(_("演示账户只能在演示环境中登录。"))
        if throttle.is_locked_for(token.user, client_ip(request)):  # failed sign-ins from this address
            raise exceptions.AuthenticationFailed(_("该账户在此地址的登录已被锁定"))
        if holds_admin_role(token.user):  # an administrator since the token was made
            raise exceptions.AuthenticationFailed(ADMIN_TOKEN_REFUSED)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Token realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`Token <key>` or `Bearer <key>` (key from `parkledger token create USER`)",
        }
