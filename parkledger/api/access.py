"""Who may do what through the API: the same role and park rules as the web pages.

The rules live in `parkledger.accounts.permissions`; this module adapts them to the API's
actions (`view`, `add`, `change`, `delete`, `import`, `export`). Writes are decided by the write
gate (`parkledger.accounts.gate`): `LedgerPermission` and the API's services ask it.
"""
from __future__ import annotations

__all__ = [
    "PeriodClosedError", "visible_parks", "figure_parks", "require_figures", "can", "scope", "record_park_code",
]

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions

from parkledger.accounts.permissions import (
    figure_park_codes,
    has_ledger_perm,
    record_park_code,
    scope_queryset,
    visible_park_codes,
)
from parkledger.periods.locks import PeriodClosedError


def visible_parks(user) -> list[str]:
    """The park codes whose business data the user may see."""
    return list(visible_park_codes(user))


def figure_parks(user) -> list[str]:
    """The park codes whose figures and reports the user may see (none for enterprise users)."""
    return list(figure_park_codes(user))


def require_figures(user, park: str | None = None) -> list[str]:
    """The user's figure parks; 403 for a user who may see no park's figures (an enterprise
    user, an administrator), 404 for a park that is not among them (403 if it is one of the
    parks whose records he sees)."""
    parks = figure_parks(user)
    if not parks:
        if visible_parks(user):
            raise exceptions.PermissionDenied(_("企业用户只能查看和填报本企业的台账，不能查看园区指标和报告"))
        raise exceptions.PermissionDenied(_("您的账号没有可查看的园区"))
    if park is not None and park not in parks:
        if park in visible_parks(user):
            raise exceptions.PermissionDenied(_("无权查看该园区的指标和报告"))
        raise Http404
    return parks


def can(user, kind: str, action: str, park_code: str | None = None) -> bool:
    """May the user do `action` on ledger `kind` (in `park_code` when given)?"""
    return bool(has_ledger_perm(user, kind, action, park_code))


def scope(user, kind: str, queryset: QuerySet) -> QuerySet:
    """The records of `queryset` the user may view."""
    return scope_queryset(user, kind, queryset)
