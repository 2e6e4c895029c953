"""Who a user is to the system: park memberships, role assignments and login security state."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkledger.accounts.roles import Role

__all__ = ["Membership", "RoleAssignment", "SecurityProfile", "LoginThrottle"]


class Membership(models.Model):
    """A user's membership of a park (and its sub-parks), of every park of a city, or of one enterprise.

    Exactly one of `park`, `city` and `enterprise` is set. An enterprise membership makes the
    user an enterprise user of that enterprise (its park is the only park they see).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="park_memberships", verbose_name=_("用户")
    )
    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("园区"),
    )
    city = models.CharField(_("地级市"), max_length=50, blank=True, help_text=_("该市全部园区"))
    enterprise = models.ForeignKey(
        "core.Enterprise", to_field="uscc", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("企业"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("授权人"),
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("园区成员")
        verbose_name_plural = _("园区成员")
        ordering = ["user_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(park__isnull=False, city="", enterprise__isnull=True)
                    | Q(park__isnull=True, enterprise__isnull=True) & ~Q(city="")
                    | Q(park__isnull=True, city="", enterprise__isnull=False)
                ),
                name="accounts_membership_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.park_id:
            return str(_("园区 %(code)s") % {"code": self.park_id})
        if self.city:
            return str(_("%(city)s市全部园区") % {"city": self.city})
        return str(_("企业 %(uscc)s") % {"uscc": self.enterprise_id})


class RoleAssignment(models.Model):
    """A role held by a user (granted by the security administrator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("授权人"),
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="accounts_roleassignment_unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_role_display()}"


class SecurityProfile(models.Model):
    """Login security state of one user: password age and the TOTP secret (failures: `LoginThrottle`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security", verbose_name=_("用户")
    )
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("初始密码或管理员重置的密码，下次登录须修改")
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    totp_secret = models.CharField(_("动态口令密钥"), max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("动态口令启用时间"), null=True, blank=True)
    totp_last_counter = models.BigIntegerField(_("最近使用的口令时间步"), null=True, blank=True)
    must_enrol_totp = models.BooleanField(
        _("须重新启用动态口令"), default=False, help_text=_("账户恢复后，下次登录须设置新密码并启用新的动态口令"),
    )
    demo_exempt = models.BooleanField(
        _("演示账户"), default=False,
        help_text=_("仅在 DEBUG 开启时免除动态口令与改密要求（演示环境）；生产环境无效"),
    )

    class Meta:
        verbose_name = _("账户安全状态")
        verbose_name_plural = _("账户安全状态")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return str(self.user_id)

    @property
    def totp_enabled(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)


class LoginThrottle(models.Model):
    """Failed sign-ins of one account from one client address, and the delay or lock they earned.

    A lock holds for this address only: a sign-in from another address is not refused, so a
    stranger cannot lock someone else out by failing on purpose. `pending` counts the attempts
    whose password or code is being checked right now (so a burst cannot try more than the
    lockout threshold at once); `pending_since` lets a crashed attempt's count expire.

    The row without a user counts the failures of names that match no account from one address
    (one row per address), on the same rules.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_throttles", verbose_name=_("用户"),
        null=True, blank=True, help_text=_("空：不存在的用户名"),
    )
    ip = models.CharField(_("IP地址"), max_length=45, blank=True)
    failures = models.PositiveIntegerField(_("连续登录失败次数"), default=0)
    pending = models.PositiveIntegerField(_("正在验证的尝试"), default=0)
    pending_since = models.DateTimeField(_("验证开始时间"), null=True, blank=True)
    retry_at = models.DateTimeField(_("可再次尝试时间"), null=True, blank=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录限制")
        verbose_name_plural = _("登录限制")
        ordering = ["user_id", "ip"]
        constraints = [
            models.UniqueConstraint(fields=["user", "ip"], name="accounts_loginthrottle_unique_user_ip"),
            models.UniqueConstraint(fields=["ip"], condition=models.Q(user__isnull=True),
                                    name="accounts_loginthrottle_unique_unknown_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.ip or '-'}"
