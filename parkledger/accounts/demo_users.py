"""The demo deployment's accounts, printed by `make demo` so a newcomer can log in.

One account per role, members of the demo park ECO (and its sub-park), plus `admin`, a
superuser. Every demo account is flagged `demo_exempt`: while DEBUG is on it skips the
"change the initial password" step, and `admin` also skips the second factor, so the demo
opens with a user name and a password. With DEBUG off the demo accounts cannot sign in at all
(their passwords are published), unless `PARKLEDGER_DEMO=1` is set to try the demo under a
production server, which `parkledger check --deploy` warns about.
The three separated administrators (sysadmin, secadmin, auditadmin) get a TOTP secret even
in the demo, printed here; a code for it: `.venv/bin/python -c "import pyotp;
print(pyotp.TOTP('SECRET').now())"`.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from parkledger.accounts.models import LoginThrottle, Membership, RoleAssignment, SecurityProfile
from parkledger.accounts.roles import ADMIN_ROLES, Role

__all__ = ["DEMO_ADMIN", "DEMO_PARK", "DEMO_ACCOUNTS", "create_demo_users"]

DEMO_ADMIN = ("admin", "Demo-Admin-2022")
DEMO_PARK = "ECO"

# username, password, role, description
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("zhaoshang", "Demo-Invest-2022", Role.INVESTMENT, "招商 / investment department"),
    ("jingji", "Demo-Economy-2022", Role.ECONOMY, "经济发展 / economy department"),
    ("jianshe", "Demo-Build-2022", Role.CONSTRUCTION, "建设 / construction department"),
    ("anquan", "Demo-Safety-2022", Role.SAFETY_ENV, "安全/环保 / safety and environment"),
    ("shehui", "Demo-Social-2022", Role.SOCIAL, "社会治理 / social governance"),
    ("caizheng", "Demo-Finance-2022", Role.FINANCE, "财政/国资 / finance and state assets"),
    ("dangjian", "Demo-Party-2022", Role.PARTY, "党建 / party building"),
    ("lingdao", "Demo-Leader-2022", Role.LEADER, "领导 / leader (reads all, issues reports)"),
    ("tongji", "Demo-Stats-2022", Role.STATISTICIAN, "统计员 / statistician"),
    ("qiye", "Demo-Firm-2022", Role.ENTERPRISE, "企业用户 / enterprise user (first enterprise of ECO)"),
    ("shiji", "Demo-City-2022", Role.CITY, "市级管理 / city level (every park of 宁波: 园区比较, 全市概况)"),
    ("sysadmin", "Demo-Sys-2022!", Role.SYSADMIN, "系统管理员 / system administrator"),
    ("secadmin", "Demo-Sec-2022!", Role.SECADMIN, "安全管理员 / security administrator"),
    ("auditadmin", "Demo-Audit-2022!", Role.AUDITADMIN, "审计管理员 / audit administrator"),
)

# fixed demo secrets (base32) so the printed secret stays valid across `make demo` runs
_DEMO_TOTP = {
    "sysadmin": "PLDEMOSYSADMINTOTPSECRETSYSADMIN",
    "secadmin": "PLDEMOSECADMINTOTPSECRETSECADMIN",
    "auditadmin": "PLDEMOAUDITADMINTOTPSECRETAUDITA",
}


def _account(username: str, password: str, **flags) -> object:
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    for name, value in flags.items():
        setattr(user, name, value)
    user.is_active = True
    user.set_password(password)
    user.save()
    profile, _ = SecurityProfile.objects.get_or_create(user=user)
    profile.demo_exempt = True
    profile.must_change_password = False
    profile.save()
    user.security = profile  # not the copy the user's save signal cached before the flags were set
    LoginThrottle.objects.filter(user=user).delete()
    return user


@transaction.atomic
def create_demo_users() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts; returns (username, password, role description)."""
    from parkledger.core.models import Enterprise, Park

    username, password = DEMO_ADMIN
    _account(username, password, is_staff=True, is_superuser=True)
    rows = [(username, password, "演示管理员 / demo superuser (DEBUG only: no second factor)")]
    park_exists = Park.objects.filter(code=DEMO_PARK).exists()
    enterprise = Enterprise.objects.filter(park_id=DEMO_PARK).order_by("uscc").first()
    for name, pw, role, description in DEMO_ACCOUNTS:
        user = _account(name, pw, is_staff=False, is_superuser=False)
        RoleAssignment.objects.filter(user=user).exclude(role=role).delete()
        RoleAssignment.objects.get_or_create(user=user, role=role)
        if role == Role.ENTERPRISE:
            if enterprise is not None:
                Membership.objects.get_or_create(user=user, enterprise=enterprise)
                description = f"{description}: {enterprise.name} {enterprise.uscc}"
        elif role == Role.CITY:
            city = Park.objects.filter(code=DEMO_PARK).values_list("city", flat=True).first()
            if city:
                Membership.objects.get_or_create(user=user, city=city)
        elif role not in ADMIN_ROLES and park_exists:
            Membership.objects.get_or_create(user=user, park_id=DEMO_PARK)
        if name in _DEMO_TOTP:
            profile = user.security
            profile.totp_secret = _DEMO_TOTP[name]
            profile.totp_confirmed_at = profile.totp_confirmed_at or timezone.now()
            profile.totp_last_counter = None
            profile.save()
            description = f"{description}; TOTP secret {_DEMO_TOTP[name]}"
        rows.append((name, pw, description))
    return rows
