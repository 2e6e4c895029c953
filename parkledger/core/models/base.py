"""The base of every ledger: timestamps, the kind's key, its natural key and date-order rules."""
from __future__ import annotations

__all__ = ["BaseModel", "LedgerModel", "CaseMixin"]

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Creation and last-change timestamps."""

    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class LedgerModel(BaseModel):
    """A record kind of `records.md`: importable, exportable, belonging to one park.

    Class attributes:
    - `kind_key`: the kind's public key (sheet name, CSV file name, API path).
    - `natural_key_fields`: the fields whose values identify a record (import upserts on them).
    - `park_path`: the ORM path from this model to its park's code (`park`, `uscc__park`, …);
      empty when the park comes from elsewhere (milestones).
    - `date_order`: pairs (earlier, later) of date fields; a later date before an earlier one
      is rejected.
    """

    kind_key: ClassVar[str] = ""
    natural_key_fields: ClassVar[tuple[str, ...]] = ("code",)
    park_path: ClassVar[str] = "park"
    date_order: ClassVar[tuple[tuple[str, str], ...]] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for earlier, later in self.date_order:
            a, b = getattr(self, earlier), getattr(self, later)
            if isinstance(a, date) and isinstance(b, date) and b < a:
                errors[later] = _("%(later)s（%(b)s）不能早于%(earlier)s（%(a)s）") % {
                    "later": self._meta.get_field(later).verbose_name,
                    "earlier": self._meta.get_field(earlier).verbose_name,
                    "a": a.isoformat(),
                    "b": b.isoformat(),
                }
        if errors:
            raise ValidationError(errors)

    @classmethod
    def has_generated_code(cls) -> bool:
        try:
            field = cls._meta.get_field("code")
        except Exception:
            return False
        return bool(field.blank)

    def content_code(self) -> str:
        """A code derived from the record's content, for kinds whose rows come without one.

        Importing the same row twice therefore updates it instead of adding a copy; decimals
        are hashed at the field's places, so a row typed in a form and the same row imported agree.
        """
        parts = []
        for field in self._meta.concrete_fields:
            if field.name in ("id", "code", "created", "last_updated"):
                continue
            value = field.value_from_object(self)
            if isinstance(field, models.DecimalField) and value not in (None, ""):
                # 1.5 and 1.5000 are the same amount: hash it at the field's own places
                value = Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
            parts.append(f"{field.attname}={value}")
        digest = hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]
        return f"{self.kind_key}-{digest}"

    def save(self, *args, **kwargs) -> None:
        if self.has_generated_code() and not self.code:
            self.code = self.content_code()
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple:
        return tuple(
            getattr(self, self._meta.get_field(f).attname) for f in self.natural_key_fields
        )


class CaseMixin:
    """A case-like ledger (hazard, petition, env_case, dispute, …): opened, deadline, closed.

    Subclasses name their date fields in `case_opened_field` and `case_closed_field`, and
    give the deadline either as a field (`case_deadline_field`) or as a number of days after
    opening (`case_days`). Overdue is derived, never stored.
    """

    case_opened_field: ClassVar[str]
    case_closed_field: ClassVar[str]
    case_deadline_field: ClassVar[str] = ""
    case_days: ClassVar[int | None] = None

    @property
    def case_opened_on(self) -> date | None:
        return getattr(self, self.case_opened_field)

    @property
    def case_closed_on(self) -> date | None:
        return getattr(self, self.case_closed_field)

    @property
    def case_deadline(self) -> date | None:
        if self.case_deadline_field:
            return getattr(self, self.case_deadline_field)
        if self.case_days is not None and self.case_opened_on:
            return self.case_opened_on + timedelta(days=self.case_days)
        return None

    def case_state(self, as_of: date) -> str:
        """`closed`, `overdue` or `open` as of a date."""
        closed = self.case_closed_on
        if closed and closed <= as_of:
            return "closed"
        deadline = self.case_deadline
        if deadline and deadline < as_of:
            return "overdue"
        return "open"

    def overdue_days(self, as_of: date) -> int:
        """Days past the deadline as of a date (0 when closed in time or not yet due)."""
        deadline = self.case_deadline
        if not deadline:
            return 0
        end = self.case_closed_on if self.case_closed_on and self.case_closed_on <= as_of else as_of
        return max(0, (end - deadline).days)
