"""The command-line doors: `parkledger accounts …` and `parkledger period …`, audited as the OS user."""
from __future__ import annotations

import getpass

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parkledger.accounts.models import RoleAssignment, SecurityProfile
from parkledger.audit.models import AuditEntry
from parkledger.periods.models import ClosedPeriod, PeriodUnlock

pytestmark = pytest.mark.django_db


def test_bootstrapping_an_administrator_from_the_shell(parks, capsys):
    call_command("accounts", "create", "ops", "--role", "secadmin")
    out = capsys.readouterr().out
    assert "initial password" in out
    profile = SecurityProfile.objects.get(user__username="ops")
    assert profile.must_change_password
    assert list(RoleAssignment.objects.filter(user__username="ops").values_list("role", flat=True)) == ["secadmin"]
    with pytest.raises(CommandError, match="互斥"):
        call_command("accounts", "grant", "ops", "leader")
    call_command("accounts", "create", "clerk", "--role", "social", "--park", "ECO")
    grants = AuditEntry.objects.filter(action="perm_grant")
    assert grants.count() == 3 and set(grants.values_list("username", flat=True)) == {f"cli:{getpass.getuser()}"}
    with pytest.raises(CommandError, match="no account"):
        call_command("accounts", "unlock", "nobody")


def test_closing_and_correcting_a_month_from_the_shell(parks):
    call_command("period", "close", "--park", "ECO", "--month", "2022-09")
    assert ClosedPeriod.objects.filter(park_id="ECO", month="2022-09").exists()
    with pytest.raises(CommandError):
        call_command("period", "unlock", "--park", "ECO", "--month", "2022-08", "--reason", "未封账")
    with pytest.raises(CommandError):
        call_command("period", "close", "--park", "ECO", "--month", "2022-13")
    call_command("period", "unlock", "--park", "ECO", "--month", "2022-09", "--reason", "更正9月", "--hours", "1")
    unlock = PeriodUnlock.objects.get()
    assert unlock.reason == "更正9月" and 3500 < (unlock.expires_at - unlock.unlocked_at).total_seconds() <= 3600
    assert AuditEntry.objects.get(action="period_unlock").after["reason"] == "更正9月"


def test_a_password_reset_from_the_shell_prints_a_link_not_a_password(parks, capsys, client):
    call_command("accounts", "create", "clerk", "--role", "social")
    capsys.readouterr()
    call_command("accounts", "reset-password", "clerk")
    out = capsys.readouterr().out
    path = out.split()[-1]
    assert path.startswith("/accounts/reset/") and "password " not in out.replace("old password", "")
    target = client.get(path)["Location"]
    client.post(target, {"new_password1": "Shell-Link-2023", "new_password2": "Shell-Link-2023"})
    assert client.post("/accounts/login/", {"username": "clerk", "password": "Shell-Link-2023"})["Location"] == "/"
    entry = AuditEntry.objects.filter(action="password_reset").order_by("seq").first()
    assert entry.username == f"cli:{getpass.getuser()}" and entry.detail["method"] == "link"
