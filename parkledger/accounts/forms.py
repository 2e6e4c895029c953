"""Forms of the login, second-factor, password and audit-search pages."""
from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parkledger.accounts.authn import find_user, is_locked, locked_minutes_left, register_failure
from parkledger.accounts.conf import security_setting
from parkledger.audit.models import AuditAction, AuditResult

__all__ = ["LoginForm", "TotpCodeForm", "PasswordChangeNewForm", "AuditSearchForm"]


class LoginForm(AuthenticationForm):
    """Django's login form; a locked account is refused before its password is tried."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。连续失败 %(threshold)s 次将锁定账户 %(minutes)s 分钟。"),
        "locked": _("账户已被锁定，请 %(minutes)s 分钟后再试，或联系系统管理员解锁。"),
    }

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login",
            params={"threshold": security_setting("LOCKOUT_THRESHOLD"), "minutes": security_setting("LOCKOUT_MINUTES")},
        )

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username:
            user = find_user(username)
            if user is not None and is_locked(user):
                register_failure(username, reason="locked")
                raise ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": locked_minutes_left(user)}
                )
        return super().clean()


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


class AuditSearchForm(forms.Form):
    username = forms.CharField(label=_("用户"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("事件"), required=False, choices=[("", _("全部"))] + AuditAction.choices)
    result = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部"))] + AuditResult.choices)
    object_kind = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object = forms.CharField(label=_("对象ID/标识"), required=False, max_length=255)
    ip = forms.CharField(label=_("IP地址"), required=False, max_length=45)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
