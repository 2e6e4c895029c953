"""Django REST framework permission classes over `parkledger.accounts.permissions`.

- `LedgerPermission`: the view names its ledger in `kind_key` (or `kind`); the action is
  `view.ledger_action` when set (e.g. "export", "import"), else from the HTTP method (GET/HEAD/
  OPTIONS view, POST add, PUT/PATCH change, DELETE delete). Object checks use the record's
  park and, for enterprise users, its enterprise.
- `AuditAdminOnly`: the audit log's endpoints (audit administrator).
"""
from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from parkledger.accounts.permissions import can_view_audit, has_ledger_perm, has_record_perm

__all__ = ["LedgerPermission", "AuditAdminOnly", "ACTION_BY_METHOD", "view_action"]

ACTION_BY_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


def view_action(request: Any, view: Any) -> str:
    return getattr(view, "ledger_action", None) or ACTION_BY_METHOD.get(request.method, "change")


def _kind(view: Any) -> str:
    return getattr(view, "kind_key", None) or getattr(view, "kind", "")


class LedgerPermission(BasePermission):
    """Role and park rules for a ledger kind's endpoints."""

    message = "无权对该台账执行此操作"

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return has_ledger_perm(user, _kind(view), view_action(request, view))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return has_record_perm(request.user, obj, view_action(request, view))


class AuditAdminOnly(BasePermission):
    """Only the audit administrator reads the audit log."""

    message = "只有审计管理员可以查看审计日志"

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and can_view_audit(request.user))
