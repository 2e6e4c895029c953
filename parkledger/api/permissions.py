"""DRF permission classes: the user's role decides the actions on each ledger kind."""
from __future__ import annotations

__all__ = ["LedgerApiPermission"]

from rest_framework.permissions import BasePermission

from parkledger.api.access import ACTIONS_BY_METHOD, can


class LedgerApiPermission(BasePermission):
    """`view` for reads, `add`/`change`/`delete` for writes, `import` for bulk upserts of `view.kind`."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        action = getattr(view, "ledger_action", None) or ACTIONS_BY_METHOD.get(request.method, "change")
        return can(request.user, view.kind, action)
