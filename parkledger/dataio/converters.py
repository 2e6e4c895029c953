"""Fast per-field readers and validators for the importer.

`converter(field)` returns a function cell → value that agrees with `cells.parse_cell` (which
it falls back to for anything but plain text), plus what the importer adds: choices by key
or label, defaults for empty cells, and the field's digit limits for decimals (the
`DecimalValidator`'s own message), with trailing zeros beyond the field's places dropped.

`validator(field)` returns `(quick, messages)`: `quick(value)` is True when the value surely
passes every validator of the field; otherwise `messages(value)` runs the validators
themselves and returns their messages. Validators the module does not know are remembered
per value, so a reference column with 3,000 distinct codes runs its check 3,000 times.
"""
from __future__ import annotations

__all__ = ["converter", "validator", "canonical_decimal"]

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _

from parkledger.dataio.cells import FALSE_WORDS, TRUE_WORDS, CellError, parse_cell
from parkledger.dataio.labels import choice_labels, choice_map, normalise_name

_BOOLS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def canonical_decimal(value: Decimal, places: int) -> Decimal:
    """`1.5` → `1.5000` for a field of 4 places (how the database gives it back)."""
    if value == 0:
        value = Decimal(0)
    try:
        return value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        return value


def _decimal_message(field: models.DecimalField, value: Decimal) -> str | None:
    for validator in field.validators:
        if isinstance(validator, DecimalValidator):
            try:
                validator(value)
            except ValidationError as exc:
                return "；".join(exc.messages)
    return None


def _fit_decimal(field: models.DecimalField, value: Decimal, text: str | None) -> Decimal:
    """The value within the field's digits (trailing zeros dropped), or CellError with the validator's reason."""
    places, whole = field.decimal_places, field.max_digits - field.decimal_places
    if text is not None and "e" not in text and "E" not in text:
        int_part, _dot, frac = text.lstrip("+-").partition(".")
        if len(frac) > places:
            frac = frac.rstrip("0")
        if len(frac) <= places and len(int_part.lstrip("0")) <= whole:
            return value if len(frac) == len(text.lstrip("+-").partition(".")[2]) else canonical_decimal(value, places)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        value = value.normalize()
    message = _decimal_message(field, value)
    if message:
        raise CellError(message)
    return value


def converter(field: models.Field, *, canonical: bool = False) -> Callable[[Any], Any]:
    """cell → value for one field; raises CellError with a reason a user understands.

    `canonical`: decimals are quantized to the field's places (kinds whose generated code is a
    hash of the values need the same value however it was written).
    """
    default = field.get_default() if field.has_default() and not field.null else None
    empty = default if default is not None else (None if field.null or not field.empty_strings_allowed else "")
    if isinstance(field, models.ForeignKey | models.DateField | models.DecimalField | models.IntegerField
                  | models.BooleanField) and default is None:
        empty = None
    choices = choice_map(field) if field.choices else None

    def general(cell: Any) -> Any:
        if isinstance(cell, dict | list | tuple | set):
            raise CellError(_("不是有效的值"))
        value = parse_cell(field, cell)
        return empty if value is None or value == "" else value

    if isinstance(field, models.DecimalField):
        places = field.decimal_places
        whole = field.max_digits - field.decimal_places

        def convert(cell: Any) -> Any:
            text = cell.strip() if cell.__class__ is str else None
            if text == "" or cell is None:
                return empty
            if text is not None:
                try:
                    value = Decimal(text)
                except InvalidOperation:
                    raise CellError(_("“%(v)s”不是数字") % {"v": text}) from None
                if not value.is_finite():
                    raise CellError(_("“%(v)s”不是数字") % {"v": text})
                # Plain notation within the field's digits (the usual case) needs nothing more.
                dot = text.find(".")
                if dot < 0:
                    if len(text) <= whole and "e" not in text and "E" not in text:
                        return canonical_decimal(value, places) if canonical else value
                elif len(text) - dot - 1 <= places and dot <= whole and "e" not in text and "E" not in text:
                    return canonical_decimal(value, places) if canonical else value
            else:
                value = general(cell)
                if value is None:
                    return empty
            value = _fit_decimal(field, value, text)
            return canonical_decimal(value, places) if canonical else value

        return convert

    if isinstance(field, models.BooleanField):
        def convert(cell: Any) -> Any:
            if cell.__class__ is str:
                text = cell.strip()
                if not text:
                    return empty
                found = _BOOLS.get(text.lower())
                if found is not None:
                    return found
            return general(cell)

        return convert

    if isinstance(field, models.DateField):
        def convert(cell: Any) -> Any:
            if cell.__class__ is str:
                text = cell.strip()
                if not text:
                    return empty
                if len(text) == 10 and text[4] == "-" and text[7] == "-":
                    try:
                        return date.fromisoformat(text)
                    except ValueError:
                        pass
            return general(cell)

        return convert

    if isinstance(field, models.IntegerField):
        def convert(cell: Any) -> Any:
            if cell.__class__ is str:
                text = cell.strip()
                if not text:
                    return empty
                if text.isdigit():
                    return int(text)
            return general(cell)

        return convert

    if choices is not None:
        def convert(cell: Any) -> Any:
            value = cell.strip() if cell.__class__ is str else general(cell)
            if value is None or value == "":
                return empty
            key = choices.get(normalise_name(value))
            if key is None:
                options = "、".join(f"{label}（{k}）" for k, label in choice_labels(field))
                raise CellError(_("“%(v)s”不是可选的值，可选：%(options)s") % {"v": value, "options": options})
            return key

        return convert

    def convert(cell: Any) -> Any:
        if cell.__class__ is str:
            text = cell.strip()
            return text if text else empty
        return empty if cell is None else general(cell)

    return convert


def validator(field: models.Field) -> tuple[Callable[[Any], bool], Callable[[Any], list[str]]] | None:
    """(quick check, messages) for a field's validators; None when it has none to run.

    The DecimalValidator is left out: `converter` already holds decimals to the field's digits.
    """
    quick: list[Callable[[Any], bool]] = []
    validators = [v for v in field.validators if not isinstance(v, DecimalValidator)]
    if not validators:
        return None
    for item in validators:
        limit = getattr(item, "limit_value", None)
        if isinstance(item, MinValueValidator) and not callable(limit):
            quick.append(lambda v, lim=limit: v >= lim)
        elif isinstance(item, MaxValueValidator) and not callable(limit):
            quick.append(lambda v, lim=limit: v <= lim)
        elif isinstance(item, MaxLengthValidator) and not callable(limit):
            quick.append(lambda v, lim=limit: len(v) <= lim)
        else:
            passed: set = set()

            def remembered(v: Any, passed: set = passed, item: Callable = item) -> bool:
                if v in passed:
                    return True
                try:
                    item(v)
                except ValidationError:
                    return False
                if len(passed) < 200_000:
                    passed.add(v)
                return True

            quick.append(remembered)

    if len(quick) == 1:
        check = quick[0]
    elif len(quick) == 2:
        first, second = quick

        def check(v: Any) -> bool:
            return first(v) and second(v)
    else:
        def check(v: Any) -> bool:
            return all(q(v) for q in quick)

    def messages(v: Any) -> list[str]:
        errors: list[str] = []
        for item in validators:
            try:
                item(v)
            except ValidationError as exc:
                errors.extend(str(m) for m in exc.messages)
            except TypeError:
                errors.append(_("不是有效的值"))
        return errors

    return check, messages
