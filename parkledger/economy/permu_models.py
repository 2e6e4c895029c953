"""亩均论英雄: the evaluation scheme (versioned per park and year), its overrides and the computed rounds.

The grades themselves are `permu_evaluation` rows (`PermuEvaluation`); a computed round also keeps
its scheme version and every enterprise's inputs and item scores here, so a grade can be checked
by hand.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core.models.base import BaseModel
from parkledger.economy.choices import Grade

__all__ = [
    "PermuGradingMode", "PermuGroup", "PermuItem", "PermuAction",
    "PermuScheme", "PermuSchemeItem", "PermuOverride", "PermuRound", "PermuResult",
]

NON_NEGATIVE = [MinValueValidator(0, message=_("不能为负数"))]


class PermuGradingMode(models.TextChoices):
    PERCENTILE_BANDS = "percentile_bands", _("按排名比例分档")
    SCORE_BANDS = "score_bands", _("按得分分档")


class PermuGroup(models.TextChoices):
    ABOVE = "above", _("规上")
    BELOW = "below", _("规下")


class PermuItem(models.TextChoices):
    """Evaluation items; each is a ratio of an enterprise's E−1 inputs (see `permu.ITEM_RATIOS`)."""

    TAX_PER_MU = "tax_per_mu", _("亩均税收")
    VALUE_ADDED_PER_MU = "value_added_per_mu", _("亩均增加值")
    VALUE_ADDED_PER_ENERGY = "value_added_per_energy", _("单位能耗增加值")
    LABOUR_PRODUCTIVITY = "labour_productivity", _("全员劳动生产率")
    RD_SHARE = "rd_share", _("R&D经费占营业收入比重")
    REVENUE_PER_MU = "revenue_per_mu", _("亩均营业收入")


class PermuAction(models.TextChoices):
    EXCLUDE = "exclude", _("不参评")
    UNGRADED = "ungraded", _("不定等级")
    DOWNGRADE = "downgrade", _("降档")
    FIX_GRADE = "fix_grade", _("指定等级")


class PermuScheme(BaseModel):
    """One version of a park's 亩均 evaluation scheme for an evaluation year (data of year − 1).

    `band_a`/`band_b`/`band_c` are cumulative rank shares in percent (25/70/95) in
    `percentile_bands` mode, and the minimum scores of A/B/C in `score_bands` mode.
    The round uses the highest version of the top-level park's scheme for the year.
    """

    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("园区")
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    grading_mode = models.CharField(
        _("分档方式"), max_length=32, choices=PermuGradingMode.choices, default=PermuGradingMode.PERCENTILE_BANDS
    )
    band_a = models.DecimalField(_("A档界限"), max_digits=12, decimal_places=4, default=Decimal(25))
    band_b = models.DecimalField(_("B档界限"), max_digits=12, decimal_places=4, default=Decimal(70))
    band_c = models.DecimalField(_("C档界限"), max_digits=12, decimal_places=4, default=Decimal(95))
    land_threshold_mu = models.DecimalField(
        _("规下参评用地下限（亩）"), max_digits=12, decimal_places=4, default=Decimal(3), validators=NON_NEGATIVE
    )
    note = models.CharField(_("说明"), max_length=300, blank=True, help_text=_("如：依据甬亩均办〔2022〕7号"))

    class Meta:
        verbose_name = _("亩均评价方案")
        verbose_name_plural = _("亩均评价方案")
        ordering = ["park", "year", "version"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "version"], name="economy_permuscheme_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.park_id} {self.year} v{self.version}"

    def clean(self) -> None:
        super().clean()
        a, b, c = self.band_a, self.band_b, self.band_c
        if None in (a, b, c):
            return
        if self.grading_mode == PermuGradingMode.PERCENTILE_BANDS:
            if not (0 <= a <= b <= c <= 100):
                raise ValidationError(_("按排名比例分档时应满足 0 ≤ A ≤ B ≤ C ≤ 100（百分比）"))
        elif not (a >= b >= c):
            raise ValidationError(_("按得分分档时应满足 A档最低分 ≥ B档 ≥ C档"))


class PermuSchemeItem(BaseModel):
    """An item of a scheme for one group: its weight, an optional fixed benchmark and cap.

    Without a fixed benchmark the item's benchmark is the mean over the group's evaluated
    enterprises; the cap, when set, limits the item's score to `cap × weight`.
    """

    scheme = models.ForeignKey(PermuScheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("方案"))
    group = models.CharField(_("组别"), max_length=16, choices=PermuGroup.choices)
    item = models.CharField(_("指标"), max_length=32, choices=PermuItem.choices)
    weight = models.DecimalField(_("权重"), max_digits=12, decimal_places=4, validators=NON_NEGATIVE)
    benchmark = models.DecimalField(
        _("固定基准值"), max_digits=15, decimal_places=6, null=True, blank=True, validators=NON_NEGATIVE,
        help_text=_("留空则取本组参评企业的平均值"),
    )
    cap = models.DecimalField(
        _("得分上限（权重倍数）"), max_digits=12, decimal_places=4, null=True, blank=True, validators=NON_NEGATIVE,
    )

    class Meta:
        verbose_name = _("亩均评价指标")
        verbose_name_plural = _("亩均评价指标")
        ordering = ["scheme", "group", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "group", "item"], name="economy_permuschemeitem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.get_item_display()} {self.weight}"


class PermuOverride(BaseModel):
    """A manual decision on one enterprise in a scheme: not evaluated, 不定等级, a downgrade or a fixed grade."""

    scheme = models.ForeignKey(
        PermuScheme, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("方案")
    )
    uscc = models.ForeignKey(
        "core.Enterprise", to_field="uscc", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("统一社会信用代码"),
    )
    action = models.CharField(_("处理方式"), max_length=16, choices=PermuAction.choices)
    steps = models.PositiveSmallIntegerField(_("降档数"), default=1)
    grade = models.CharField(_("指定等级"), max_length=1, choices=Grade.choices, blank=True)
    reason = models.CharField(_("理由"), max_length=300, help_text=_("如：发生较大安全生产事故，一票否决"))

    class Meta:
        verbose_name = _("亩均评价调整")
        verbose_name_plural = _("亩均评价调整")
        ordering = ["scheme", "uscc"]
        constraints = [models.UniqueConstraint(fields=["scheme", "uscc"], name="economy_permuoverride_unique")]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.get_action_display()}"

    def clean(self) -> None:
        super().clean()
        if self.action == PermuAction.FIX_GRADE and not self.grade:
            raise ValidationError({"grade": _("指定等级时须填写等级")})


class PermuRound(BaseModel):
    """A computed round of a top-level park for an evaluation year, with the scheme version used."""

    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("园区")
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    scheme = models.ForeignKey(
        PermuScheme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("方案"), help_text=_("留空表示默认方案"),
    )
    scheme_label = models.CharField(_("方案"), max_length=100)

    class Meta:
        verbose_name = _("亩均评价轮次")
        verbose_name_plural = _("亩均评价轮次")
        ordering = ["park", "year"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="economy_permuround_unique")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.year}"


class PermuResult(BaseModel):
    """One enterprise's inputs, item values, benchmarks and scores in a computed round."""

    round = models.ForeignKey(PermuRound, on_delete=models.CASCADE, related_name="results", verbose_name=_("轮次"))
    uscc = models.ForeignKey(
        "core.Enterprise", to_field="uscc", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("统一社会信用代码"),
    )
    group = models.CharField(_("组别"), max_length=16, choices=PermuGroup.choices)
    inputs = models.JSONField(_("基础数据"), default=dict)
    items = models.JSONField(_("指标得分"), default=dict)
    score = models.DecimalField(_("得分"), max_digits=12, decimal_places=2)
    rank = models.PositiveIntegerField(_("组内排名"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("亩均评价明细")
        verbose_name_plural = _("亩均评价明细")
        ordering = ["round", "group", "rank", "uscc"]
        constraints = [models.UniqueConstraint(fields=["round", "uscc"], name="economy_permuresult_unique")]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.score} {self.grade}"
