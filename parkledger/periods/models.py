"""Closed periods (封账), the figures frozen when a month is closed, the corrections (更正) that
reopen one for a while, and the moves of enterprises and sub-parks between parks (迁入/迁出)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkledger.core.validators import validate_month

__all__ = ["ClosedPeriod", "PeriodUnlock", "FrozenFigures", "ParkMove"]


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


class FrozenFigures(models.Model):
    """Every figure of one park for one closed month, as the engine returned them at the close.

    Closing a park's month freezes the park and each of its sub-parks (one row each), like a
    statistics office's published figures: from then on the engine hands out these figures for
    that park and month, whatever changes later in the ledgers or the park tree. Only a correction
    (unlock, then close again) writes them again (`version` counts the freezes).
    """

    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("园区")
    )
    month = models.CharField(_("月份"), max_length=7, validators=[validate_month], help_text="YYYY-MM")
    closed_period = models.ForeignKey(
        ClosedPeriod, on_delete=models.CASCADE, related_name="frozen", verbose_name=_("封账月份"),
    )
    figures = models.JSONField(_("封账数据"), default=list, help_text="[{key, name, unit, value, text, reason, …}] in the engine's order")
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("封账人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    reason = models.TextField(_("更正原因"), blank=True)

    class Meta:
        verbose_name = _("封账数据")
        verbose_name_plural = _("封账数据")
        ordering = ["park", "month"]
        constraints = [models.UniqueConstraint(fields=["park", "month"], name="periods_frozen_unique_park_month")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.month} v{self.version}"


class ParkMove(models.Model):
    """An enterprise moved to another park, or a sub-park put under another parent (迁出 → 迁入).

    Written by the save path of enterprises and parks (model signals for forms, the API and the
    admin; the importer's written-rows hook for imports); the park codes are kept as text so
    the event outlives the parks. `differences` lists the closed months whose recomputed figures
    differ from their frozen values right after the move (`[{"park", "month", "keys"}]`).
    """

    class Subject(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        PARK = "park", _("园区")

    subject_kind = models.CharField(_("对象类型"), max_length=20, choices=Subject.choices)
    subject_code = models.CharField(_("对象代码"), max_length=64)
    subject_name = models.CharField(_("对象名称"), max_length=200, blank=True)
    from_park = models.CharField(_("迁出园区"), max_length=64, blank=True)
    to_park = models.CharField(_("迁入园区"), max_length=64, blank=True)
    moved_on = models.DateField(_("迁移日期"))
    moved_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )
    username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    via = models.CharField(_("途径"), max_length=20, blank=True)
    differences = models.JSONField(_("与封账数据不一致的月份"), default=list, blank=True)

    class Meta:
        verbose_name = _("园区迁移")
        verbose_name_plural = _("园区迁移")
        ordering = ["-moved_at", "-id"]
        indexes = [models.Index(fields=["subject_kind", "subject_code"], name="periods_move_subject")]

    def __str__(self) -> str:
        return f"{self.subject_code}: {self.from_park or '—'} → {self.to_park or '—'} ({self.moved_on})"

    @property
    def differing_months(self) -> list[str]:
        """`PARK YYYY-MM` of the closed months whose figures differed from their frozen values after the move."""
        return sorted({f"{d.get('park')} {d.get('month')}" for d in self.differences or []})
