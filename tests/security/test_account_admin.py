"""The Django admin's users and groups through the write gate: 三员分立 as on the 账户管理 page.

Users are the system administrator's (and a superuser's), groups the security administrator's;
nobody changes himself or another administrator there, nor adds, deletes or sets the password of
a user, nor his rights fields; every refusal is audited.
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from parkledger.audit.models import AuditEntry
from tests.security.admins_world import make_account

pytestmark = pytest.mark.django_db

USERS = "/admin/auth/user/"
GROUPS = "/admin/auth/group/"


def _staff(username: str, role: str | None, *codenames: str, **flags) -> User:
    """An account that reaches the admin (is_staff) with Django's own permissions on users and groups."""
    user = make_account(username, role, is_staff=True, **flags)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="auth", codename__in=codenames or (
            "view_user", "change_user", "add_user", "delete_user",
            "view_group", "change_group", "add_group", "delete_group")))
    return user


def _refusals(**detail) -> list[AuditEntry]:
    return [e for e in AuditEntry.objects.filter(action="perm_denied", result="denied")
            if all(e.detail.get(k) == v for k, v in detail.items())]


def _change(client, user: User, **fields):
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "_save": "1", **fields}
    return client.post(f"{USERS}{user.pk}/change/", data)


@pytest.fixture
def people():
    return {
        "root": make_account("root", is_superuser=True, is_staff=True),
        "sysadmin": _staff("ops", "sysadmin"),
        "secadmin": _staff("sec", "secadmin"),
        "leader": _staff("boss", "leader"),
        "clerk": make_account("clerk", "social"),
        "other_root": make_account("root2", is_superuser=True, is_staff=True),
        "auditor": make_account("audit", "auditadmin"),
    }


@pytest.mark.parametrize("actor", ["root", "sysadmin"])
def test_the_account_managers_change_an_ordinary_user(client, people, actor):
    client.force_login(people[actor])
    assert client.get(USERS).status_code == 200
    clerk = people["clerk"]
    response = _change(client, clerk, email="clerk@new.example.com", is_superuser="on", is_staff="on")
    assert response.status_code == 302, response.content.decode()[:800]
    clerk.refresh_from_db()
    assert clerk.email == "clerk@new.example.com"
    assert not clerk.is_superuser and not clerk.is_staff  # rights are not set in the admin


@pytest.mark.parametrize("target", ["root", "other_root", "sysadmin", "auditor"])
def test_no_one_changes_himself_or_an_administrator(client, people, target):
    client.force_login(people["root"])
    victim = people[target]
    response = _change(client, victim, email="taken@example.com")
    assert response.status_code == 403
    victim.refresh_from_db()
    assert victim.email != "taken@example.com"
    (entry,) = _refusals(via="admin", attempted="change")
    assert entry.detail["target"] == victim.username and entry.username == "root"
    reason = "不能在管理后台修改自己的账户" if target == "root" else "管理员账户不能在网页上修改"
    assert reason in entry.detail["reason"] and reason in response.content.decode()


def test_the_system_administrator_does_not_change_himself_either(client, people):
    client.force_login(people["sysadmin"])
    assert _change(client, people["sysadmin"], email="me@example.com").status_code == 403
    assert _refusals(attempted="change", target="ops")


def test_no_password_add_or_delete_of_a_user_in_the_admin(client, people):
    client.force_login(people["root"])
    clerk = people["clerk"]
    before = clerk.password
    response = client.post(f"{USERS}{clerk.pk}/password/", {"password1": "N3w-pass-word!", "password2": "N3w-pass-word!"})
    assert response.status_code == 403 and "一次性链接" in response.content.decode()
    response = client.post(f"{USERS}add/", {"username": "sneaky", "password1": "N3w-pass-word!",
                                            "password2": "N3w-pass-word!", "usable_password": "true"})
    assert response.status_code == 403 and not User.objects.filter(username="sneaky").exists()
    response = client.post(f"{USERS}{clerk.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = client.post(USERS, {"action": "delete_selected", "_selected_action": [clerk.pk], "post": "yes"})
    clerk.refresh_from_db()
    assert clerk.password == before and User.objects.filter(pk=clerk.pk).exists()
    assert {e.detail["attempted"] for e in _refusals(via="admin")} == {"password", "add", "delete"}


def test_who_does_not_manage_accounts_is_refused_and_audited(client, people):
    client.force_login(people["leader"])  # staff, with Django's permissions, but no account role
    assert client.get(USERS).status_code == 403
    assert client.get(GROUPS).status_code == 403
    assert _change(client, people["clerk"], email="x@example.com").status_code == 403
    reasons = {e.detail["reason"] for e in _refusals(via="admin")}
    assert reasons == {"只有系统管理员管理账户", "只有安全管理员管理权限组"}
    assert 'href="/admin/auth/' not in client.get("/admin/").content.decode()


def test_groups_are_the_security_administrators(client, people):
    client.force_login(people["sysadmin"])
    response = client.post(f"{GROUPS}add/", {"name": "sneaky"})
    assert response.status_code == 403 and not Group.objects.filter(name="sneaky").exists()
    client.force_login(people["secadmin"])
    assert client.get(USERS).status_code == 403  # accounts are the system administrator's
    response = client.post(f"{GROUPS}add/", {"name": "readers"})
    assert response.status_code == 302 and Group.objects.filter(name="readers").exists()
