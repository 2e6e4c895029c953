"""Administrative services of the three separated administrators, and closing periods.

Every function takes the acting user as `actor`; `actor=None` is the command line (an
operator with shell access to the server, recorded as `cli:<os user>`), used to bootstrap
the first administrators and to recover one (`account_recover`).

三员分立: on the web no administrator acts on an administrator's account (the three roles,
or a superuser) nor on his own: no reset, disable, unlock, second-factor reset, role or
membership change. Administrator roles are granted and revoked on the command line only (a
role granted on the web to an account whose first password the system administrator handed
over would be a takeover in two steps). Ordinary users' passwords are reset with a one-time
link (`parkledger.accounts.reset_links`), never shown to the administrator. Permission changes are audited by the model signals (as the
actor); refused attempts are audited here, before any transaction of the service opens (a
caller's own enclosing transaction that rolls back takes the refusal's entry with it).
"""
from __future__ import annotations

import secrets
import string
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parkledger.accounts import permissions as perms
from parkledger.accounts import throttle
from parkledger.accounts.authn import profile_of
from parkledger.accounts.conf import security_setting
from parkledger.accounts.context import acting_as, current_actor
from parkledger.accounts.models import Membership, RoleAssignment
from parkledger.accounts.reset_links import reset_link_path
from parkledger.accounts.roles import ADMIN_ROLES, Role
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction, AuditResult
from parkledger.core.models import Enterprise, Park
from parkledger.core.validators import validate_month
from parkledger.periods.models import ClosedPeriod, PeriodUnlock

__all__ = [
    "generate_password", "is_administrator_account", "account_create", "account_set_active", "account_reset_link",
    "account_unlock", "account_recover", "totp_reset", "role_grant", "role_revoke", "membership_grant", "membership_revoke",
    "period_close", "period_unlock", "period_unlock_revoke",
]


def _as(actor: Any) -> AbstractContextManager:
    """Audit what a service writes as its actor (the request's user already is; a direct call may not be)."""
    current = current_actor()
    if actor is None or current.user_id == actor.pk:
        return nullcontext()
    return acting_as(actor, ip=current.ip)


#: what a refused action is called on the page
_ACTION_NAMES = {
    "account_create": _lazy("创建账户"), "account_disable": _lazy("停用或启用账户"),
    "account_disable_self": _lazy("停用自己的账户"), "password_reset": _lazy("重置密码"),
    "account_unlock": _lazy("解除锁定"), "totp_reset": _lazy("重置动态口令"), "role_grant": _lazy("授予角色"),
    "role_revoke": _lazy("撤销角色"), "membership_grant": _lazy("授予园区范围"),
    "membership_revoke": _lazy("移除园区范围"), "period_close": _lazy("封账"), "period_unlock": _lazy("更正解锁"),
    "period_unlock_revoke": _lazy("结束更正"),
}


def _deny(actor: Any, what: str, message: str = "", **detail: Any) -> PermissionDenied:
    audit_log(AuditAction.PERM_DENIED, user=actor, result=AuditResult.DENIED, detail={"attempted": what, **detail})
    return PermissionDenied(message or _("无权执行此操作：%(what)s") % {"what": _ACTION_NAMES.get(what, what)})


def is_administrator_account(user: Any) -> bool:
    """One of the three separated administrators, or a superuser."""
    return bool(user.is_superuser or perms.holds_admin_role(user))


def _guard_target(actor: Any, user: Any, what: str) -> None:
    """Refuse (audited) a web action on the actor's own account or on an administrator's account."""
    if actor is None:
        return
    if actor.pk == user.pk:
        raise _deny(actor, what, _("不能对自己的账户执行此操作：%(what)s") % {"what": _ACTION_NAMES.get(what, what)},
                    user=user.get_username(), reason="self")
    if is_administrator_account(user):
        raise _deny(actor, what, _("管理员账户不能在网页上修改，只能由服务器操作员用 parkledger accounts recover 恢复"),
                    user=user.get_username(), reason="administrator")


def _require(actor: Any, allowed: bool, what: str, **detail: Any) -> None:
    if actor is not None and not allowed:
        raise _deny(actor, what, **detail)


def _audited_as_actor(func):
    """Run a service under `_as(actor)`."""
    from functools import wraps

    @wraps(func)
    def wrapper(*args: Any, actor: Any, **kwargs: Any):
        with _as(actor):
            return func(*args, actor=actor, **kwargs)

    return wrapper


def generate_password(length: int = 16) -> str:
    """A random password with all four character classes."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate) and any(not c.isalnum() for c in candidate)):
            return candidate


# -- accounts (system administrator) ------------------------------------------------------------

@_audited_as_actor
def account_create(*, actor: Any, username: str, password: str | None = None, email: str = "",
                   first_name: str = "") -> Any:
    """Create an account. With `password` (the command line) it is an initial password that must be
    changed at first login; without, the account has no usable password until its owner sets one
    through a reset link (`reset_links.reset_link_path`), which the web page shows."""
    _require(actor, perms.can_manage_accounts(actor), "account_create", username=username)
    User = get_user_model()
    if User._default_manager.filter(username=username).exists():
        raise ValidationError({"username": _("用户名“%(name)s”已存在") % {"name": username}})
    user = User(username=username, email=email, first_name=first_name)
    if password is not None:
        password_validation.validate_password(password, user)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
            user._pl_password_is_default = True
        user.save()
        audit_log(AuditAction.ACCOUNT_CREATE, obj=user, after={"username": username, "email": email},
                  detail={"first_password": "initial" if password is not None else "link"})
    return user


@_audited_as_actor
def account_set_active(*, actor: Any, user: Any, active: bool) -> None:
    """Disable (or re-enable) an account; a disabled account cannot log in, nor use its API tokens."""
    _require(actor, perms.can_manage_accounts(actor), "account_disable", user=user.get_username())
    _guard_target(actor, user, "account_disable_self" if actor is not None and actor.pk == user.pk
                  else "account_disable")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_log(AuditAction.ACCOUNT_DISABLE, obj=user, after={"is_active": active})


@_audited_as_actor
def account_reset_link(*, actor: Any, user: Any) -> str:
    """Reset an ordinary user's password: the old one stops working (and his sessions end), and the
    returned path is a one-time link, valid RESET_LINK_HOURS, with which he sets a new one."""
    _require(actor, perms.can_manage_accounts(actor), "password_reset", user=user.get_username())
    _guard_target(actor, user, "password_reset")
    if not user.is_active:
        raise ValidationError(_("账户已停用，请先启用再重置密码"))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_log(AuditAction.PASSWORD_RESET, obj=user, detail={
        "method": "link", "valid_hours": security_setting("RESET_LINK_HOURS"),
    })
    return reset_link_path(user)


@_audited_as_actor
def account_unlock(*, actor: Any, user: Any) -> int:
    """End the user's sign-in locks and delays at every address (the security administrator, for
    ordinary users); the number of addresses that had one."""
    _require(actor, perms.can_grant_roles(actor), "account_unlock", user=user.get_username())
    _guard_target(actor, user, "account_unlock")
    cleared = throttle.clear(user)
    audit_log(AuditAction.UNLOCK_ACCOUNT, obj=user, detail={"addresses": cleared})
    return cleared


@_audited_as_actor
def totp_reset(*, actor: Any, user: Any) -> None:
    """Forget the user's second factor (a lost phone); he enrols again at the next login."""
    _require(actor, perms.can_manage_accounts(actor), "totp_reset", user=user.get_username())
    _guard_target(actor, user, "totp_reset")
    _forget_totp(profile_of(user))
    audit_log(AuditAction.TOTP_RESET, obj=user)


def _forget_totp(profile: Any, *, enrol_again: bool = False) -> None:
    profile.totp_secret = ""
    profile.totp_confirmed_at = None
    profile.totp_last_counter = None
    profile.must_enrol_totp = enrol_again
    profile.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter", "must_enrol_totp"])


def account_recover(*, user: Any) -> str:
    """Recover an account from the server's shell (`parkledger accounts recover`), the only way for
    an administrator's: a new temporary password (returned, for the operator to hand over), which
    must be changed at the next login, where a new second factor must be enrolled too; the old
    factor, every sign-in lock and every API token end. The account stays disabled if it is."""
    password = generate_password()
    with transaction.atomic():
        user.set_password(password)
        user._pl_password_is_default = True
        user.save()
        profile = profile_of(user)
        profile.demo_exempt = False  # a recovered account follows every rule
        profile.save(update_fields=["demo_exempt"])
        _forget_totp(profile, enrol_again=True)
        cleared = throttle.clear(user)
        from parkledger.api.tokens import token_revoke_all

        revoked = token_revoke_all(user=user)
        audit_log(AuditAction.PASSWORD_RESET, obj=user, detail={
            "method": "recover", "second_factor_reset": True, "locked_addresses_cleared": cleared,
            "tokens_revoked": revoked, "administrator": is_administrator_account(user),
        })
    return password


# -- roles and memberships (security administrator) ---------------------------------------------

def _no_admin_role_on_the_web(actor: Any, user: Any, role: str, what: str) -> None:
    if actor is not None and role in ADMIN_ROLES:
        raise _deny(actor, what, _("管理员角色只能由服务器操作员用 parkledger accounts grant 授予或撤销"),
                    user=user.get_username(), role=role, reason="administrator_role")


def _not_self(actor: Any, user: Any, what: str) -> None:
    if actor is not None and actor.pk == user.pk:
        raise _deny(actor, what, reason="self")


@_audited_as_actor
def role_grant(*, actor: Any, user: Any, role: str) -> RoleAssignment:
    """Grant a role. An administrator role is held alone (三员分立); nobody grants himself."""
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    _require(actor, perms.can_grant_roles(actor), "role_grant", user=user.get_username(), role=role)
    _guard_target(actor, user, "role_grant")
    _no_admin_role_on_the_web(actor, user, role, "role_grant")
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    if role in held:
        return RoleAssignment.objects.get(user=user, role=role)
    if (role in ADMIN_ROLES and held) or (held & ADMIN_ROLES):
        raise ValidationError({"role": _("系统管理员、安全管理员、审计管理员三个角色互斥，且不能兼任业务角色")})
    if role == Role.ENTERPRISE and held - {Role.ENTERPRISE}:
        raise ValidationError({"role": _("企业用户不能兼任园区内部角色")})
    if role != Role.ENTERPRISE and Role.ENTERPRISE in held:
        raise ValidationError({"role": _("企业用户不能兼任园区内部角色")})
    return RoleAssignment.objects.create(user=user, role=role, granted_by=actor)


@_audited_as_actor
def role_revoke(*, actor: Any, user: Any, role: str) -> bool:
    _require(actor, perms.can_grant_roles(actor), "role_revoke", user=user.get_username(), role=role)
    _guard_target(actor, user, "role_revoke")
    _no_admin_role_on_the_web(actor, user, role, "role_revoke")
    deleted = 0
    with transaction.atomic():
        for assignment in RoleAssignment.objects.filter(user=user, role=role):
            assignment.delete()
            deleted += 1
    return bool(deleted)


@_audited_as_actor
def membership_grant(*, actor: Any, user: Any, park: str | None = None, city: str = "",
                     enterprise: str | None = None) -> Membership:
    """Give access to a park (and its sub-parks), every park of a city, or one enterprise."""
    _require(actor, perms.can_grant_roles(actor), "membership_grant", user=user.get_username())
    _guard_target(actor, user, "membership_grant")
    if sum(bool(x) for x in (park, city, enterprise)) != 1:
        raise ValidationError(_("须且只能指定园区、城市、企业之一"))
    if park and not Park.objects.filter(code=park).exists():
        raise ValidationError({"park": _("园区“%(code)s”不存在") % {"code": park}})
    if enterprise and not Enterprise.objects.filter(uscc=enterprise).exists():
        raise ValidationError({"enterprise": _("企业“%(code)s”不存在") % {"code": enterprise}})
    existing = Membership.objects.filter(user=user, park_id=park or None, city=city or "", enterprise_id=enterprise or None).first()
    if existing:
        return existing
    return Membership.objects.create(user=user, park_id=park or None, city=city or "",
                                     enterprise_id=enterprise or None, granted_by=actor)


@_audited_as_actor
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    _require(actor, perms.can_grant_roles(actor), "membership_revoke", membership=membership.pk)
    _guard_target(actor, membership.user, "membership_revoke")
    membership.delete()


# -- closed periods -----------------------------------------------------------------------------

@_audited_as_actor
def period_close(*, actor: Any, park: str, month: str, note: str = "") -> ClosedPeriod:
    """Close a park's month (and its sub-parks') once its figures are reported upward; its figures
    are frozen (closing again through an open correction re-freezes them, see parkledger.periods.closing)."""
    validate_month(month)
    if not Park.objects.filter(code=park).exists():
        raise ValidationError({"park": _("园区“%(code)s”不存在") % {"code": park}})
    if actor is not None:
        allowed = perms.can_close_period(actor) and park in perms.visible_park_codes(actor)
        _require(actor, allowed, "period_close", park=park, month=month)
    from parkledger.periods.closing import close_month

    result = close_month(park=park, month=month, user=actor, note=note)  # freezes the month's figures
    result.closed.close_result = result
    return result.closed


@_audited_as_actor
def period_unlock(*, actor: Any, park: str, month: str, reason: str, hours: float | None = None,
                  user: Any = None) -> PeriodUnlock:
    """Open a correction (更正) on a closed month for `hours` (for one user, or anyone who may write)."""
    _require(actor, perms.can_unlock_period(actor), "period_unlock", park=park, month=month)
    if user is not None:
        _not_self(actor, user, "period_unlock")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("更正解锁须说明原因")})
    if not ClosedPeriod.objects.filter(park_id=park, month=month).exists():
        raise ValidationError(_("%(park)s 园区 %(month)s 未封账，无需解锁") % {"park": park, "month": month})
    hours = float(hours if hours is not None else security_setting("PERIOD_UNLOCK_DEFAULT_HOURS"))
    max_hours = float(security_setting("PERIOD_UNLOCK_MAX_HOURS"))
    if not 0 < hours <= max_hours:
        raise ValidationError({"hours": _("解锁时长须在 0 至 %(max)s 小时之间") % {"max": int(max_hours)}})
    now = timezone.now()
    return PeriodUnlock.objects.create(
        park_id=park, month=month, reason=reason, user=user, unlocked_by=actor,
        unlocked_at=now, expires_at=now + timedelta(hours=hours),
    )


@_audited_as_actor
def period_unlock_revoke(*, actor: Any, unlock: PeriodUnlock) -> None:
    """End a correction window before its expiry."""
    _require(actor, perms.can_unlock_period(actor), "period_unlock_revoke", unlock=unlock.pk)
    unlock.revoked_at = timezone.now()
    unlock.save(update_fields=["revoked_at"])
