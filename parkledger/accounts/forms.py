"""Forms of the login, second-factor, password and audit-search pages."""
from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parkledger.accounts import throttle
from parkledger.accounts.authn import demo_refused, find_user, totp_needed_at_login
from parkledger.accounts.conf import security_setting
from parkledger.accounts.context import client_ip
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction, AuditResult

__all__ = ["LoginForm", "TotpCodeForm", "PasswordChangeNewForm", "ResetPasswordForm", "AuditSearchForm"]


class LoginForm(AuthenticationForm):
    """Django's login form behind the (account, address) throttle; a locked or delayed attempt is
    refused before its password is tried, and a demo account where demo sign-ins are off.

    After `is_valid()`, `gate` is the attempt's throttle gate (None for an unknown name); the
    view finishes it (`throttle.passed`) once the whole sign-in, second factor included, is done.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。同一地址连续失败 %(threshold)s 次将锁定该账户在此地址的登录 %(minutes)s 分钟。"),
        "locked": _("该账户在此地址的登录已被锁定，请 %(minutes)s 分钟后再试，或联系安全管理员解锁。"),
        "delayed": _("登录尝试过于频繁，请 %(seconds)s 秒后再试。"),
        "demo": _("演示账户只能在演示环境中登录。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate: throttle.Gate | None = None

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login",
            params={"threshold": security_setting("LOCKOUT_THRESHOLD"), "minutes": security_setting("LOCKOUT_MINUTES")},
        )

    def refusal_error(self, gate: throttle.Gate) -> ValidationError:
        if gate.refusal == "locked":
            return ValidationError(self.error_messages["locked"], code="locked",
                                   params={"minutes": (gate.wait_seconds + 59) // 60})
        return ValidationError(self.error_messages["delayed"], code="delayed", params={"seconds": gate.wait_seconds})

    def clean(self) -> dict[str, Any]:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or password is None:
            return super().clean()
        user = find_user(username)
        if user is not None and demo_refused(user):
            audit_log(AuditAction.LOGIN_FAILED, obj=user, user=user, result=AuditResult.DENIED,
                      detail={"reason": "demo_account"})
            raise ValidationError(self.error_messages["demo"], code="demo")
        gate = throttle.begin(user, client_ip(self.request) if self.request is not None else "", username=username)
        if gate.refused:
            raise self.refusal_error(gate)
        if self.request is not None:
            self.request._pl_login_gate = gate  # the failed-login signal leaves the counting to us
        try:
            super().clean()
        except ValidationError:
            throttle.fail(gate, reason="password", username=username)
            raise
        # a correct password: the count is cleared only when the second factor (if any) is passed too
        if not throttle.passed(gate, reset=not totp_needed_at_login(self.user_cache)):
            raise self.refusal_error(gate)
        self.gate = gate
        return self.cleaned_data


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"), max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("身份验证器应用中显示的 6 位数字"),
    )


class PasswordChangeNewForm(PasswordChangeForm):
    """Django's password change, refusing the current password as the new one."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("new_password1")
        if password and "new_password1" not in self.errors and self.user.check_password(password):
            self.add_error("new_password1", ValidationError(_("新密码不能与当前密码相同"), code="password_unchanged"))
        return cleaned


class ResetPasswordForm(SetPasswordForm):
    """The password a user sets through a reset link (Django's form and password validators)."""


class AuditSearchForm(forms.Form):
    username = forms.CharField(label=_("用户"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("事件"), required=False, choices=[("", _("全部"))] + AuditAction.choices)
    result = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部"))] + AuditResult.choices)
    object_kind = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object = forms.CharField(label=_("对象ID/标识"), required=False, max_length=255)
    ip = forms.CharField(label=_("IP地址"), required=False, max_length=45)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
