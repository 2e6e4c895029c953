"""(六) 党建与队伍: party activities, enterprise unions, task forces."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core import fields as f
from parkledger.core.models import LedgerModel
from parkledger.party.choices import ActivityKind

__all__ = ["PartyActivity", "Union", "TaskForce"]


class PartyActivity(LedgerModel):
    """A party activity: night study, lecture, themed activity, cadre training, duty support."""

    kind_key = "party_activity"

    code = f.code(generated=True)
    park = f.park_ref()
    held_on = f.day(_("日期"), required=True)
    kind = f.choice(_("类型"), ActivityKind)
    title = models.CharField(_("主题"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参加人次"), null=True, blank=True)

    class Meta:
        verbose_name = _("党建活动")
        verbose_name_plural = _("党建活动")
        ordering = ["held_on", "code"]
        indexes = [models.Index(fields=["kind", "held_on"], name="party_act_kind_held"),
                   models.Index(fields=["park", "held_on"], name="party_act_park_held")]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class Union(LedgerModel):
    """An enterprise trade union (企业工会)."""

    kind_key = "union"
    natural_key_fields = ("uscc",)
    park_path = "uscc__park"

    uscc = models.OneToOneField(
        "core.Enterprise", to_field="uscc", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("统一社会信用代码"),
    )
    founded_on = f.day(_("成立日期"))

    class Meta:
        verbose_name = _("企业工会")
        verbose_name_plural = _("企业工会")
        ordering = ["uscc_id"]

    def __str__(self) -> str:
        return str(self.uscc_id)


class TaskForce(LedgerModel):
    """A task force (工作专班) formed for a job."""

    kind_key = "task_force"
    date_order = (("formed_on", "dissolved_on"),)

    code = f.code(generated=True)
    park = f.park_ref()
    name = models.CharField(_("名称"), max_length=200)
    formed_on = f.day(_("成立日期"))
    dissolved_on = f.day(_("撤销日期"))

    class Meta:
        verbose_name = _("工作专班")
        verbose_name_plural = _("工作专班")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
