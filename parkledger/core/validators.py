"""Validators with reasons a park's staff understand."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from parkledger.lib.periods import parse_month
from parkledger.lib.uscc import uscc_error


def validate_uscc(value: str) -> None:
    error = uscc_error(str(value))
    if error:
        raise ValidationError(error, code="uscc")


def validate_month(value: str) -> None:
    try:
        parse_month(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="month") from exc
