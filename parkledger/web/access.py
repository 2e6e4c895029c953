"""Who may see and do what in the web pages.

The rules live in `parkledger.accounts.permissions`; this module is the web's single door to
them, so every page asks the same questions the same way. While that module is absent (a
fresh checkout of an older tree), an authenticated user sees every park and may do anything
except issue reports, which needs a superuser.
"""
from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from types import ModuleType
from typing import Any

from django.db.models import Model, QuerySet

from parkledger.core.models import Park

__all__ = [
    "visible_parks", "visible_park_codes", "can", "can_record", "scope", "can_see_park_figures", "can_issue",
    "can_view_audit", "history", "audit_export", "audit_report_issue", "record_park_code",
]


@cache
def _permissions() -> ModuleType | None:
    """The accounts permission module when it exists (import errors inside it propagate)."""
    if importlib.util.find_spec("parkledger.accounts.permissions") is None:
        return None
    return importlib.import_module("parkledger.accounts.permissions")


def visible_park_codes(user) -> list[str] | None:
    """The codes of the parks the user may see; None means every park."""
    perms = _permissions()
    if perms is None or not hasattr(perms, "visible_park_codes"):
        return None if user.is_authenticated else []
    codes = perms.visible_park_codes(user)
    return None if codes is None else list(codes)


def visible_parks(user) -> list[Park]:
    """The parks the user may see, in code order (one query)."""
    codes = visible_park_codes(user)
    qs = Park.objects.order_by("code")
    if codes is not None:
        qs = qs.filter(code__in=codes)
    return list(qs)


def can(user, kind_key: str, action: str, park_code: str | None = None) -> bool:
    """May the user do `action` (view, add, change, delete, export, import) on a kind's records?"""
    perms = _permissions()
    if perms is None or not hasattr(perms, "has_ledger_perm"):
        return bool(user.is_authenticated)
    return bool(perms.has_ledger_perm(user, kind_key, action, park_code))


def can_record(user, obj: Model, action: str) -> bool:
    """May the user do `action` on this record (its park; an enterprise user's own enterprise)?"""
    perms = _permissions()
    if perms is not None and hasattr(perms, "has_record_perm"):
        return bool(perms.has_record_perm(user, obj, action))
    return can(user, obj.kind_key, action, record_park_code(obj))


def scope(user, kind_key: str, qs: QuerySet) -> QuerySet:
    """Restrict a kind's queryset to the records the user may see."""
    perms = _permissions()
    if perms is None or not hasattr(perms, "scope_queryset"):
        return qs if user.is_authenticated else qs.none()
    return perms.scope_queryset(user, kind_key, qs)


def can_see_park_figures(user, park_code: str) -> bool:
    """May the user see a park's aggregate figures (dashboard, indicators, report)?

    Those who may read the park's own statistics (`park_month`) may: department staff, leaders,
    statisticians. An enterprise user sees only his enterprise's records, an administrator none.
    """
    perms = _permissions()
    if perms is not None and hasattr(perms, "can_view_park_figures"):
        return bool(perms.can_view_park_figures(user, park_code))
    return bool(park_code) and can(user, "park_month", "view", park_code)


def can_issue(user) -> bool:
    """May the user issue (archive) a report? Leaders only."""
    perms = _permissions()
    if perms is None or not hasattr(perms, "can_issue_report"):
        return bool(user.is_superuser)
    return bool(perms.can_issue_report(user))


def can_view_audit(user) -> bool:
    """May the user read the audit log (the audit administrator)?"""
    perms = _permissions()
    if perms is None or not hasattr(perms, "can_view_audit"):
        return False
    return bool(perms.can_view_audit(user))


def audit_export(user, *, kinds, park: str | None, fmt: str, rows: int | None = None, target: str = "") -> None:
    """Write an export to the audit log (every web download of business data)."""
    if importlib.util.find_spec("parkledger.audit.import_hooks") is None:
        return
    from parkledger.audit.import_hooks import audit_export as log_export

    log_export(kinds=kinds, park=park, fmt=fmt, rows=rows, user=user, target=target)


def audit_report_issue(user, issued: Model) -> None:
    """Write an issued (archived) report to the audit log."""
    if importlib.util.find_spec("parkledger.audit.log") is None:
        return
    from parkledger.audit.log import audit_log
    from parkledger.audit.models import AuditAction

    audit_log(AuditAction.REPORT_ISSUE, obj=issued, user=user,
              detail={"park": issued.park_id, "period": issued.period, "format": issued.format,
                      "checksum": issued.checksum})


def history(model: type[Model], pk: Any) -> list:
    """The audit entries of one record, newest first (empty while auditing is not installed)."""
    perms = _permissions()
    if perms is None or not hasattr(perms, "record_history"):
        return []
    return list(perms.record_history(model, pk))


def record_park_code(obj: Model) -> str | None:
    """The park code of a record, following its kind's `park_path` (`uscc__park` → obj.uscc.park_id)."""
    path = getattr(obj, "park_path", "")
    if not path:
        return None
    if path == "code":
        return obj.code
    current: Any = obj
    parts = path.split("__")
    for part in parts[:-1]:
        current = getattr(current, part, None)
        if current is None:
            return None
    return getattr(current, f"{parts[-1]}_id", None)
