"""Targets, users' estimates and manually entered figures (never rolled up across parks)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core import fields as f
from parkledger.core.models import LedgerModel

__all__ = ["Target", "Estimate", "ManualFigure"]


class Target(LedgerModel):
    """A year's target for an indicator, in the indicator's display unit (240 = 240亿元)."""

    kind_key = "target"
    natural_key_fields = ("park", "year", "indicator")

    park = f.park_ref()
    year = models.PositiveSmallIntegerField(_("年度"))
    indicator = models.CharField(_("指标"), max_length=100)
    value = models.DecimalField(_("目标值"), max_digits=15, decimal_places=4)

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["park_id", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "indicator"], name="plans_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.indicator} {self.value}"


class Estimate(LedgerModel):
    """A user's forecast of an indicator's full-year value, made in a month (预计数)."""

    kind_key = "estimate"
    natural_key_fields = ("park", "month", "indicator")

    park = f.park_ref()
    month = f.month()
    indicator = models.CharField(_("指标"), max_length=100)
    value = models.DecimalField(_("预计值"), max_digits=15, decimal_places=4)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("预计数")
        verbose_name_plural = _("预计数")
        ordering = ["park_id", "month", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["park", "month", "indicator"], name="plans_estimate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.indicator} {self.value}"


class ManualFigure(LedgerModel):
    """A figure entered by hand for an indicator whose source is `manual` (or an official rate)."""

    kind_key = "manual_figure"
    natural_key_fields = ("park", "month", "indicator")

    park = f.park_ref()
    month = f.month()
    indicator = models.CharField(_("指标"), max_length=100)
    value = models.DecimalField(_("数值"), max_digits=15, decimal_places=4)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("手工填报指标")
        verbose_name_plural = _("手工填报指标")
        ordering = ["park_id", "month", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["park", "month", "indicator"], name="plans_manualfigure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.indicator} {self.value}"
