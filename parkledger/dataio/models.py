"""What the data I/O app stores: the column mappings users saved for their own spreadsheets."""
from __future__ import annotations

__all__ = ["SavedMapping"]

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedMapping(models.Model):
    """A saved mapping of a header block to a kind's fields, found again by the block's signature.

    `columns` holds one entry per source column: `index`, `letter`, `header` (its full header
    path), `field` (a field key, `enterprise_name`, or empty: not imported), `unit` and `reading`
    (`month` 当月, `cumulative` 本月累计, `previous_cumulative` 上月累计).
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("台账类型"), max_length=40)
    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("园区"),
    )
    signature = models.CharField(_("表头特征"), max_length=40, db_index=True)
    columns = models.JSONField(_("列对应"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入映射")
        verbose_name_plural = _("导入映射")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
