"""Forms of the web pages: the ledger record form (one per kind) and the upload form.

The record form is a ModelForm over the kind's data fields, so it validates exactly as the
import does: field validators, the model's `clean()` (date order, deadlines) and uniqueness,
all through `full_clean`.
"""
from __future__ import annotations

from functools import cache

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import Park

__all__ = ["ledger_form_class", "LedgerForm", "ImportUploadForm", "ALLOWED_UPLOAD_SUFFIXES"]

ALLOWED_UPLOAD_SUFFIXES = (".xlsx", ".csv")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LedgerForm(forms.ModelForm):
    """Base class of the generated record forms: restricts the park choice to the user's parks."""

    def __init__(self, *args, parks: list[Park] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name)
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is Park and parks is not None:
                field.queryset = Park.objects.filter(code__in=[p.code for p in parks])
                field.widget = forms.Select(choices=[("", "---------")] + [(p.code, f"{p.code} {p.name}") for p in parks])
            if model_field.help_text and not field.help_text:
                field.help_text = model_field.help_text


def _widget_for(fld: models.Field) -> forms.Widget | None:
    if isinstance(fld, models.ForeignKey):
        if fld.related_model is Park:
            return None
        return forms.TextInput(attrs={"placeholder": str(fld.target_field.verbose_name)})
    if isinstance(fld, models.DateField):
        return DateInput()
    if isinstance(fld, models.DecimalField):
        return forms.NumberInput(attrs={"step": "any"})
    if isinstance(fld, models.CharField) and fld.name == "month":
        return forms.TextInput(attrs={"placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})
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
            raise forms.ValidationError(_("只接受 .xlsx 或 .csv 文件"))
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("文件过大（%(size)s 字节），上限 %(max)s 字节") % {"size": upload.size, "max": self.max_bytes}
            )
        return upload
