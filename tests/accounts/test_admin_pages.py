"""The administrators' pages: each administrator reaches only his own page, and his actions are audited."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from parkledger.accounts.models import Membership, RoleAssignment
from parkledger.audit.models import AuditEntry
from parkledger.periods.models import ClosedPeriod, PeriodUnlock
from tests.accounts.conftest import make_user

pytestmark = pytest.mark.django_db

PAGES = {"users": "/accounts/manage/users/", "grants": "/accounts/manage/grants/",
         "periods": "/accounts/manage/periods/", "audit": "/audit/"}
# role → the pages it may open
REACH = {
    "sysadmin": {"users"}, "secadmin": {"grants", "periods"}, "auditadmin": {"audit"},
    "leader": {"periods"}, "statistician": {"periods"}, "social": set(), "enterprise": set(),
}


@pytest.mark.parametrize("role", sorted(REACH))
def test_each_page_opens_for_its_administrator_only(client, parks, role):
    client.force_login(make_user("u", role, park=None if role in ("sysadmin", "secadmin", "auditadmin") else "ECO"))
    for name, url in PAGES.items():
        status = client.get(url).status_code
        assert status == (200 if name in REACH[role] else 403), (role, name, status)


def test_the_system_administrator_creates_and_manages_accounts(client, parks):
    client.force_login(make_user("sys", "sysadmin"))
    response = client.post(PAGES["users"], {"create-username": "newbie", "create-first_name": "新人"}, follow=True)
    text = response.content.decode()
    newbie = get_user_model().objects.get(username="newbie")
    # no password exists yet: the page hands over a one-time link with which newbie sets his own
    assert not newbie.has_usable_password() and "初始密码" not in text
    assert re.search(r"http://testserver/accounts/reset/[\w-]+/[\w-]+/", text)
    client.post(PAGES["users"], {"user": newbie.pk, "action": "disable"})
    newbie.refresh_from_db()
    assert not newbie.is_active
    assert AuditEntry.objects.filter(action="account_disable", username="sys").exists()
    # he cannot grant roles
    assert client.post(PAGES["grants"], {"role-user": newbie.pk, "role-role": "leader"}).status_code == 403


def test_the_security_administrator_grants_on_the_page_but_not_to_himself(client, parks):
    sec = make_user("sec", "secadmin")
    clerk = make_user("clerk")
    client.force_login(sec)
    client.post(PAGES["grants"], {"role-user": clerk.pk, "role-role": "social"})
    client.post(PAGES["grants"], {"member-user": clerk.pk, "member-park": "ECO"})
    assert list(RoleAssignment.objects.filter(user=clerk).values_list("role", flat=True)) == ["social"]
    assert Membership.objects.filter(user=clerk, park_id="ECO").exists()
    response = client.post(PAGES["grants"], {"role-user": sec.pk, "role-role": "leader"}, follow=True)
    assert "不能对自己的账户执行此操作" in response.content.decode()
    assert set(RoleAssignment.objects.filter(user=sec).values_list("role", flat=True)) == {"secadmin"}
    assert AuditEntry.objects.filter(action="perm_denied", username="sec").exists()


def test_closing_on_the_page_and_correcting_with_a_reason(client, parks):
    client.force_login(make_user("stat", "statistician", park="ECO"))
    client.post(PAGES["periods"], {"close-park": "ECO", "close-month": "2022-09"})
    assert ClosedPeriod.objects.filter(park_id="ECO", month="2022-09", closed_by__username="stat").exists()
    bad = client.post(PAGES["periods"], {"close-park": "OTH", "close-month": "2022-09"}, follow=True)
    assert "无权" in bad.content.decode() and not ClosedPeriod.objects.filter(park_id="OTH").exists()
    client.force_login(make_user("sec", "secadmin"))
    empty = client.post(PAGES["periods"], {"unlock-park": "ECO", "unlock-month": "2022-09", "unlock-reason": "",
                                           "unlock-hours": "2"})
    assert empty.status_code == 200 and not PeriodUnlock.objects.exists()
    client.post(PAGES["periods"], {"unlock-park": "ECO", "unlock-month": "2022-09", "unlock-reason": "退回更正",
                                   "unlock-hours": "2"})
    unlock = PeriodUnlock.objects.get()
    assert unlock.reason == "退回更正" and unlock.unlocked_by.username == "sec"
    client.post(PAGES["periods"], {"end_unlock": unlock.pk})
    unlock.refresh_from_db()
    assert unlock.revoked_at is not None
