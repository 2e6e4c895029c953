"""Who may do what through the API: the same role and park rules as the web pages.

The rules live in `parkledger.accounts.permissions`; this module adapts them to the API's
actions (`view`, `add`, `change`, `delete`, `import`, `export`).
"""
from __future__ import annotations

__all__ = [
    "PeriodClosedError", "visible_parks", "can", "can_write_record", "scope", "record_park_code",
]

from django.db.models import Model, QuerySet

from parkledger.accounts.periods import PeriodClosedError
from parkledger.accounts.permissions import (
    has_ledger_perm,
    has_record_perm,
    record_park_code,
    scope_queryset,
    visible_park_codes,
)


def visible_parks(user) -> list[str]:
    """The park codes whose business data the user may see."""
    return list(visible_park_codes(user))


def can(user, kind: str, action: str, park_code: str | None = None) -> bool:
    """May the user do `action` on ledger `kind` (in `park_code` when given)?"""
    return bool(has_ledger_perm(user, kind, action, park_code))


def can_write_record(user, obj: Model, action: str) -> bool:
    """May the user write this record (a new or changed one) where it now belongs?"""
    if getattr(obj, "kind_key", "") == "park" and obj._state.adding:
        # a new park: rights in its parent park; a new top-level park: rights on parks at all
        return can(user, "park", action, obj.parent_id or None)
    return bool(has_record_perm(user, obj, action))


def scope(user, kind: str, queryset: QuerySet) -> QuerySet:
    """The records of `queryset` the user may view."""
    return scope_queryset(user, kind, queryset)
