"""三员分立 under attack: no administrator takes over another's account, or his own, on the web.

The issue's attack: the system administrator reset the audit administrator's second factor
and password on /accounts/manage/users/, was shown the password, signed in as him and read
/audit/. Here every takeover action is tried by each administrator (and a superuser) on each
administrator and on himself, through the services and through the pages; each is refused,
changes nothing and leaves a `perm_denied` entry with result `denied`. Recovery happens only
with `parkledger accounts recover`; ordinary users' resets hand over a one-time link.
"""
from __future__ import annotations

import getpass
import os
import re
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from parkledger.accounts import services
from parkledger.accounts.authn import profile_of
from parkledger.accounts.models import LoginThrottle, Membership, RoleAssignment
from parkledger.accounts.reset_links import ResetLinkTokens, reset_link_path
from parkledger.api.models import ApiToken
from parkledger.api.tokens import token_create
from parkledger.audit.models import AuditEntry
from parkledger.core.models import Park
from tests.security.admins_world import ADMIN_ROLES, PASSWORD, PROJECT_DIR, admins

pytestmark = pytest.mark.django_db

USERS_PAGE, GRANTS_PAGE = "/accounts/manage/users/", "/accounts/manage/grants/"
ACTORS = (*ADMIN_ROLES, "root")
TARGETS = (*ADMIN_ROLES, "root")


@pytest.fixture
def people(db):
    Park.objects.create(code="ECO", name="生态园", city="宁波")
    world = admins()
    for name in ADMIN_ROLES:  # every administrator has a second factor, as in production
        profile = profile_of(world[name])
        profile.totp_secret, profile.totp_confirmed_at = pyotp.random_base32(), timezone.now()
        profile.save()
    return world


def _state(user) -> dict:
    """Everything a takeover would change about an account."""
    user = get_user_model().objects.get(pk=user.pk)
    profile = profile_of(user)
    return {
        "password": user.password, "active": user.is_active, "totp": (profile.totp_secret, profile.totp_confirmed_at),
        "roles": sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)),
        "memberships": list(Membership.objects.filter(user=user).values_list("park_id", "city", "enterprise_id")),
        "locks": list(LoginThrottle.objects.filter(user=user).values_list("ip", "failures", "locked_until")),
    }


def _lock(user, ip="10.9.9.9") -> None:
    LoginThrottle.objects.create(user=user, ip=ip, failures=5, locked_until=timezone.now() + timedelta(minutes=15))


# the takeover actions of the services (the pages call these)
SERVICE_ACTIONS = {
    "disable": lambda actor, user: services.account_set_active(actor=actor, user=user, active=False),
    "enable": lambda actor, user: services.account_set_active(actor=actor, user=user, active=True),
    "reset_password": lambda actor, user: services.account_reset_link(actor=actor, user=user),
    "unlock": lambda actor, user: services.account_unlock(actor=actor, user=user),
    "reset_totp": lambda actor, user: services.totp_reset(actor=actor, user=user),
    "grant_role": lambda actor, user: services.role_grant(actor=actor, user=user, role="leader"),
    "revoke_role": lambda actor, user: services.role_revoke(
        actor=actor, user=user, role=(RoleAssignment.objects.filter(user=user).values_list("role", flat=True).first()
                                      or "leader")),
    "grant_membership": lambda actor, user: services.membership_grant(actor=actor, user=user, park="ECO"),
    "revoke_membership": lambda actor, user: services.membership_revoke(
        actor=actor, membership=Membership.objects.create(user=user, park_id="ECO")),
}


@pytest.mark.parametrize("action", sorted(SERVICE_ACTIONS))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_no_administrator_acts_on_an_administrator_or_himself_through_the_services(people, actor, target, action):
    actor_user, target_user = people[actor], people[target]
    _lock(target_user)
    if action == "revoke_membership":  # the membership exists before the attempt
        before = None
    else:
        before = _state(target_user)
    with pytest.raises(PermissionDenied):
        SERVICE_ACTIONS[action](actor_user, target_user)
    if before is not None:
        assert _state(target_user) == before
    else:
        assert Membership.objects.filter(user=target_user).count() == 1  # the one made for the attempt
    refusal = AuditEntry.objects.filter(action="perm_denied", username=actor).latest("seq")
    assert refusal.result == "denied" and refusal.user_id == actor_user.pk


def test_the_same_actions_work_on_an_ordinary_user(people):
    """The control: the refusals above are about whose account it is, not broken actions."""
    sysadmin, secadmin, clerk = people["sysadmin"], people["secadmin"], people["clerk"]
    _lock(clerk)
    services.totp_reset(actor=sysadmin, user=clerk)
    assert services.account_reset_link(actor=sysadmin, user=clerk).startswith("/accounts/reset/")
    services.account_set_active(actor=sysadmin, user=clerk, active=False)
    services.account_set_active(actor=sysadmin, user=clerk, active=True)
    assert services.account_unlock(actor=secadmin, user=clerk) == 1
    services.role_grant(actor=secadmin, user=clerk, role="leader")
    services.membership_grant(actor=secadmin, user=clerk, park="ECO")
    state = _state(clerk)
    assert state["roles"] == ["leader", "social"] and state["memberships"] == [("ECO", "", None)]
    assert state["locks"] == [] and not get_user_model().objects.get(pk=clerk.pk).has_usable_password()
    assert not AuditEntry.objects.filter(action="perm_denied").exists()


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_administrator_roles_are_not_granted_or_revoked_on_the_web(people, role):
    clerk = people["clerk"]
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=people["secadmin"], user=clerk, role=role)
    assert _state(clerk)["roles"] == ["social"]
    entry = AuditEntry.objects.get(action="perm_denied")
    assert entry.detail["reason"] == "administrator_role" and entry.detail["role"] == role
    # the shell may
    services.role_revoke(actor=None, user=clerk, role="social")
    services.role_grant(actor=None, user=clerk, role=role)
    assert _state(clerk)["roles"] == [role]


def test_unlocking_is_the_security_administrators(people):
    clerk = people["clerk"]
    _lock(clerk)
    with pytest.raises(PermissionDenied):
        services.account_unlock(actor=people["sysadmin"], user=clerk)
    assert LoginThrottle.objects.filter(user=clerk).exists()


# -- the pages ----------------------------------------------------------------------------------

# page, the POST of the attempt (the target's pk filled in), who may open the page at all
PAGE_ACTIONS = {
    "disable": (USERS_PAGE, lambda pk: {"user": pk, "action": "disable"}),
    "enable": (USERS_PAGE, lambda pk: {"user": pk, "action": "enable"}),
    "reset_password": (USERS_PAGE, lambda pk: {"user": pk, "action": "reset_password"}),
    "reset_totp": (USERS_PAGE, lambda pk: {"user": pk, "action": "reset_totp"}),
    "unlock_on_users_page": (USERS_PAGE, lambda pk: {"user": pk, "action": "unlock"}),
    "unlock": (GRANTS_PAGE, lambda pk: {"unlock_user": pk}),
    "grant_role": (GRANTS_PAGE, lambda pk: {"role-user": pk, "role-role": "leader"}),
    "revoke_role": (GRANTS_PAGE, lambda pk: {"role-user": pk, "role-role": "auditadmin", "role-revoke": "on"}),
    "grant_membership": (GRANTS_PAGE, lambda pk: {"member-user": pk, "member-park": "ECO"}),
}
OPENS = {"sysadmin": {USERS_PAGE}, "secadmin": {GRANTS_PAGE}, "auditadmin": set(), "root": {USERS_PAGE, GRANTS_PAGE}}


@pytest.mark.parametrize("action", sorted(PAGE_ACTIONS))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_no_administrator_acts_on_an_administrator_or_himself_on_the_pages(client, people, actor, target, action):
    target_user = people[target]
    _lock(target_user)
    before = _state(target_user)
    page, data = PAGE_ACTIONS[action]
    client.force_login(people[actor])
    response = client.post(page, data(target_user.pk), follow=True)
    assert _state(target_user) == before
    if page not in OPENS[actor]:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert "不能对自己的账户执行此操作" in text or "管理员账户不能在网页上修改" in text or "无权执行此操作" in text
    assert "/accounts/reset/" not in text
    assert AuditEntry.objects.filter(action="perm_denied", username=actor, result="denied").exists()


def test_the_issues_takeover_of_the_audit_administrator_fails(client, people):
    """sysadmin resets auditadmin's second factor and password, hoping to be shown a password."""
    auditor = people["auditadmin"]
    before = _state(auditor)
    client.force_login(people["sysadmin"])
    for action in ("reset_totp", "reset_password", "disable", "enable"):
        page = client.post(USERS_PAGE, {"user": auditor.pk, "action": action}, follow=True).content.decode()
        assert "管理员账户不能在网页上修改" in page and "初始密码" not in page and "/accounts/reset/" not in page
    assert _state(auditor) == before
    # his old password still needs his own second factor: sysadmin gets no further than the code step
    client.logout()
    assert client.post("/accounts/login/", {"username": "auditadmin", "password": PASSWORD})["Location"] \
        == "/accounts/login/verify/"
    assert client.get("/audit/").status_code == 302
    denied = AuditEntry.objects.filter(action="perm_denied", username="sysadmin", result="denied")
    assert sorted(e.detail["attempted"] for e in denied) == sorted(
        ["totp_reset", "password_reset", "account_disable", "account_disable"])


def test_the_page_offers_no_action_on_administrators(client, people):
    client.force_login(people["sysadmin"])
    text = client.get(USERS_PAGE).content.decode()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"<tr>\s*<td>([\w.@+-]+)</td>(.*?)</tr>", text, re.S)}
    for name in (*ADMIN_ROLES, "root"):
        assert 'name="action"' not in rows[name], name
    assert 'name="action"' in rows["clerk"]


# -- recovery from the shell -------------------------------------------------------------------

def test_recover_is_the_only_way_back_for_an_administrator(client, people):
    auditor = people["auditadmin"]
    _lock(auditor, "127.0.0.1")
    out = StringIO()
    call_command("accounts", "recover", "auditadmin", stdout=out)
    password = re.search(r"temporary password (\S+)", out.getvalue()).group(1)
    auditor.refresh_from_db()
    profile = profile_of(auditor)
    assert auditor.check_password(password) and profile.must_change_password
    assert not profile.totp_enabled and profile.must_enrol_totp
    assert not LoginThrottle.objects.filter(user=auditor).exists()
    entry = AuditEntry.objects.filter(action="password_reset").latest("seq")
    assert entry.username == f"cli:{getpass.getuser()}" and entry.detail["method"] == "recover"
    assert entry.detail["locked_addresses_cleared"] == 1 and entry.detail["administrator"] is True
    # next login: the new password first, then a new second factor, and only then the audit log
    assert client.post("/accounts/login/", {"username": "auditadmin", "password": password})["Location"] == "/"
    assert client.get("/audit/")["Location"] == "/accounts/password/"
    done = client.post("/accounts/password/", {"old_password": password, "new_password1": "Own-Secret-2023",
                                               "new_password2": "Own-Secret-2023"})
    assert done["Location"] == "/accounts/totp/"
    assert client.get("/audit/")["Location"] == "/accounts/totp/"
    assert client.get("/accounts/totp/").status_code == 200
    secret = client.session["_pl_totp_enrol_secret"]
    assert client.post("/accounts/totp/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/audit/").status_code == 200


def test_recovering_an_ordinary_user_ends_his_tokens_and_forces_a_second_factor(client, people):
    clerk = people["clerk"]
    token_create(user=clerk)
    out = StringIO()
    call_command("accounts", "recover", "clerk", stdout=out)
    assert ApiToken.objects.get(user=clerk).revoked_at is not None
    password = re.search(r"temporary password (\S+)", out.getvalue()).group(1)
    client.post("/accounts/login/", {"username": "clerk", "password": password})
    client.post("/accounts/password/", {"old_password": password, "new_password1": "Own-Secret-2023",
                                        "new_password2": "Own-Secret-2023"})
    assert client.get("/")["Location"] == "/accounts/totp/"


# -- reset links for ordinary users --------------------------------------------------------------

def _reset_on_the_page(client, people, username="clerk") -> str:
    client.force_login(people["sysadmin"])
    user = people[username]
    text = client.post(USERS_PAGE, {"user": user.pk, "action": "reset_password"}, follow=True).content.decode()
    client.logout()
    return re.search(r"http://testserver(/accounts/reset/[\w-]+/[\w-]+/)", text).group(1)


def test_a_reset_hands_over_a_link_that_works_once(client, people):
    clerk = people["clerk"]
    link = _reset_on_the_page(client, people)
    # the old password is gone; nothing the administrator saw signs in
    assert client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}).status_code == 200
    page = client.get(link)
    assert page.status_code == 302 and page["Location"].endswith("/set-password/")
    form = client.get(page["Location"])
    assert 'data-testid="reset-form"' in form.content.decode()
    done = client.post(page["Location"], {"new_password1": "Mine-Alone-2023", "new_password2": "Mine-Alone-2023"})
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    assert client.post("/accounts/login/", {"username": "clerk", "password": "Mine-Alone-2023"})["Location"] == "/"
    assert not profile_of(get_user_model().objects.get(pk=clerk.pk)).must_change_password
    client.logout()
    # the second use: refused
    again = client.get(link, follow=True)
    assert 'data-testid="reset-invalid"' in again.content.decode()
    resets = AuditEntry.objects.filter(action="password_reset").order_by("seq")
    assert [(e.username, e.detail.get("used", False)) for e in resets] == [("sysadmin", False), ("clerk", True)]


def test_a_reset_link_expires(client, people, monkeypatch, settings):
    settings.PARKLEDGER_SECURITY = {"RESET_LINK_HOURS": 24}
    link = _reset_on_the_page(client, people)
    real_now = ResetLinkTokens._now
    monkeypatch.setattr(ResetLinkTokens, "_now", lambda self: real_now(self) + timedelta(hours=23, minutes=50))
    assert client.get(link).status_code == 302  # still valid
    client.cookies.clear()
    monkeypatch.setattr(ResetLinkTokens, "_now", lambda self: real_now(self) + timedelta(hours=24, minutes=10))
    assert 'data-testid="reset-invalid"' in client.get(link).content.decode()


def test_a_newer_reset_voids_the_older_link(client, people):
    first = _reset_on_the_page(client, people)
    second = _reset_on_the_page(client, people)
    assert 'data-testid="reset-invalid"' in client.get(first).content.decode()
    assert client.get(second).status_code == 302


def test_a_link_made_for_an_administrator_opens_nothing(client, people):
    auditor = people["auditadmin"]
    before = _state(auditor)
    link = reset_link_path(auditor)  # as if forged with the server's secret
    assert 'data-testid="reset-invalid"' in client.get(link).content.decode()
    assert _state(auditor) == before


def test_a_new_account_gets_a_link_and_no_password(client, people):
    client.force_login(people["sysadmin"])
    text = client.post(USERS_PAGE, {"create-username": "newbie"}, follow=True).content.decode()
    link = re.search(r"http://testserver(/accounts/reset/[\w-]+/[\w-]+/)", text).group(1)
    assert not get_user_model().objects.get(username="newbie").has_usable_password()
    client.logout()
    target = client.get(link)["Location"]
    client.post(target, {"new_password1": "Newbie-Own-2023", "new_password2": "Newbie-Own-2023"})
    assert client.post("/accounts/login/", {"username": "newbie", "password": "Newbie-Own-2023"})["Location"] == "/"


# -- demo accounts in production -----------------------------------------------------------------

def test_demo_accounts_cannot_sign_in_with_debug_off(client, settings, monkeypatch, db):
    from parkledger.accounts.demo_users import create_demo_users

    monkeypatch.delenv("PARKLEDGER_DEMO", raising=False)
    rows = create_demo_users()
    settings.DEBUG = False
    for username, password, _description in rows:
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 200 and "_auth_user_id" not in client.session, username
        assert "演示账户只能在演示环境中登录" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed", detail__reason="demo_account").count() == len(rows)
    assert not AuditEntry.objects.filter(action="login").exists()
    # a demo account's API token is refused too
    _token, key = token_create(user=get_user_model().objects.get(username="jingji"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/park/").status_code == 401
    # PARKLEDGER_DEMO=1: trying the demo under a production server
    monkeypatch.setenv("PARKLEDGER_DEMO", "1")
    assert api.get("/api/park/").status_code == 200
    for username, password, _description in rows[:2]:
        assert client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
        client.post("/accounts/logout/")


def test_a_recovered_demo_account_follows_every_rule(people, settings, monkeypatch):
    from parkledger.accounts.demo_users import create_demo_users

    monkeypatch.delenv("PARKLEDGER_DEMO", raising=False)
    settings.DEBUG = True
    create_demo_users()
    user = get_user_model().objects.get(username="admin")
    assert profile_of(user).demo_exempt
    services.account_recover(user=user)
    assert not profile_of(get_user_model().objects.get(pk=user.pk)).demo_exempt


# -- the deployment check ----------------------------------------------------------------------

def _check_deploy(tmp_path, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60,
           "DJANGO_ALLOWED_HOSTS": "parkledger.example.gov.cn", "DJANGO_SECURE_SSL": "1",
           "PARKLEDGER_VAR_DIR": str(tmp_path), "PARKLEDGER_AUDIT_KEY": "3c" * 32, **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if "PARKLEDGER_DEMO" not in extra:
        env.pop("PARKLEDGER_DEMO", None)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_flags_the_demo_switch_and_a_missing_audit_key(tmp_path):
    clean = _check_deploy(tmp_path)
    assert "parkledger.W006" not in clean.stderr and "parkledger.W007" not in clean.stderr, clean.stderr
    demo = _check_deploy(tmp_path, PARKLEDGER_DEMO="1")
    assert "parkledger.W006" in demo.stderr and "PARKLEDGER_DEMO" in demo.stderr
    keyless = _check_deploy(tmp_path, PARKLEDGER_AUDIT_KEY="")
    assert "parkledger.W007" in keyless.stderr and "PARKLEDGER_AUDIT_KEY" in keyless.stderr
    (tmp_path / "audit.key").write_text("7e" * 32 + "\n")
    (tmp_path / "audit.key").chmod(0o600)
    from_file = _check_deploy(tmp_path, PARKLEDGER_AUDIT_KEY="")
    assert "parkledger.W007" not in from_file.stderr, from_file.stderr
