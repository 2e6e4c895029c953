"""Field builders shared by every ledger, so amounts, dates, months and references look alike."""
from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core.validators import validate_month, validate_uscc

NON_NEGATIVE = [MinValueValidator(0, message=_("不能为负数"))]
# 15 significant digits: SQLite keeps decimals as 64-bit floats, exact only up to 15 digits
# (10^11 万元 with 4 decimals is far beyond any park's figure).


def amount(label: str, unit: str = "万元", *, required: bool = False) -> models.DecimalField:
    """A non-negative decimal amount (万元 unless `unit` says otherwise); empty means not reported."""
    return models.DecimalField(
        label, max_digits=15, decimal_places=4, null=not required, blank=not required,
        validators=NON_NEGATIVE, help_text=unit,
    )


def quantity(label: str, unit: str = "") -> models.DecimalField:
    """A non-negative measured quantity (areas, counts of people, pollutant values)."""
    return models.DecimalField(
        label, max_digits=15, decimal_places=4, null=True, blank=True, validators=NON_NEGATIVE, help_text=unit
    )


def day(label: str, *, required: bool = False) -> models.DateField:
    """A date; empty means "not yet"."""
    return models.DateField(label, null=not required, blank=not required)


def month(label: str = _("月份"), *, db_index: bool = True) -> models.CharField:
    """A month as `YYYY-MM`; `db_index=False` where a composite index led by the month serves already."""
    return models.CharField(label, max_length=7, validators=[validate_month], db_index=db_index, help_text="YYYY-MM")


def code(label: str = _("编号"), *, generated: bool = False) -> models.CharField:
    """A record's code, unique per deployment; `generated` ones may be left empty on input."""
    return models.CharField(label, max_length=64, unique=True, blank=generated)


def park_ref() -> models.ForeignKey:
    return models.ForeignKey(
        "core.Park", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("园区")
    )


def enterprise_ref(*, optional: bool = False, label: str = _("统一社会信用代码"),
                   db_index: bool = True) -> models.ForeignKey:
    """A reference to an enterprise by its 统一社会信用代码; `db_index=False` where a composite
    index led by the enterprise serves already (a ledger unique per enterprise and month)."""
    return models.ForeignKey(
        "core.Enterprise", to_field="uscc", on_delete=models.PROTECT, related_name="+",
        null=optional, blank=optional, verbose_name=label, validators=[validate_uscc], db_index=db_index,
    )


def ref(to: str, label: str, *, optional: bool = False) -> models.ForeignKey:
    """A reference to another ledger by its code."""
    return models.ForeignKey(
        to, to_field="code", on_delete=models.PROTECT, related_name="+",
        null=optional, blank=optional, verbose_name=label,
    )


def choice(label: str, choices: type[models.TextChoices], *, default: str | None = None, blank: bool = False):
    """A choice of a fixed set; required unless it has a default or `blank` is set."""
    extra = {"default": default} if default is not None else {}
    return models.CharField(label, max_length=32, choices=choices.choices, blank=blank, **extra)
