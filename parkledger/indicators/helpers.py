"""Small building blocks shared by the chapters' indicator functions (sums, counts, growth, leads)."""
from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, Count, DecimalField, F, Func, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Collate

from parkledger.indicators.types import Result
from parkledger.lib.countries import country_prefixed

__all__ = [
    "ZERO", "exact_sum", "amount", "sum_of", "sums_of", "count_distinct", "wan_to_yi", "growth", "ratio_pct",
    "bytewise", "clean_name", "lead_names", "lead_result", "undefined",
]

ZERO = Decimal(0)
GROWTH_LAST_ZERO = "上年同期为0，增速无意义"
GROWTH_LAST_MISSING = "缺少上年同期数据，增速无法计算"


def undefined(reason: str, records: object = None) -> Result:
    return Result(value=None, reason=reason, records=records)


class TenThousandths(Func):
    """A 4-decimal amount stored by SQLite as a binary float → the exact integer number of ten-thousandths."""

    template = "CAST(ROUND(%(expressions)s * 10000) AS INTEGER)"
    output_field = BigIntegerField()


def exact_sum(field: str, condition: Q | None = None):
    """An aggregate Σ of a decimal amount (4 decimal places) that is exact on every database.

    SQLite keeps decimals as binary floats and sums them as floats; there the amounts are summed as
    integer ten-thousandths (each stored value has at most 4 decimals, so rounding value × 10000 to an
    integer recovers it exactly). Read the result with `amount()`.
    """
    if connection.vendor == "sqlite":
        return Coalesce(Sum(TenThousandths(F(field)), filter=condition), Value(0), output_field=BigIntegerField())
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=DecimalField(max_digits=28, decimal_places=4))


def amount(value: int | Decimal | None) -> Decimal:
    """The Decimal of an `exact_sum` result (integer ten-thousandths on SQLite)."""
    if value is None:
        return ZERO
    if isinstance(value, int):
        return Decimal(value).scaleb(-4)
    return Decimal(value)


def sum_of(qs: QuerySet, field: str) -> Decimal:
    """Σ field over a queryset (empty values count as 0), exact, one query."""
    return sums_of(qs, field)[field]


def sums_of(qs: QuerySet, *fields: str) -> dict[str, Decimal]:
    """Several exact sums over one queryset in one query."""
    out = qs.aggregate(**{f: exact_sum(f) for f in fields})
    return {f: amount(out[f]) for f in fields}


def count_result(qs: QuerySet) -> Result:
    """The number of records in `qs`, with `qs` as the figure's records."""
    return Result(value=Decimal(qs.count()), records=qs)


def count_distinct(qs: QuerySet, field: str = "uscc") -> int:
    """Distinct non-empty values of a field (distinct enterprises for 家)."""
    return qs.aggregate(n=Count(field, distinct=True))["n"]


def wan_to_yi(value: Decimal) -> Decimal:
    """万元 → 亿元, exactly."""
    return value.scaleb(-4)


def growth(cur: Decimal, last: Decimal | None, *, has_last: bool = True, records: object = None) -> Result:
    """`(cur − last) / last × 100`; undefined when last is missing or 0."""
    if not has_last or last is None:
        return undefined(GROWTH_LAST_MISSING, records)
    if last == 0:
        return undefined(GROWTH_LAST_ZERO, records)
    return Result(value=(cur - last) / last * 100, records=records)


def ratio_pct(num: Decimal, den: Decimal, *, reason: str = "分母为0，比率无意义", records: object = None) -> Result:
    """num ÷ den × 100; undefined (with `reason`) when den is 0."""
    if not den:
        return undefined(reason, records)
    return Result(value=Decimal(num) / Decimal(den) * 100, records=records)


def bytewise(field: str):
    """An ordering expression comparing `field` as a plain byte string on every database."""
    collation = "C" if connection.vendor == "postgresql" else "BINARY"
    return Collate(F(field), collation)


def clean_name(name: str, country: str = "") -> str:
    """A name as leads quote it: prefixed by its CEE country's Chinese name when lacking it, and a
    trailing 项目 removed."""
    name = country_prefixed(name.strip(), country)
    if name.endswith("项目") and len(name) > 2:
        name = name[:-2]
    return name


def lead_names(qs: QuerySet, *, date_field: str, n: int = 1, amount: str = "total_investment",
               name_field: str = "name", country_field: str | None = "country") -> list[str]:
    """The names of the `n` members with the largest amount (ties: earliest `date_field`, then code
    as a string). Members with an empty amount never win."""
    fields = [name_field] + ([country_field] if country_field else [])
    rows = (
        qs.filter(**{f"{amount}__isnull": False})
        .order_by(F(amount).desc(), F(date_field).asc(nulls_last=True), bytewise("code"))
        .values_list(*fields)[:n]
    )
    return [clean_name(r[0], r[1] if country_field else "") for r in rows]


def lead_result(qs: QuerySet, *, date_field: str, n: int = 1, **kwargs) -> Result:
    """`.lead` (n=1) or `.leads2` (n=2, joined with 、) of a project set.

    Reading of the dictionary: an empty amount never wins a lead, so a set whose members all lack
    `total_investment` has no lead (undefined, like an empty set) rather than one picked by date.
    `.leads2` of a one-member set is that one name.
    """
    names = lead_names(qs, date_field=date_field, n=n, **kwargs)
    if not names:
        return undefined("集合为空（或总投资均未填报），无领头项目", qs)
    return Result(value="、".join(names), records=qs)
