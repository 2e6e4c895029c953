"""Creating, finding and revoking API tokens."""
from __future__ import annotations

__all__ = [
    "TOKEN_PREFIX", "DEFAULT_DAYS", "MAX_DAYS", "TokenRefused", "ADMIN_TOKEN_REFUSED", "hash_key", "token_create",
    "token_revoke", "token_revoke_all", "token_for_key",
]

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkledger.accounts.permissions import holds_admin_role
from parkledger.api.models import ApiToken
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction

TOKEN_PREFIX = "plk_"
DEFAULT_DAYS = 90
MAX_DAYS = 366
ADMIN_TOKEN_REFUSED = _(
    "系统管理员、安全管理员和审计管理员不能使用API令牌：管理员须以密码加动态口令登录"
)


class TokenRefused(ValueError):
    """A token that may not be made (for one of the three administrators)."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(*, user, days: int = DEFAULT_DAYS, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user` valid `days` days; returns (token, key). The key is not stored.

    Refused (`TokenRefused`) for the three administrators: a token would let them past the
    second factor their sign-in requires."""
    if holds_admin_role(user):
        raise TokenRefused(str(ADMIN_TOKEN_REFUSED))
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[: len(TOKEN_PREFIX) + 6], key_hash=hash_key(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    _audit(AuditAction.PERM_GRANT, token, "api_token_create")
    return token, key


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent; the first revocation time is kept)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit(AuditAction.PERM_REVOKE, token, "api_token_revoke")
    return token


def token_revoke_all(*, user) -> int:
    """Revoke every active token of `user` (an account recovered from the shell); how many."""
    tokens = list(ApiToken.objects.select_related("user").filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token_revoke(token=token)
    return len(tokens)


def _audit(action: str, token: ApiToken, event: str) -> None:
    """Token grants and revocations are permission changes: they go to the audit log."""
    audit_log(action, obj=token, detail={
        "event": event, "token_user": token.user.get_username(), "prefix": token.prefix, "name": token.name,
        "expires_at": token.expires_at.isoformat(),
    })


def token_for_key(key: str) -> ApiToken | None:
    """The token whose key this is (active or not), with its user, or None."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
