"""Forms of the administrators' pages (accounts, grants, periods)."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from parkledger.accounts.roles import Role
from parkledger.core.validators import validate_month

__all__ = ["AccountCreateForm", "AccountActionForm", "RoleForm", "MembershipForm", "PeriodCloseForm",
           "PeriodUnlockForm"]


def _users():
    return get_user_model()._default_manager.filter(is_active=True).order_by("username")


class AccountCreateForm(forms.Form):
    username = forms.RegexField(label=_("用户名"), max_length=150, regex=r"^[\w.@+-]+\Z",
                                error_messages={"invalid": _("用户名只能包含字母、数字和 @/./+/-/_")})
    first_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class AccountActionForm(forms.Form):
    ACTIONS = (("disable", _("停用")), ("enable", _("启用")), ("reset_password", _("重置密码")),
               ("unlock", _("解除锁定")), ("reset_totp", _("重置动态口令")))
    user = forms.ModelChoiceField(label=_("用户"), queryset=get_user_model()._default_manager.all())
    action = forms.ChoiceField(label=_("操作"), choices=ACTIONS)


class RoleForm(forms.Form):
    user = forms.ModelChoiceField(label=_("用户"), queryset=None)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    revoke = forms.BooleanField(label=_("撤销"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(label=_("用户"), queryset=None)
    park = forms.CharField(label=_("园区代码"), max_length=64, required=False)
    city = forms.CharField(label=_("地级市"), max_length=50, required=False)
    enterprise = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()


class PeriodCloseForm(forms.Form):
    park = forms.CharField(label=_("园区代码"), max_length=64)
    month = forms.CharField(label=_("月份"), max_length=7, validators=[validate_month], help_text="YYYY-MM")
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class PeriodUnlockForm(forms.Form):
    park = forms.CharField(label=_("园区代码"), max_length=64)
    month = forms.CharField(label=_("月份"), max_length=7, validators=[validate_month], help_text="YYYY-MM")
    reason = forms.CharField(label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 3}))
    hours = forms.FloatField(label=_("开放小时数"), min_value=0.1, initial=24)
    user = forms.ModelChoiceField(label=_("限定用户"), queryset=None, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()
