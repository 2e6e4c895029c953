"""The accounts app's importer/exporter hooks (see `parkledger.accounts.hooks`)."""
from __future__ import annotations

from typing import Any

from parkledger.accounts.audit import audit_log
from parkledger.accounts.models import AuditAction, AuditResult

__all__ = ["closed_period_row_check", "audit_import", "audit_export"]


def closed_period_row_check(*args: Any, **kwargs: Any) -> Any:
    """Refuse an imported row dated in a closed month (placeholder until the importer's hook API is known)."""
    return None


def audit_import(*args: Any, **kwargs: Any) -> None:
    audit_log(AuditAction.IMPORT, result=AuditResult.SUCCESS, detail={"args": [str(a) for a in args], **kwargs})


def audit_export(*args: Any, **kwargs: Any) -> None:
    audit_log(AuditAction.EXPORT, result=AuditResult.SUCCESS, detail={"args": [str(a) for a in args], **kwargs})
