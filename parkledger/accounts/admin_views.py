"""The three administrators' pages: accounts (system administrator), roles and memberships and
corrections (security administrator), closing months (leaders, statisticians).

Each page only calls `parkledger.accounts.services`, which checks the actor's rights and
audits; a refused action shows its message and changes nothing.
"""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parkledger.accounts import permissions as perms
from parkledger.accounts import services
from parkledger.accounts.admin_forms import (
    AccountActionForm,
    AccountCreateForm,
    MembershipForm,
    PeriodCloseForm,
    PeriodUnlockForm,
    RoleForm,
)
from parkledger.accounts.authn import profile_of
from parkledger.accounts.conf import security_setting
from parkledger.accounts.models import LoginThrottle, Membership, RoleAssignment
from parkledger.accounts.reset_links import reset_link_path
from parkledger.accounts.views import _render
from parkledger.periods.models import ClosedPeriod, PeriodUnlock


def _run(request: HttpRequest, func, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Call a service: (True, its result), or (False, None) with its refusal shown as a message."""
    try:
        return True, func(*args, **kwargs)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return False, None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _people() -> list[dict[str, Any]]:
    roles: dict[int, list[str]] = {}
    for assignment in RoleAssignment.objects.all():
        roles.setdefault(assignment.user_id, []).append(assignment.get_role_display())
    scopes: dict[int, list[Membership]] = {}
    for membership in Membership.objects.all():
        scopes.setdefault(membership.user_id, []).append(membership)
    locked: dict[int, list[str]] = {}
    for user_id, ip in LoginThrottle.objects.filter(locked_until__gt=timezone.now()).values_list("user_id", "ip"):
        locked.setdefault(user_id, []).append(ip or "—")
    rows = []
    for user in get_user_model()._default_manager.order_by("username").select_related("security"):
        profile = profile_of(user)
        rows.append({
            "user": user, "roles": roles.get(user.pk, []), "memberships": scopes.get(user.pk, []),
            "locked": sorted(locked.get(user.pk, [])), "totp": profile.totp_enabled,
            "must_change": profile.must_change_password, "no_password": not user.has_usable_password(),
            "protected": services.is_administrator_account(user),
        })
    return rows


def _link_message(request: HttpRequest, user: Any, path: str, text: str) -> None:
    messages.success(request, text % {
        "name": user.username, "url": request.build_absolute_uri(path), "hours": security_setting("RESET_LINK_HOURS"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def accounts_view(request: HttpRequest) -> HttpResponse:
    """The system administrator's page: create, disable and reset ordinary accounts (links, never passwords)."""
    if not perms.can_manage_accounts(request.user):
        raise PermissionDenied(_("只有系统管理员可以管理账户"))
    create_form = AccountCreateForm(prefix="create")
    if request.method == "POST":
        if "create-username" in request.POST:
            create_form = AccountCreateForm(request.POST, prefix="create")
            if create_form.is_valid():
                ok, user = _run(request, services.account_create, actor=request.user, **create_form.cleaned_data)
                if ok:
                    _link_message(request, user, reset_link_path(user), _(
                        "已创建 %(name)s。请将以下链接交给本人设置密码（%(hours)s 小时内有效，只能使用一次）：%(url)s"))
                    return redirect("accounts:manage_accounts")
        else:
            form = AccountActionForm(request.POST)
            if form.is_valid():
                _account_action(request, form.cleaned_data["user"], form.cleaned_data["action"])
            return redirect("accounts:manage_accounts")
    return _render(request, "accounts/manage_accounts.html", {"create_form": create_form, "people": _people()})


def _account_action(request: HttpRequest, user: Any, action: str) -> None:
    """One action of the accounts page; the service refuses (audited) an administrator's account or his own."""
    if action == "reset_password":
        ok, path = _run(request, services.account_reset_link, actor=request.user, user=user)
        if ok:
            _link_message(request, user, path, _(
                "已重置 %(name)s 的密码。请将以下链接交给本人设置新密码（%(hours)s 小时内有效，只能使用一次）：%(url)s"))
        return
    if action in ("disable", "enable"):
        ok, _result = _run(request, services.account_set_active, actor=request.user, user=user,
                           active=action == "enable")
    elif action == "unlock":
        ok, _result = _run(request, services.account_unlock, actor=request.user, user=user)
    else:
        ok, _result = _run(request, services.totp_reset, actor=request.user, user=user)
    if ok:
        messages.success(request, _("已完成"))


@login_required
@require_http_methods(["GET", "POST"])
def grants_view(request: HttpRequest) -> HttpResponse:
    """The security administrator's page: roles, park memberships and sign-in locks of ordinary users."""
    if not perms.can_grant_roles(request.user):
        raise PermissionDenied(_("只有安全管理员可以授权"))
    role_form, member_form = RoleForm(prefix="role"), MembershipForm(prefix="member")
    if request.method == "POST":
        if "role-role" in request.POST:
            role_form = RoleForm(request.POST, prefix="role")
            if role_form.is_valid():
                data = role_form.cleaned_data
                service = services.role_revoke if data["revoke"] else services.role_grant
                _run(request, service, actor=request.user, user=data["user"], role=data["role"])
                return redirect("accounts:manage_grants")
        elif "member-user" in request.POST:
            member_form = MembershipForm(request.POST, prefix="member")
            if member_form.is_valid():
                data = member_form.cleaned_data
                _run(request, services.membership_grant, actor=request.user, user=data["user"],
                     park=data["park"] or None, city=data["city"], enterprise=data["enterprise"] or None)
                return redirect("accounts:manage_grants")
        elif "unlock_user" in request.POST:
            user = get_user_model()._default_manager.filter(pk=_int(request.POST.get("unlock_user"))).first()
            if user is not None:
                ok, cleared = _run(request, services.account_unlock, actor=request.user, user=user)
                if ok:
                    messages.success(request, _("已解除 %(name)s 的登录锁定") % {"name": user.username})
            return redirect("accounts:manage_grants")
        elif "remove_membership" in request.POST:
            membership = Membership.objects.filter(pk=_int(request.POST.get("remove_membership"))).first()
            if membership is not None:
                _run(request, services.membership_revoke, actor=request.user, membership=membership)
            return redirect("accounts:manage_grants")
    return _render(request, "accounts/manage_grants.html", {
        "role_form": role_form, "member_form": member_form, "people": _people(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def periods_view(request: HttpRequest) -> HttpResponse:
    """Closed months (leaders, statisticians close) and corrections (the security administrator opens)."""
    can_close, can_unlock = perms.can_close_period(request.user), perms.can_unlock_period(request.user)
    if not (can_close or can_unlock):
        raise PermissionDenied(_("无权管理封账"))
    close_form, unlock_form = PeriodCloseForm(prefix="close"), PeriodUnlockForm(prefix="unlock")
    if request.method == "POST":
        if "close-park" in request.POST:
            close_form = PeriodCloseForm(request.POST, prefix="close")
            if close_form.is_valid():
                if _run(request, services.period_close, actor=request.user, **close_form.cleaned_data)[0]:
                    messages.success(request, _("已封账"))
                    return redirect("accounts:manage_periods")
        elif "unlock-park" in request.POST:
            unlock_form = PeriodUnlockForm(request.POST, prefix="unlock")
            if unlock_form.is_valid():
                if _run(request, services.period_unlock, actor=request.user, **unlock_form.cleaned_data)[0]:
                    messages.success(request, _("已开启更正"))
                    return redirect("accounts:manage_periods")
        elif "end_unlock" in request.POST:
            unlock = PeriodUnlock.objects.filter(pk=_int(request.POST.get("end_unlock"))).first()
            if unlock is not None:
                _run(request, services.period_unlock_revoke, actor=request.user, unlock=unlock)
            return redirect("accounts:manage_periods")
    parks = perms.visible_park_codes(request.user)
    closed = ClosedPeriod.objects.select_related("closed_by").order_by("park_id", "-month")
    if not can_unlock:
        closed = closed.filter(park_id__in=parks)
    now = timezone.now()
    unlocks = PeriodUnlock.objects.select_related("user", "unlocked_by").order_by("-unlocked_at")[:100]
    return _render(request, "accounts/manage_periods.html", {
        "close_form": close_form if can_close else None, "unlock_form": unlock_form if can_unlock else None,
        "closed": closed, "unlocks": unlocks, "now": now, "can_unlock": can_unlock,
    })
