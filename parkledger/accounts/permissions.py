"""Who may do what: the role and park rules every page, command and API endpoint asks.

Stable API (other apps call these; the web reaches them through `parkledger.web.access`):

- `ACTIONS` = ("view", "add", "change", "delete", "export", "import").
- `user_roles(user) -> frozenset[str]`: the user's role keys (`parkledger.accounts.roles.Role`).
- `visible_park_codes(user) -> list[str]`: the parks whose business data the user may see: the
  parks of his park memberships and their sub-parks, every park of a city membership's city
  (and their sub-parks), and the parks of his own enterprises; every park for a superuser;
  none for a user without a business role (the three administrators).
- `has_ledger_perm(user, kind_key, action, park_code=None) -> bool`: may the user do `action` on
  records of a kind; with `park_code`, in that park (for a new park, pass its parent's code).
- `has_record_perm(user, obj, action) -> bool`: the same for one record (its park, and for an
  enterprise user its enterprise).
- `scope_queryset(user, kind_key, qs) -> qs`: the records of `qs` the user may view (park scope
  through the model's `park_path`; an enterprise user's own enterprise; `qs.none()` when the
  user may not view the kind at all).
- `enterprise_usccs(user) -> list[str]`: the enterprises an enterprise user files for.
- `member_park_codes(user) -> list[str]`: the parks of his park and city memberships, with their
  sub-parks (where his park-scoped roles act); `ledger_grants(user, kind_key, *actions) ->
  (by_park, by_enterprise)`: do his roles grant those actions on a kind (no park check)?
- `holds_admin_role(user) -> bool`: is the user one of the three separated administrators
  (whatever his account's state)? They sign in with a password and a second factor only: no
  API token is made for them, nor accepted from them.
- `figure_park_codes(user) -> list[str]`, `can_view_park_figures(user, park_code) -> bool`: the
  parks whose aggregate figures (indicators, dashboards, work reports, issued reports) the user
  may see: the parks of his park-scoped business roles (department, leader, statistician; every
  park for a superuser). An enterprise user sees his own enterprise's ledgers only, never a
  park's figures; the three administrators see none.
- `can_issue_report(user)`, `can_close_period(user)`, `can_view_audit(user)`,
  `can_manage_accounts(user)`, `can_backup(user)`, `can_grant_roles(user)`,
  `can_unlock_period(user)` -> bool.
- `record_history(model, pk)`: the audit entries of one record, newest first.
- `record_park_code(obj)`: the park code of a record.

Every write of a ledger record (web forms, web import, API, Django admin, `parkledger import
--user`) is decided by the write gate, `parkledger.accounts.gate`, on these rules: per record or
imported row, its park before and after, and for an enterprise user his own enterprise.

For views: `parkledger.accounts.decorators.ledger_permission_required(action)` and
`LedgerPermissionMixin`; for the API: `parkledger.accounts.drf.LedgerPermission` and
`AuditAdminOnly`.

The rules (see `parkledger.accounts.roles` for the chapters):

| role | view, export | add, change, delete, import |
|---|---|---|
| department (招商, 经济发展, 建设, 安全/环保, 社会治理, 财政/国资, 党建) | every kind | its chapter's kinds |
| leader 领导 | every kind | — (issues reports) |
| city 市级管理 | every kind (the parks of its city) | — (compares parks, writes the city report) |
| statistician 统计员 | every kind | `statistics` chapter |
| enterprise 企业用户 | own `enterprise_month`, `qualification` (view only; add, change too) | — |
| sysadmin, secadmin, auditadmin | — | — |

A superuser may do everything (the demo's administrator; production runs without one).
"""
from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from parkledger.accounts.roles import (
    ADMIN_ROLES,
    DEPARTMENT_ROLES,
    ENTERPRISE_KINDS,
    Chapter,
    Role,
    chapter_of_model,
)
from parkledger.accounts.scoping import park_descendants, park_filter, park_parents, record_park_code
from parkledger.audit.log import record_history

__all__ = [
    "ACTIONS", "READ_ACTIONS", "WRITE_ACTIONS", "user_roles", "visible_park_codes", "enterprise_usccs",
    "has_ledger_perm", "has_record_perm", "scope_queryset", "role_allows", "kind_chapter",
    "figure_park_codes", "can_view_park_figures", "holds_admin_role",
    "can_issue_report", "can_close_period", "can_view_audit", "can_manage_accounts", "can_backup",
    "can_grant_roles", "can_unlock_period", "record_history", "record_park_code", "invalidate_cache",
    "member_park_codes", "ledger_grants",
]

ACTIONS: tuple[str, ...] = ("view", "add", "change", "delete", "export", "import")
READ_ACTIONS: frozenset[str] = frozenset({"view", "export"})
WRITE_ACTIONS: frozenset[str] = frozenset({"add", "change", "delete", "import"})
ENTERPRISE_ACTIONS: frozenset[str] = frozenset({"view", "add", "change"})

# bumped whenever a role or membership changes, so per-user caches are recomputed
_generation = 0


def invalidate_cache() -> None:
    global _generation
    _generation += 1


def _cached(user: Any, name: str, compute):
    key = f"_pl_perm_{name}"
    cached = getattr(user, key, None)
    if cached is not None and cached[0] == _generation:
        return cached[1]
    value = compute()
    try:
        setattr(user, key, (_generation, value))
    except AttributeError:
        pass
    return value


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_roles(user: Any) -> frozenset[str]:
    """The role keys the user holds (empty for anonymous or disabled users)."""
    if not _active(user):
        return frozenset()
    from parkledger.accounts.models import RoleAssignment

    return _cached(
        user, "roles",
        lambda: frozenset(RoleAssignment.objects.filter(user_id=user.pk).values_list("role", flat=True)),
    )


def holds_admin_role(user: Any) -> bool:
    """Does the user hold the system, security or audit administrator role (see the module docstring)?"""
    if user is None or getattr(user, "pk", None) is None:
        return False
    if _active(user):
        return bool(user_roles(user) & ADMIN_ROLES)
    from parkledger.accounts.models import RoleAssignment

    return RoleAssignment.objects.filter(user_id=user.pk, role__in=ADMIN_ROLES).exists()


def _business_roles(user: Any) -> frozenset[str]:
    return frozenset(r for r in user_roles(user) if r not in ADMIN_ROLES)


def _memberships(user: Any) -> tuple[list[str], list[str], list[str]]:
    """(park codes, cities, enterprise usccs) of the user's memberships."""
    from parkledger.accounts.models import Membership

    def compute():
        parks, cities, usccs = [], [], []
        for park, city, uscc in Membership.objects.filter(user_id=user.pk).values_list("park_id", "city", "enterprise_id"):
            if park:
                parks.append(park)
            elif city:
                cities.append(city)
            elif uscc:
                usccs.append(uscc)
        return parks, cities, usccs

    return _cached(user, "memberships", compute)


def _all_park_codes() -> list[str]:
    from parkledger.core.models import Park

    return list(Park.objects.order_by("code").values_list("code", flat=True))


def _member_park_codes(user: Any) -> list[str]:
    """Parks of park and city memberships, with their sub-parks."""
    def compute():
        from parkledger.core.models import Park

        parks, cities, _usccs = _memberships(user)
        if not parks and not cities:
            return []
        roots = list(parks)
        if cities:
            roots += list(Park.objects.filter(city__in=cities).values_list("code", flat=True))
        return park_descendants(roots, park_parents())

    return _cached(user, "member_parks", compute)


def member_park_codes(user: Any) -> list[str]:
    """The parks of the user's park and city memberships, with their sub-parks (where his
    park-scoped roles act), in code order; empty for anonymous or disabled users."""
    if not _active(user):
        return []
    return list(_member_park_codes(user))


def enterprise_usccs(user: Any) -> list[str]:
    """The enterprises an enterprise user files for (empty for other users)."""
    if Role.ENTERPRISE not in user_roles(user):
        return []
    return list(_memberships(user)[2])


def _enterprise_park_codes(user: Any) -> list[str]:
    def compute():
        from parkledger.core.models import Enterprise

        usccs = enterprise_usccs(user)
        if not usccs:
            return []
        return sorted(set(Enterprise.objects.filter(uscc__in=usccs).values_list("park_id", flat=True)))

    return _cached(user, "enterprise_parks", compute)


def visible_park_codes(user: Any) -> list[str]:
    """The codes of the parks whose business data the user may see, in code order."""
    if not _active(user):
        return []
    if user.is_superuser:
        return _all_park_codes()
    roles = _business_roles(user)
    if not roles:
        return []
    codes = set(_member_park_codes(user)) if roles - {Role.ENTERPRISE} else set()
    codes |= set(_enterprise_park_codes(user))
    return sorted(codes)


def figure_park_codes(user: Any) -> list[str]:
    """The parks whose aggregate figures the user may see, in code order (see the module docstring).

    Every park-scoped business role reads every ledger of its parks, and so the figures made
    of them; the enterprise role reads only its enterprise's own rows, which are not a park's.
    """
    if not _active(user):
        return []
    if user.is_superuser:
        return _all_park_codes()
    if not _business_roles(user) - {Role.ENTERPRISE}:
        return []
    return sorted(_member_park_codes(user))


def can_view_park_figures(user: Any, park_code: str | None) -> bool:
    """May the user see the figures (dashboard, indicators, reports) of this park?"""
    return bool(park_code) and park_code in figure_park_codes(user)


def kind_chapter(kind_key: str) -> str | None:
    from parkledger.core.kinds import kind_models

    model = kind_models().get(kind_key)
    return chapter_of_model(model) if model is not None else None


def role_allows(role: str, kind_key: str, action: str) -> bool:
    """The role table of the module docstring, for one role, kind and action (no park check)."""
    chapter = kind_chapter(kind_key)
    if chapter is None or action not in ACTIONS:
        return False
    if role in DEPARTMENT_ROLES:
        return action in READ_ACTIONS or (action in WRITE_ACTIONS and DEPARTMENT_ROLES[role] == chapter)
    if role in (Role.LEADER, Role.CITY):
        return action in READ_ACTIONS
    if role == Role.STATISTICIAN:
        return action in READ_ACTIONS or (action in WRITE_ACTIONS and chapter == Chapter.STATISTICS)
    if role == Role.ENTERPRISE:
        return kind_key in ENTERPRISE_KINDS and action in ENTERPRISE_ACTIONS
    return False


def _grants(user: Any, kind_key: str, action: str) -> tuple[bool, bool]:
    """(granted by a park-scoped role, granted by the enterprise role)."""
    roles = _business_roles(user)
    by_park = any(role_allows(r, kind_key, action) for r in roles if r != Role.ENTERPRISE)
    by_enterprise = Role.ENTERPRISE in roles and role_allows(Role.ENTERPRISE, kind_key, action)
    return by_park, by_enterprise


def ledger_grants(user: Any, kind_key: str, *actions: str) -> tuple[bool, bool]:
    """Do the user's roles grant every one of `actions` on the kind: (through a park-scoped role,
    in his member parks; through the enterprise role, for his own enterprises)? No park check."""
    if not _active(user) or kind_chapter(kind_key) is None:
        return False, False
    roles = _business_roles(user)
    park_roles = [r for r in roles if r != Role.ENTERPRISE]
    by_park = any(all(role_allows(r, kind_key, a) for a in actions) for r in park_roles)
    by_enterprise = Role.ENTERPRISE in roles and all(role_allows(Role.ENTERPRISE, kind_key, a) for a in actions)
    return by_park, by_enterprise


def has_ledger_perm(user: Any, kind_key: str, action: str, park_code: str | None = None) -> bool:
    """May the user do `action` on records of `kind_key` (in `park_code` when given)?"""
    if not _active(user) or action not in ACTIONS or kind_chapter(kind_key) is None:
        return False
    if user.is_superuser:
        return park_code is None or park_code in visible_park_codes(user)
    by_park, by_enterprise = _grants(user, kind_key, action)
    if park_code is None:
        return by_park or by_enterprise
    return (by_park and park_code in _member_park_codes(user)) or (
        by_enterprise and park_code in _enterprise_park_codes(user)
    )


def has_record_perm(user: Any, obj: models.Model, action: str) -> bool:
    """May the user do `action` on this record (its park; an enterprise user's own enterprise)?"""
    kind_key = getattr(obj, "kind_key", "")
    if not _active(user) or action not in ACTIONS or kind_chapter(kind_key) is None:
        return False
    if user.is_superuser:
        return True
    by_park, by_enterprise = _grants(user, kind_key, action)
    park = record_park_code(obj)
    if by_park and park in _member_park_codes(user):
        return True
    return bool(by_enterprise and getattr(obj, "uscc_id", None) in enterprise_usccs(user))


def scope_queryset(user: Any, kind_key: str, qs: models.QuerySet) -> models.QuerySet:
    """The records of `qs` (a queryset of the kind's model) the user may view."""
    if not _active(user) or kind_chapter(kind_key) is None:
        return qs.none()
    if user.is_superuser:
        return qs
    by_park, by_enterprise = _grants(user, kind_key, "view")
    condition = Q(pk__in=[])
    if by_park:
        codes = _member_park_codes(user)
        if codes:
            condition |= park_filter(qs.model, codes)
    if by_enterprise:
        usccs = enterprise_usccs(user)
        if usccs:
            condition |= Q(uscc_id__in=usccs)
    if not by_park and not by_enterprise:
        return qs.none()
    return qs.filter(condition)


def _has_role(user: Any, *roles: str) -> bool:
    if not _active(user):
        return False
    return bool(user.is_superuser or set(roles) & user_roles(user))


def can_issue_report(user: Any) -> bool:
    """Leaders issue (sign off and archive) reports."""
    return _has_role(user, Role.LEADER)


def can_close_period(user: Any) -> bool:
    """Leaders and statisticians close a month once its figures are reported upward."""
    return _has_role(user, Role.LEADER, Role.STATISTICIAN)


def can_view_audit(user: Any) -> bool:
    """The audit administrator reads (searches, exports, verifies) the audit log."""
    return _has_role(user, Role.AUDITADMIN)


def can_manage_accounts(user: Any) -> bool:
    """The system administrator creates, disables and resets accounts."""
    return _has_role(user, Role.SYSADMIN)


def can_backup(user: Any) -> bool:
    """The system administrator takes and restores backups."""
    return _has_role(user, Role.SYSADMIN)


def can_grant_roles(user: Any) -> bool:
    """The security administrator grants roles and park memberships (never to himself)."""
    return _has_role(user, Role.SECADMIN)


def can_unlock_period(user: Any) -> bool:
    """The security administrator opens corrections (更正) on closed months."""
    return _has_role(user, Role.SECADMIN)
