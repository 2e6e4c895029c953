"""Closed periods (封账) and the corrections (更正) that reopen one for a while."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkledger.core.validators import validate_month

__all__ = ["ClosedPeriod", "PeriodUnlock"]


class ClosedPeriod(models.Model):
    """A month of a park whose figures were reported upward; its records are read-only.

    Closing a park also closes the month for its sub-parks (their figures roll up into it).
    """

    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("园区")
    )
    month = models.CharField(_("月份"), max_length=7, validators=[validate_month], help_text="YYYY-MM")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("封账人"),
    )
    closed_at = models.DateTimeField(_("封账时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        db_table = "accounts_closedperiod"  # tables kept their names when periods got their own app
        verbose_name = _("封账月份")
        verbose_name_plural = _("封账月份")
        ordering = ["park", "month"]
        constraints = [models.UniqueConstraint(fields=["park", "month"], name="accounts_closedperiod_unique_park_month")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.month}"


class PeriodUnlock(models.Model):
    """A correction window (更正) on a closed month, opened by the security administrator with a reason."""

    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("园区")
    )
    month = models.CharField(_("月份"), max_length=7, validators=[validate_month], help_text="YYYY-MM")
    reason = models.TextField(_("更正原因"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("限定用户"), help_text=_("为空时任何有写权限的用户均可更正"),
    )
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("解锁人"),
    )
    unlocked_at = models.DateTimeField(_("解锁时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("提前结束时间"), null=True, blank=True)

    class Meta:
        db_table = "accounts_periodunlock"
        verbose_name = _("更正解锁")
        verbose_name_plural = _("更正解锁")
        ordering = ["-unlocked_at"]

    def __str__(self) -> str:
        return f"{self.park_id} {self.month} → {self.expires_at:%Y-%m-%d %H:%M}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.unlocked_at <= at < self.expires_at
