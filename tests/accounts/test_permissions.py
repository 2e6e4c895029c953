"""The permission matrix (every role × kind × action) and the park, city and enterprise scopes."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parkledger.accounts import permissions as perms
from parkledger.accounts.models import RoleAssignment
from parkledger.accounts.services import membership_grant, role_grant, role_revoke
from parkledger.audit.models import AuditEntry
from parkledger.core.kinds import kind_models
from tests.accounts import matrix
from tests.accounts.conftest import make_user

pytestmark = pytest.mark.django_db


def _role_user(role: str, world) -> object:
    if role == "enterprise":
        return make_user(f"u-{role}", role, enterprise=world["enterprise"].uscc)
    return make_user(f"u-{role}", role, park="ECO")


def test_the_matrix_table_covers_every_kind_and_role():
    assert set(matrix.KINDS) == set(kind_models())
    assert set(matrix.ROLES) == set(perms.Role.values)


def test_every_role_kind_and_action_matches_the_matrix(eco_world, oth_world):
    users = {role: _role_user(role, eco_world) for role in matrix.ROLES}
    wrong = []
    for role, kind, action, allowed in matrix.cells():
        user = users[role]
        if perms.has_ledger_perm(user, kind, action) != allowed:
            wrong.append((role, kind, action, "any park", allowed))
        if perms.has_ledger_perm(user, kind, action, "ECO") != allowed:
            wrong.append((role, kind, action, "ECO", allowed))
        if perms.has_ledger_perm(user, kind, action, "OTH"):
            wrong.append((role, kind, action, "OTH", False))
        if perms.has_record_perm(user, eco_world[kind], action) != allowed:
            wrong.append((role, kind, action, "ECO record", allowed))
        if perms.has_record_perm(user, oth_world[kind], action):
            wrong.append((role, kind, action, "OTH record", False))
    assert wrong == []


def test_lists_show_exactly_the_records_the_matrix_lets_a_role_view(eco_world, oth_world):
    users = {role: _role_user(role, eco_world) for role in matrix.ROLES}
    wrong = []
    for role in matrix.ROLES:
        for kind, model in kind_models().items():
            seen = set(perms.scope_queryset(users[role], kind, model.objects.all()).values_list("pk", flat=True))
            if not matrix.expected(role, kind, "view"):
                want = set()
            elif kind == "park":  # ECO and its sub-park; never OTH
                want = set(model.objects.filter(code__in=["ECO", "ECO-CEE"]).values_list("pk", flat=True))
            else:
                want = {eco_world[kind].pk}
            if seen != want:
                wrong.append((role, kind, sorted(seen), sorted(want)))
    assert wrong == []


def test_an_enterprise_user_sees_only_his_own_enterprise(eco_world):
    from datetime import date

    from tests.accounts.world import build_records

    second = build_records("ECO", "E2", date(2022, 4, 15), number=3)  # a second enterprise in the same park
    user = make_user("firm", "enterprise", enterprise=eco_world["enterprise"].uscc)
    model = kind_models()["enterprise_month"]
    assert list(perms.scope_queryset(user, "enterprise_month", model.objects.all())) == [eco_world["enterprise_month"]]
    assert perms.has_record_perm(user, eco_world["qualification"], "change")
    assert not perms.has_record_perm(user, second["qualification"], "change")
    assert not perms.has_record_perm(user, second["enterprise_month"], "view")
    assert perms.visible_park_codes(user) == ["ECO"]
    assert perms.enterprise_usccs(user) == [eco_world["enterprise"].uscc]


def test_a_city_membership_covers_every_park_of_the_city_and_their_sub_parks(parks):
    user = make_user("city", "leader", city="宁波")
    assert perms.visible_park_codes(user) == ["ECO", "ECO-CEE"]
    assert perms.has_ledger_perm(user, "petition", "view", "ECO-CEE")
    assert not perms.has_ledger_perm(user, "petition", "view", "OTH")


def test_a_sub_park_membership_does_not_reach_the_parent(parks):
    user = make_user("sub", "social", park="ECO-CEE")
    assert perms.visible_park_codes(user) == ["ECO-CEE"]
    assert perms.has_ledger_perm(user, "petition", "add", "ECO-CEE")
    assert not perms.has_ledger_perm(user, "petition", "add", "ECO")


def test_administrators_see_no_business_data_even_with_a_membership(parks):
    for role in ("sysadmin", "secadmin", "auditadmin"):
        user = make_user(role, role, park="ECO")
        assert perms.visible_park_codes(user) == []


def test_a_disabled_or_anonymous_user_may_do_nothing(parks):
    from django.contrib.auth.models import AnonymousUser

    user = make_user("gone", "leader", park="ECO", is_active=False)
    assert not perms.has_ledger_perm(user, "petition", "view")
    assert perms.visible_park_codes(user) == []
    assert not perms.has_ledger_perm(AnonymousUser(), "petition", "view")


def test_a_superuser_may_do_everything(parks):
    user = make_user("root", is_superuser=True)
    assert perms.visible_park_codes(user) == ["ECO", "ECO-CEE", "OTH"]
    assert perms.has_ledger_perm(user, "manual_figure", "delete", "OTH")


# role → (issue report, close period, view audit, manage accounts, backup, grant roles, unlock period)
CAPABILITIES = {
    "investment": (0, 0, 0, 0, 0, 0, 0), "economy": (0, 0, 0, 0, 0, 0, 0), "construction": (0, 0, 0, 0, 0, 0, 0),
    "safety_env": (0, 0, 0, 0, 0, 0, 0), "social": (0, 0, 0, 0, 0, 0, 0), "finance": (0, 0, 0, 0, 0, 0, 0),
    "party": (0, 0, 0, 0, 0, 0, 0), "leader": (1, 1, 0, 0, 0, 0, 0), "statistician": (0, 1, 0, 0, 0, 0, 0),
    "enterprise": (0, 0, 0, 0, 0, 0, 0), "sysadmin": (0, 0, 0, 1, 1, 0, 0), "secadmin": (0, 0, 0, 0, 0, 1, 1),
    "auditadmin": (0, 0, 1, 0, 0, 0, 0),
}


def test_the_special_capabilities_of_each_role(parks):
    checks = (perms.can_issue_report, perms.can_close_period, perms.can_view_audit, perms.can_manage_accounts,
              perms.can_backup, perms.can_grant_roles, perms.can_unlock_period)
    for role, expected in CAPABILITIES.items():
        user = make_user(f"c-{role}", role, park="ECO")
        assert tuple(int(check(user)) for check in checks) == expected, role


def test_the_security_administrator_grants_roles_but_never_to_himself(parks):
    sec = make_user("sec", "secadmin")
    clerk = make_user("clerk")
    role_grant(actor=sec, user=clerk, role="social")
    membership_grant(actor=sec, user=clerk, park="ECO")
    assert perms.has_ledger_perm(clerk, "petition", "add", "ECO")
    grant = AuditEntry.objects.filter(action="perm_grant", username="sec").order_by("seq")
    assert [e.after.get("role", e.after.get("park")) for e in grant] == ["social", "ECO"]

    with pytest.raises(PermissionDenied):
        role_grant(actor=sec, user=sec, role="leader")
    with pytest.raises(PermissionDenied):
        membership_grant(actor=sec, user=sec, park="ECO")
    assert set(RoleAssignment.objects.filter(user=sec).values_list("role", flat=True)) == {"secadmin"}
    denied = AuditEntry.objects.filter(action="perm_denied", username="sec")
    assert denied.count() == 2 and all(e.result == "denied" for e in denied)

    role_revoke(actor=sec, user=clerk, role="social")
    assert not perms.has_ledger_perm(clerk, "petition", "add", "ECO")
    assert AuditEntry.objects.filter(action="perm_revoke", before__role="social").exists()


def test_administrator_roles_are_held_alone(parks):
    """Administrator roles are granted on the shell only (actor None); there too they are exclusive."""
    admin = make_user("adm", "sysadmin")
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=admin, role="auditadmin")
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=admin, role="leader")
    leader = make_user("boss", "leader")
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=leader, role="auditadmin")
    assert set(RoleAssignment.objects.values_list("user__username", "role")) == {("adm", "sysadmin"),
                                                                                 ("boss", "leader")}


@pytest.mark.parametrize("role", ["sysadmin", "auditadmin", "leader", "statistician"])
def test_only_the_security_administrator_grants(parks, role):
    actor = make_user("actor", role, park="ECO")
    other = make_user("other")
    with pytest.raises(PermissionDenied):
        role_grant(actor=actor, user=other, role="social")
    assert not RoleAssignment.objects.filter(user=other).exists()


def test_the_park_scope_filters_on_the_records_own_key_without_a_join(eco_world, oth_world):
    """Every kind's scope is `fk IN (SELECT …)` on its own column: the scoped query (ordered by
    id, so no ordering join) joins nothing, and selects the same records as the join would."""
    from django.db.models import Q

    user = make_user("stat", "statistician", park="ECO")
    for kind, model in kind_models().items():
        scoped = perms.scope_queryset(user, kind, model.objects.order_by("pk"))
        sql = str(scoped.query).upper()
        assert " JOIN " not in sql, kind
        path = model.park_path
        if path and path != "code":  # the same records as the plain path lookup
            by_join = model.objects.filter(Q(**{f"{path}__in": ["ECO", "ECO-CEE"]})).order_by("pk")
            assert list(scoped) == list(by_join), kind
            assert scoped.exists(), kind
