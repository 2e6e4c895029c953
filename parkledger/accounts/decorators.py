"""Permission checks for web views: a decorator for function views and a mixin for class views.

    @ledger_permission_required("change")            # the kind from the URL's `kind` argument
    def ledger_edit(request, kind, pk): ...

    @ledger_permission_required("export", kind="enterprise_month")
    def export_returns(request): ...

    class LedgerExportView(LedgerPermissionMixin, View):
        kind_key = "petition"
        ledger_action = "export"

Anonymous users go to the login page; a refused user gets 403 and the refusal is audited.
These check the kind (and the `park` request parameter when present); a view showing one
record still checks it with `has_record_perm`, and lists go through `scope_queryset`. A write
action (add, change, delete, import) is the write gate's (`parkledger.accounts.gate`): its
decision, its audited refusal, and its mark on the view; the view then checks each record with
the gate (`check_save`, `check_delete`).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from parkledger.accounts import gate
from parkledger.accounts.permissions import WRITE_ACTIONS, has_ledger_perm
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction, AuditResult

__all__ = ["ledger_permission_required", "LedgerPermissionMixin", "check_ledger_perm"]


def check_ledger_perm(request: HttpRequest, kind: str, action: str) -> None:
    """Raise PermissionDenied (audited) unless the user may do `action` on `kind` (in `?park=`)."""
    park = request.GET.get("park") or request.POST.get("park") or None
    if action in WRITE_ACTIONS:
        gate.check_kind(request.user, kind, action, via="web", park=park)
        return
    if has_ledger_perm(request.user, kind, action, park):
        return
    audit_log(AuditAction.PERM_DENIED, result=AuditResult.DENIED, kind=kind,
              detail={"attempted": action, "park": park, "path": request.path})
    raise PermissionDenied(_("无权对该台账执行此操作"))


def ledger_permission_required(action: str, *, kind: str | None = None, kind_kwarg: str = "kind") -> Callable:
    """Decorate a view: the user must be logged in and may do `action` on the view's kind."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_ledger_perm(request, kind or kwargs.get(kind_kwarg, ""), action)
            return view(request, *args, **kwargs)

        if action in WRITE_ACTIONS:
            setattr(wrapped, gate.WRITE_GATE_ATTR, gate.GateMark((action,), kind or "url"))
        return wrapped

    return decorator


class LedgerPermissionMixin:
    """For class-based views: `kind_key` (or the URL's `kind`) and `ledger_action` (default "view")."""

    kind_key: str = ""
    ledger_action: str = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        check_ledger_perm(request, self.kind_key or kwargs.get("kind", ""), self.ledger_action)
        return super().dispatch(request, *args, **kwargs)
