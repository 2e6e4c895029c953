"""The Django admin of users and groups, through the write gate (`parkledger.accounts.gate`)."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from parkledger.accounts.gate import GatedAccountAdmin, check_account


class GatedUserAdmin(GatedAccountAdmin, UserAdmin):
    """Users: the system administrator's, ordinary accounts only, rights fields read-only; no add,
    delete or password here (the 账户管理 page)."""

    def user_change_password(self, request, id, form_url=""):
        check_account(request.user, self.model, "password", self.get_object(request, unquote(id)))
        return super().user_change_password(request, id, form_url)


class GatedGroupAdmin(GatedAccountAdmin, GroupAdmin):
    """Groups of permissions: the security administrator's."""


for _model, _admin in ((User, GatedUserAdmin), (Group, GatedGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
