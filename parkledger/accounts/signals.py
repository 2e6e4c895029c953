"""Signal receivers: they only hand events to the services (audit, period lock, lockout).

- every LedgerModel write: the period lock (pre_save/pre_delete) and the audit entry with the
  values before and after (post_save/post_delete);
- role, membership, closed-period and correction rows: "permission change" entries;
- users: a security profile for each, and the password's change time;
- logins, failed logins and logouts.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from parkledger.accounts import permissions, throttle
from parkledger.accounts.authn import profile_of
from parkledger.accounts.context import client_ip, current_actor, current_request
from parkledger.accounts.models import Membership, RoleAssignment
from parkledger.audit.log import audit_log, record_snapshot
from parkledger.audit.models import AuditAction, AuditResult
from parkledger.audit.refusals import audit_refusal
from parkledger.core.models import LedgerModel
from parkledger.periods import locks as periods
from parkledger.periods.locks import PeriodClosedError, check_record_write
from parkledger.periods.models import ClosedPeriod, PeriodUnlock

# -- ledgers ------------------------------------------------------------------------------------


def _old_row(instance: LedgerModel) -> LedgerModel | None:
    if instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).first()


def _guard(old: LedgerModel | None, new: LedgerModel | None) -> list:
    """The period lock; a refusal is logged before it propagates (queued when inside a
    transaction, so that the rollback the refusal causes does not take the entry with it)."""
    try:
        return check_record_write(old, new, user_id=current_actor().user_id)
    except PeriodClosedError as exc:
        subject = new if new is not None else old
        action = "create" if old is None else ("delete" if new is None else "change")
        audit_refusal(
            AuditAction.PERIOD_REFUSED, obj=subject, result=AuditResult.DENIED,
            detail={"attempted": action, "park": exc.park, "month": exc.month, "record_park": exc.record_park},
        )
        raise


def _corrections(locks: list) -> list[dict[str, Any]]:
    return [
        {"unlock_id": lock.unlock.pk, "park": lock.park, "month": lock.month, "reason": lock.unlock.reason}
        for lock in locks if lock.unlock is not None
    ]


def write_channel() -> str:
    """Where a single save comes from: `api` (a request under /api/), `form` (another request), or
    `shell` (a command, a job, the admin shell)."""
    request = current_request()
    if request is None:
        return "shell"
    return "api" if str(getattr(request, "path", "")).startswith("/api/") else "form"


def _write_detail(corrections: Any) -> dict[str, Any]:
    detail: dict[str, Any] = {"via": write_channel()}
    if corrections:
        detail["correction"] = corrections
    return detail


@receiver(pre_save, dispatch_uid="accounts_ledger_pre_save")
def ledger_pre_save(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, LedgerModel):
        return
    old = _old_row(instance)
    instance._pl_before = record_snapshot(old) if old is not None else None
    instance._pl_corrections = _corrections(_guard(old, instance))


@receiver(post_save, dispatch_uid="accounts_ledger_post_save")
def ledger_post_save(sender, instance, created, raw=False, **kwargs):
    if not isinstance(instance, LedgerModel):
        return
    if instance.kind_key in ("park", "enterprise"):  # the period check caches their parks
        periods.invalidate()
    if raw:
        return
    before = getattr(instance, "_pl_before", None)
    after = record_snapshot(instance)
    if not created and before == after:
        return  # a save that changed nothing
    corrections = getattr(instance, "_pl_corrections", None)
    audit_log(
        AuditAction.CREATE if created or before is None else AuditAction.CHANGE,
        obj=instance, before=before, after=after, detail=_write_detail(corrections),
    )


@receiver(pre_delete, dispatch_uid="accounts_ledger_pre_delete")
def ledger_pre_delete(sender, instance, **kwargs):
    if not isinstance(instance, LedgerModel):
        return
    instance._pl_corrections = _corrections(_guard(instance, None))
    instance._pl_before = record_snapshot(instance)


@receiver(post_delete, dispatch_uid="accounts_ledger_post_delete")
def ledger_post_delete(sender, instance, **kwargs):
    if not isinstance(instance, LedgerModel):
        return
    corrections = getattr(instance, "_pl_corrections", None)
    audit_log(
        AuditAction.DELETE, obj=instance, before=getattr(instance, "_pl_before", None) or record_snapshot(instance),
        detail=_write_detail(corrections),
    )


# -- permission changes -------------------------------------------------------------------------

def _grant_snapshot(instance) -> dict[str, Any]:
    if isinstance(instance, RoleAssignment):
        return {"user": instance.user_id, "role": instance.role}
    if isinstance(instance, Membership):
        return {"user": instance.user_id, "park": instance.park_id, "city": instance.city,
                "enterprise": instance.enterprise_id}
    if isinstance(instance, ClosedPeriod):
        return {"park": instance.park_id, "month": instance.month, "note": instance.note}
    return {
        "park": instance.park_id, "month": instance.month, "reason": instance.reason, "user": instance.user_id,
        "expires_at": instance.expires_at, "revoked_at": instance.revoked_at,
    }


_GRANT_ACTIONS = {
    RoleAssignment: (AuditAction.PERM_GRANT, AuditAction.PERM_REVOKE),
    Membership: (AuditAction.PERM_GRANT, AuditAction.PERM_REVOKE),
    ClosedPeriod: (AuditAction.PERIOD_CLOSE, AuditAction.PERIOD_REOPEN),
    PeriodUnlock: (AuditAction.PERIOD_UNLOCK, AuditAction.PERIOD_UNLOCK),
}


def _grant_saved(sender, instance, created, raw=False, **kwargs):
    permissions.invalidate_cache()
    periods.invalidate()
    if raw:
        return
    action = _GRANT_ACTIONS[sender][0]
    audit_log(action, obj=instance, after=_grant_snapshot(instance), detail=None if created else {"changed": True})


def _grant_deleted(sender, instance, **kwargs):
    permissions.invalidate_cache()
    periods.invalidate()
    action = _GRANT_ACTIONS[sender][1]
    audit_log(action, obj=instance, before=_grant_snapshot(instance), detail={"deleted": True})


for _model in _GRANT_ACTIONS:
    post_save.connect(_grant_saved, sender=_model, dispatch_uid=f"accounts_grant_saved_{_model.__name__}")
    post_delete.connect(_grant_deleted, sender=_model, dispatch_uid=f"accounts_grant_deleted_{_model.__name__}")


# -- users --------------------------------------------------------------------------------------

@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts_user_saved")
def user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    profile = profile_of(instance)
    # `_password` holds the raw password between set_password() and the end of save();
    # a new account's password (create_user sets it without set_password) dates from its creation
    if created or getattr(instance, "_password", None) is not None:
        profile.password_changed_at = timezone.now()
        profile.must_change_password = bool(getattr(instance, "_pl_password_is_default", False))
        profile.save(update_fields=["password_changed_at", "must_change_password"])
        if not created:
            audit_log(AuditAction.PASSWORD_CHANGE, obj=instance)
    permissions.invalidate_cache()


@receiver(user_logged_in, dispatch_uid="accounts_logged_in")
def logged_in(sender, request, user, **kwargs):
    audit_log(AuditAction.LOGIN, obj=user, user=user, detail={"second_factor": bool(getattr(request, "_pl_totp_ok", False))})


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "_pl_login_gate", None) is not None:
        return  # the login form counts its own attempts (parkledger.accounts.forms.LoginForm)
    throttle.fail_unguarded(str(credentials.get("username", "") or ""), client_ip(request) if request else "")


@receiver(user_logged_out, dispatch_uid="accounts_logged_out")
def logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "_pl_logout_reason", "")
    action = AuditAction.SESSION_TIMEOUT if reason == "timeout" else AuditAction.LOGOUT
    audit_log(action, obj=user, user=user)
