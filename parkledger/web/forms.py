"""Forms of the web pages: the ledger record form (one per kind) and the upload form.

The record form is a ModelForm over the kind's data fields, so it validates exactly as the
import does: field validators, the model's `clean()` (date order, deadlines) and uniqueness,
all through `full_clean`.
"""
from __future__ import annotations

from functools import cache

from django import forms
from django.db import models
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import Park

__all__ = ["ledger_form_class", "LedgerForm", "ImportUploadForm", "ALLOWED_UPLOAD_SUFFIXES", "dress_filter_form"]

ALLOWED_UPLOAD_SUFFIXES = (".xlsx", ".csv", ".xls", ".ods")  # .xls/.ods: mapped imports (web.views.mapping)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.TextInput):
    input_type = "month"


def dress_filter_form(form: forms.Form) -> forms.Form:
    """The list filters as a clerk expects them: month pickers, date pickers, `全部` for a yes/no."""
    for name, field in form.fields.items():
        if name in ("month_after", "month_before"):
            field.widget = MonthInput(attrs={"class": "filter-auto"})
            field.label = _("月份 从") if name == "month_after" else _("月份 至")
        elif isinstance(field, forms.DateField):
            field.widget = DateInput(attrs={"class": "filter-auto"})
        elif isinstance(field, forms.NullBooleanField):
            field.widget = forms.Select(
                choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))], attrs={"class": "filter-auto"}
            )
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "":
                field.choices = [("", _("全部")), *choices[1:]]
            field.widget.attrs["class"] = "filter-auto"
    return form


class LedgerForm(forms.ModelForm):
    """Base class of the generated record forms: restricts the park choice to the user's parks."""

    def __init__(self, *args, parks: list[Park] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name)
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is Park and parks is not None:
                field.queryset = Park.objects.filter(code__in=[p.code for p in parks])
                field.widget = forms.Select(choices=[("", _("请选择园区"))] + [(p.code, p.name) for p in parks])
            if model_field.help_text and not field.help_text and model_field.name not in ("month", "country"):
                field.help_text = model_field.help_text
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is not Park:
                field.error_messages["invalid_choice"] = _not_found_message(model_field)
            elif isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices = list(field.choices)
                if choices and choices[0][0] == "" and str(choices[0][1]).startswith("---"):
                    field.choices = [("", _("请选择")), *choices[1:]]

    def lock(self, name: str, value) -> None:
        """Preset a field and keep it so (an enterprise user's own enterprise)."""
        if name in self.fields:
            self.fields[name].initial = value
            self.initial[name] = value
            self.fields[name].disabled = True
            self.fields[name].help_text = _("您只能为本企业填报")


def _not_found_message(fld: models.ForeignKey) -> str:
    """A wrong reference said in plain words (instead of Django's "选择一个有效的选项")."""
    what = fld.related_model._meta.verbose_name
    text = str(_("没有找到这个%(what)s：“{value}”。请输入名称或代码，再从下拉列表中选择。") % {"what": what})
    return text.replace("%", "%%").replace("{value}", "%(value)s")


def _widget_for(fld: models.Field) -> forms.Widget | None:
    if isinstance(fld, models.ForeignKey):
        if fld.related_model is Park:
            return None
        kind = getattr(fld.related_model, "kind_key", "")
        names = {f.name for f in fld.related_model._meta.concrete_fields}
        if "name" in names and "uscc" in names and kind == "enterprise":
            placeholder = _("输入企业名称或统一社会信用代码搜索")
        elif "name" not in names and "uscc" in names:
            placeholder = _("输入企业名称或检查日期搜索")
        else:
            placeholder = _("输入名称或代码搜索")
        return forms.TextInput(attrs={
            "placeholder": placeholder, "autocomplete": "off",
            "data-lookup": reverse_lazy("web:lookup", args=[kind]) if kind else "", "class": "picker",
        })
    if isinstance(fld, models.DateField):
        return DateInput()
    if isinstance(fld, models.DecimalField):
        return forms.NumberInput(attrs={"step": "any"})
    if isinstance(fld, models.CharField) and fld.name == "month":
        return MonthInput()
    if isinstance(fld, models.CharField) and fld.name == "country":
        from parkledger.web.present import COUNTRY_NAMES

        return forms.Select(choices=list(COUNTRY_NAMES.items()))
    return None


@cache
def ledger_form_class(kind_key: str) -> type[LedgerForm]:
    """The record form of a kind: its data fields (a generated `code` is left to the system)."""
    model = kind_models()[kind_key]
    names = [
        fld.name for fld in data_fields(model)
        if fld.editable and not (fld.name == "code" and model.has_generated_code())
    ]
    widgets = {}
    for fld in data_fields(model):
        widget = _widget_for(fld)
        if widget is not None and fld.name in names:
            widgets[fld.name] = widget
    return forms.modelform_factory(model, form=LedgerForm, fields=names, widgets=widgets)


class ImportUploadForm(forms.Form):
    """A workbook or CSV to import (size and type checked before anything is read)."""

    file = forms.FileField(label=_("文件"), help_text=_("Excel 工作簿（.xlsx）或 CSV 文件"))

    def __init__(self, *args, max_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ALLOWED_UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("只接受 .xlsx 或 .csv 文件，以及按列对应导入的 .xls、.ods 表格"))
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("文件过大（%(size)s 字节），上限 %(max)s 字节") % {"size": upload.size, "max": self.max_bytes}
            )
        return upload
