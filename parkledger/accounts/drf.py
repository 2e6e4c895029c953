"""Django REST framework permission classes over `parkledger.accounts.permissions`.

- `LedgerPermission`: the view names its ledger in `kind_key` (or `kind`); the action is
  `view.ledger_action` when set (e.g. "export", "import"), else from the HTTP method (GET/HEAD/
  OPTIONS view, POST add, PUT/PATCH change, DELETE delete). Object checks use the record's
  park and, for enterprise users, its enterprise. Writes are decided by the write gate
  (`parkledger.accounts.gate`), whose reason becomes the 403's message.
- `AuditAdminOnly`: the audit log's endpoints (audit administrator).
"""
from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from parkledger.accounts import gate
from parkledger.accounts.permissions import WRITE_ACTIONS, can_view_audit, has_ledger_perm, has_record_perm

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
        action = view_action(request, view)
        if action in WRITE_ACTIONS:
            return self._gate(gate.kind_refusal(user, _kind(view), action))
        return has_ledger_perm(user, _kind(view), action)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        action = view_action(request, view)
        if action in WRITE_ACTIONS:
            return self._gate(gate.refusal(request.user, obj.kind_key, action, **gate.record_places(obj, None)))
        return has_record_perm(request.user, obj, action)

    def _gate(self, refusal: Any) -> bool:
        if refusal is not None:
            self.message = refusal.reason  # (an instance per request)
        return refusal is None


class AuditAdminOnly(BasePermission):
    """Only the audit administrator reads the audit log."""

    message = "只有审计管理员可以查看审计日志"

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and can_view_audit(request.user))
