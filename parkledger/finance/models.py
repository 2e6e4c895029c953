"""(五) 改革创新与资金保障: state-asset approvals and filings, financing projects."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core import fields as f
from parkledger.core.models import LedgerModel
from parkledger.finance.choices import FilingKind, FinancingKind

__all__ = ["AssetFiling", "FinancingProject"]


class AssetFiling(LedgerModel):
    """A state-asset matter approved or filed (国资审批备案)."""

    kind_key = "asset_filing"

    code = f.code(generated=True)
    park = f.park_ref()
    kind = f.choice(_("类型"), FilingKind)
    subject = models.CharField(_("事项"), max_length=300)
    decided_on = f.day(_("办结日期"))

    class Meta:
        verbose_name = _("国资审批备案")
        verbose_name_plural = _("国资审批备案")
        ordering = ["decided_on", "code"]
        indexes = [models.Index(fields=["decided_on"], name="fin_filing_decided"),
                   models.Index(fields=["park", "decided_on"], name="fin_filing_park_decided")]

    def __str__(self) -> str:
        return self.subject


class FinancingProject(LedgerModel):
    """A financing project (专项债, bank loan, fund) pushed forward and approved."""

    kind_key = "financing_project"
    date_order = (("started_on", "approved_on"),)

    code = f.code(generated=True)
    park = f.park_ref()
    name = models.CharField(_("项目名称"), max_length=200)
    kind = f.choice(_("类型"), FinancingKind)
    amount = f.amount(_("金额"))
    started_on = f.day(_("推进日期"))
    approved_on = f.day(_("获批日期"))

    class Meta:
        verbose_name = _("融资项目")
        verbose_name_plural = _("融资项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
