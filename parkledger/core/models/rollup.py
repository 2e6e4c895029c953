"""Stored per-park sums of the enterprise-month returns, for comparing many parks at once.

See `parkledger.core.rollup` for what a row holds and how it is kept in step with the returns.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["EnterpriseMonthRollup"]


class EnterpriseMonthRollup(models.Model):
    """One park's (by its own code, sub-parks apart) enterprise-month sums of one year.

    `token` changes with every write of a return of the park and year (or of the year before, whose
    rows are this year's comparable basis) and with every move of an enterprise from or to the park;
    `data` is valid only while `built_token` equals it.
    """

    park = models.ForeignKey("core.Park", to_field="code", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("园区"))
    year = models.PositiveSmallIntegerField(_("年份"))
    token = models.CharField(max_length=32)
    built_token = models.CharField(max_length=32, blank=True, default="")
    data = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("企业月报汇总")
        verbose_name_plural = _("企业月报汇总")
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="core_em_rollup_unique_park_year")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.year}"
