"""Report templates (the users' own, with history) and the archive of issued reports."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ReportTemplate", "ReportTemplateVersion", "IssuedReport"]


class ReportTemplate(models.Model):
    """A named report template of a park (or of every park when `park` is empty); its text lives in
    versions, `current_version` being the one in use."""

    park = models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("园区"), help_text=_("留空：所有园区可用"),
    )
    name = models.CharField(_("模板名称"), max_length=100)
    current_version = models.ForeignKey(
        "ReportTemplateVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("当前版本"),
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报告模板")
        verbose_name_plural = _("报告模板")
        ordering = ["park", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="reports_template_unique_park_name"),
            models.UniqueConstraint(fields=["name"], condition=models.Q(park__isnull=True),
                                    name="reports_template_unique_global_name"),
        ]

    def __str__(self) -> str:
        return f"{self.park_id or _('通用')} / {self.name}"


class ReportTemplateVersion(models.Model):
    """One saved text of a template (versions are kept, never edited)."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("模板"))
    number = models.PositiveIntegerField(_("版本号"))
    text = models.TextField(_("模板内容"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("作者"))
    created = models.DateTimeField(_("保存时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("报告模板版本")
        verbose_name_plural = _("报告模板版本")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="reports_templateversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class IssuedReport(models.Model):
    """A report as issued: the file, the template text it came from, its figures and a checksum."""

    FORMAT_CHOICES = [(f, f) for f in ("docx", "pdf", "html", "md", "txt", "masked", "json")]

    park = models.ForeignKey("core.Park", to_field="code", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("园区"))
    period = models.CharField(_("报告期"), max_length=7, help_text="YYYY-MM")
    format = models.CharField(_("格式"), max_length=8, choices=FORMAT_CHOICES)
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    template_version = models.ForeignKey(ReportTemplateVersion, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="issued", verbose_name=_("模板版本"),
                                         help_text=_("留空：默认模板"))
    template_text = models.TextField(_("所用模板内容"))
    figures = models.JSONField(_("指标"), default=dict)
    omitted = models.JSONField(_("略去的语句"), default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("签发人"))
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版次"), default=1, help_text=_("同一园区同一报告期的第几次签发"))
    number = models.CharField(_("报告编号"), max_length=40, blank=True, db_index=True)

    class Meta:
        verbose_name = _("已签发报告")
        verbose_name_plural = _("已签发报告")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["park", "period"], name="reports_issued_park_period")]

    def __str__(self) -> str:
        return f"{self.number or self.park_id} {self.period} {self.format}"

    @staticmethod
    def number_for(park: str, period: str, version: int) -> str:
        """`ECO-202209-03`: the park, the report period and the version."""
        return f"{park}-{period.replace('-', '')}-{version:02d}"

    def save(self, *args, **kwargs) -> None:
        """A new issue gets the next version of its park and period, and its number."""
        if self._state.adding and not self.number:
            last = (IssuedReport.objects.filter(park_id=self.park_id, period=self.period)
                    .aggregate(models.Max("version"))["version__max"]) or 0
            self.version = last + 1
            self.number = self.number_for(self.park_id, self.period, self.version)
        super().save(*args, **kwargs)


class ParkSynonym(models.Model):
    """The park's synonym table, taught by the review of a learnt report: the words written before a figure
    (`区本级财政收入`, `其中临港片区实现规上工业总产值`) and the indicator the user chose for them, or an empty
    key for words the user marked as 无对应指标. The learner reads it before its own cues."""

    park = models.ForeignKey("core.Park", on_delete=models.CASCADE, related_name="report_synonyms",
                             verbose_name=_("园区"))
    phrase = models.CharField(_("原文用语"), max_length=60)
    key = models.CharField(_("指标键"), max_length=200, blank=True, help_text=_("空：无对应指标，保留原文"))
    uses = models.PositiveIntegerField(_("确认次数"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("确认人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("园区同义词")
        verbose_name_plural = _("园区同义词")
        constraints = [models.UniqueConstraint(fields=["park", "phrase"], name="reports_synonym_park_phrase")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.phrase} → {self.key or '—'}"
