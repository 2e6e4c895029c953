"""Filing rounds (填报): a park's month of returns, one submission per expected enterprise.

A round covers every enterprise of the park and its sub-parks active in its month (registered
by the month's end, not closed before its start). A submission's values stay here until a
statistician accepts them; only then are they written to the ledger (and so reach the figures).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkledger.core.validators import validate_month

__all__ = ["FilingKind", "FilingRound", "SubmissionState", "Source", "Submission", "Reminder", "Notice",
           "AnomalyRule", "Channel", "Basis"]


class FilingKind(models.TextChoices):
    """The ledgers enterprises file through rounds (the monthly return first)."""

    ENTERPRISE_MONTH = "enterprise_month", _("企业月报")


class FilingRound(models.Model):
    park = models.ForeignKey("core.Park", to_field="code", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("园区"))
    kind = models.CharField(_("填报内容"), max_length=32, choices=FilingKind.choices,
                            default=FilingKind.ENTERPRISE_MONTH)
    month = models.CharField(_("月份"), max_length=7, validators=[validate_month])
    due_on = models.DateField(_("截止日期"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("发起人"))
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("结束人"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("填报轮次")
        verbose_name_plural = _("填报轮次")
        ordering = ["-month", "park"]
        constraints = [models.UniqueConstraint(fields=["park", "kind", "month"], name="filing_round_unique")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.get_kind_display()} {self.month}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SubmissionState(models.TextChoices):
    NOT_STARTED = "not_started", _("未填报")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


class Source(models.TextChoices):
    FILING = "filing", _("企业填报")
    IMPORT = "import", _("导入")
    FORM = "form", _("表单")
    API = "api", _("接口")
    LEDGER = "ledger", _("台账已有")


class Submission(models.Model):
    round = models.ForeignKey(FilingRound, on_delete=models.CASCADE, related_name="submissions",
                              verbose_name=_("填报轮次"))
    enterprise = models.ForeignKey("core.Enterprise", to_field="uscc", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("企业"))
    state = models.CharField(_("状态"), max_length=16, choices=SubmissionState.choices,
                             default=SubmissionState.NOT_STARTED)
    values = models.JSONField(_("填报数据"), default=dict, blank=True)
    explanations = models.JSONField(_("异常说明"), default=dict, blank=True)
    anomalies = models.JSONField(_("异常提示"), default=list, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    returned_fields = models.JSONField(_("退回字段"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, blank=True)
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("提交人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))

    class Meta:
        verbose_name = _("企业填报")
        verbose_name_plural = _("企业填报")
        ordering = ["round", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["round", "enterprise"], name="filing_submission_unique")]
        indexes = [models.Index(fields=["round", "state"], name="filing_sub_round_state"),
                   models.Index(fields=["enterprise", "round"], name="filing_sub_enterprise")]

    def __str__(self) -> str:
        return f"{self.round} {self.enterprise_id}"


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("短信/微信网关")


class Reminder(models.Model):
    """One reminder (催报) sent to one enterprise through one channel."""

    round = models.ForeignKey(FilingRound, on_delete=models.CASCADE, related_name="reminders",
                              verbose_name=_("填报轮次"))
    enterprise = models.ForeignKey("core.Enterprise", to_field="uscc", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("企业"))
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    sent_by = models.CharField(_("发送人"), max_length=150, blank=True, help_text=_("自动催报时为“系统”"))
    delivered = models.BooleanField(_("发送成功"), default=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["round", "enterprise"], name="filing_reminder_round")]


class Notice(models.Model):
    """A message on an enterprise user's 我的填报 page (a reminder, a returned submission)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    round = models.ForeignKey(FilingRound, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("填报轮次"))
    text = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="filing_notice_user")]


class Basis(models.TextChoices):
    SAME_MONTH_LAST_YEAR = "yoy", _("上年同月")
    PREVIOUS_MONTH = "mom", _("上月")


class AnomalyRule(models.Model):
    """A value changing more than `threshold_pct` against its basis must carry a 说明 (kept as data)."""

    kind = models.CharField(_("填报内容"), max_length=32, choices=FilingKind.choices,
                            default=FilingKind.ENTERPRISE_MONTH)
    field = models.CharField(_("字段"), max_length=64, blank=True, help_text=_("为空时适用于全部数值字段"))
    basis = models.CharField(_("比较基准"), max_length=8, choices=Basis.choices)
    threshold_pct = models.DecimalField(_("变动幅度阈值（%）"), max_digits=6, decimal_places=1, default=50)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("异常规则")
        verbose_name_plural = _("异常规则")
        ordering = ["kind", "field", "basis"]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} ±{self.threshold_pct}%"
