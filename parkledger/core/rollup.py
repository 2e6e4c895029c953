"""Stored per-park sums of the enterprise-month returns (企业月报汇总), so that many parks are compared
without reading every return of every park.

The enterprise-month figures of a park for month M of year Y are this year's sums over months
1…M and last year's sums on the comparable basis: the W′ rows (months 1…M of Y−1) of the
enterprises with a row in W (for 规上 figures: an above-scale row in W), whatever their flag was
then (indicators spec, fine print rule 4). An enterprise is a contributor for month M exactly when
its first month with a row in Y (with an above-scale row, for 规上) is ≤ M, so one row per (park,
year) holds every month's figures:

- `cur[m]`: Σ output, Σ above-scale output, Σ above-scale value added of the park's rows of month m;
- `last`: per (first month with a row in Y, first month with an above-scale row in Y — 13 for
  none —, month m of Y−1): Σ output, Σ value added and the number of rows of month m of Y−1 of the
  park's enterprises with those first months.

For month M: cur = Σ cur[m ≤ M]; the comparable basis = Σ last over first month ≤ M and m ≤ M.
Rows are grouped by the enterprise's current park (its own code: a parent park adds up its
sub-parks' rows, as the grouped figures do), and the values are exactly the sums the per-park query
gives (`parkledger.core.indicators.em_parts_from_returns`).

Kept in step: every write of a return bumps the `token` of its (park, year) and (park, year + 1)
— model saves and deletes through signals, imports through the importer's written-rows hook — and
a move of an enterprise bumps both parks' years. A reader builds a row whose `built_token` is not
its `token` from the returns and stores it only if the token is still the one it read before
reading the returns, so a write committed meanwhile leaves the row stale, never wrong. Writes that
bypass `save()` (the demo loader's `bulk_create` into new parks aside) must call `touch`.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import OperationalError, connections, transaction
from django.db.models import Case, Count, F, JSONField, Min, Q, Value, When

from parkledger.core.models import Enterprise, EnterpriseMonth, EnterpriseMonthRollup
from parkledger.indicators.helpers import amount, exact_sum

__all__ = ["period_sums", "monthly_output", "verify", "touch", "touch_enterprises", "connect"]

NO_MONTH = 13  # "no above-scale row this year"
SUM_FIELDS = ("output", "above_output", "above_value_added", "last_output", "last_output_rows",
              "last_above_output", "last_above_value_added", "last_above_rows")


def _token() -> str:
    return uuid.uuid4().hex


def _month_no(month: str | None) -> int:
    return int(month[5:7]) if month else NO_MONTH


# -- reading ---------------------------------------------------------------------------------------

def period_sums(codes: Sequence[str], year: int, month: int) -> dict[str, dict[str, Decimal | int]]:
    """Park code (own rows only) → the enterprise-month sums of months 1…`month` of `year`: `output`,
    `above_output`, `above_value_added` and the comparable bases `last_output`, `last_output_rows`,
    `last_above_output`, `last_above_value_added`, `last_above_rows`. One query when the stored rows
    are current; stale ones are rebuilt first (two more queries for all of them, one write each)."""
    return {code: _sums(data, month) for code, data in _current(list(dict.fromkeys(codes)), year).items()}


def monthly_output(codes: Sequence[str], year: int) -> dict[str, dict[int, Decimal]]:
    """Park code (own rows only) → month number → Σ 工业总产值 (万元) of its returns of that month."""
    return {code: {int(m): Decimal(values[0]) for m, values in data["cur"].items()}
            for code, data in _current(list(dict.fromkeys(codes)), year).items()}


def _sums(data: dict[str, Any], month: int) -> dict[str, Decimal | int]:
    out: dict[str, Decimal | int] = {f: (0 if f.endswith("_rows") else Decimal(0)) for f in SUM_FIELDS}
    for m, (output, above_output, above_value_added) in data["cur"].items():
        if int(m) <= month:
            out["output"] += Decimal(output)
            out["above_output"] += Decimal(above_output)
            out["above_value_added"] += Decimal(above_value_added)
    for first, first_above, m, output, value_added, rows in data["last"]:
        if m > month:
            continue
        if first <= month:
            out["last_output"] += Decimal(output)
            out["last_output_rows"] += rows
        if first_above <= month:
            out["last_above_output"] += Decimal(output)
            out["last_above_value_added"] += Decimal(value_added)
            out["last_above_rows"] += rows
    return out


def _current(codes: list[str], year: int) -> dict[str, dict[str, Any]]:
    """Park code → its current stored data of `year`, built where missing or stale (and stored when
    the database lets this reader write at once: see `_without_waiting`)."""
    rows = {r.park_id: r for r in EnterpriseMonthRollup.objects.filter(park_id__in=codes, year=year)}
    missing = [code for code in codes if code not in rows]
    if missing:
        _without_waiting(lambda: EnterpriseMonthRollup.objects.bulk_create(
            [EnterpriseMonthRollup(park_id=code, year=year, token=_token()) for code in missing],
            ignore_conflicts=True))
        rows.update((r.park_id, r) for r in EnterpriseMonthRollup.objects.filter(park_id__in=missing, year=year))
    stale = [r for r in rows.values() if r.data is None or r.built_token != r.token]
    unstored = [code for code in codes if code not in rows]
    built: dict[str, dict[str, Any]] = {}
    if stale or unstored:
        built = _build([r.park_id for r in stale] + unstored, year)
        for r in stale:
            r.data = built[r.park_id]
        if stale:
            _without_waiting(lambda: _store(stale))
    return {code: rows[code].data if code in rows else built[code] for code in codes}


LOCK_WAIT_MS = 200


def _without_waiting(write: Callable[[], Any]) -> None:
    """Run a reader's write of stored sums if the database lets it within `LOCK_WAIT_MS`, else skip it.

    A reader (a page, a figure) must not wait behind a long import that holds the rows (PostgreSQL)
    or the database's write lock (SQLite): the sums it built are its answer either way, and the
    next reader stores them."""
    connection = connections[EnterpriseMonthRollup.objects.db]
    vendor = connection.vendor
    try:
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                cursor.execute("PRAGMA busy_timeout")
                before = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
            try:
                with transaction.atomic(using=connection.alias):
                    if vendor == "postgresql":  # back to what it was after: within an outer transaction
                        cursor.execute("SHOW lock_timeout")  # SET LOCAL would outlive the savepoint
                        before = cursor.fetchone()[0]
                        cursor.execute(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}")
                    write()
                    if vendor == "postgresql":
                        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
            finally:
                if vendor == "sqlite":
                    cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
    except OperationalError:
        return


def _store(rows: list[EnterpriseMonthRollup]) -> None:
    """Write the built data of these rows in one statement, each only if its token is still the one
    read before the returns were (a write meanwhile leaves it stale)."""
    EnterpriseMonthRollup.objects.filter(pk__in=[r.pk for r in rows]).update(
        data=Case(*(When(Q(pk=r.pk, token=r.token), then=Value(r.data, output_field=JSONField())) for r in rows),
                  default=F("data")),
        built_token=Case(*(When(Q(pk=r.pk, token=r.token), then=Value(r.token)) for r in rows),
                         default=F("built_token")),
    )


def _build(codes: list[str], year: int) -> dict[str, dict[str, Any]]:
    """The data of these parks' rows of `year` from the returns: two grouped queries for all of them."""
    # one join to the park's enterprises (by their park index), then their returns by `uscc` and month
    this_year = EnterpriseMonth.objects.filter(month__gte=f"{year:04d}-01", month__lte=f"{year:04d}-12",
                                               uscc__park__in=codes)
    last_year = EnterpriseMonth.objects.filter(month__gte=f"{year - 1:04d}-01", month__lte=f"{year - 1:04d}-12",
                                               uscc__park__in=codes)
    above = Q(above_scale=True)
    data: dict[str, dict[str, Any]] = {code: {"cur": {}, "last": []} for code in codes}
    cur = this_year.values(park_code=F("uscc__park"), m=F("month")).annotate(
        output=exact_sum("output_value"), above_output=exact_sum("output_value", above),
        above_value_added=exact_sum("value_added", above)).order_by()
    for row in cur:
        data[row["park_code"]]["cur"][str(_month_no(row["m"]))] = [
            str(amount(row["output"])), str(amount(row["above_output"])), str(amount(row["above_value_added"]))]

    firsts = this_year.values("uscc").annotate(park_code=F("uscc__park"), first=Min("month"),
                                               first_above=Min("month", filter=above)).order_by()
    last = last_year.values("uscc", "month").annotate(
        output=exact_sum("output_value"), value_added=exact_sum("value_added"), n=Count("*")).order_by()
    firsts_sql, firsts_params = firsts.query.sql_with_params()
    last_sql, last_params = last.query.sql_with_params()
    sql = (
        f"WITH f (uscc, park, first, first_above) AS ({firsts_sql}), "
        f"l (uscc, month, output, value_added, n) AS ({last_sql}) "
        "SELECT f.park, f.first, f.first_above, l.month, SUM(l.output), SUM(l.value_added), SUM(l.n) "
        "FROM l INNER JOIN f ON f.uscc = l.uscc GROUP BY f.park, f.first, f.first_above, l.month"
    )
    with connections[cur.db].cursor() as cursor:
        cursor.execute(sql, (*firsts_params, *last_params))
        for park, first, first_above, month, output, value_added, n in cursor.fetchall():
            data[park]["last"].append([_month_no(first), _month_no(first_above), _month_no(month),
                                       str(amount(output)), str(amount(value_added)), int(n)])
    return data


def verify(codes: Sequence[str] | None = None) -> list[tuple[str, int]]:
    """The current stored rows (of these parks, or all) whose data differs from the returns now — a
    change made behind the application's back (raw SQL, a restore of one table) —, each marked stale
    so that the next reader rebuilds it. Two queries per year for all the parks."""
    rows = EnterpriseMonthRollup.objects.exclude(built_token="").filter(built_token=F("token"))
    if codes is not None:
        rows = rows.filter(park_id__in=list(codes))
    by_year: dict[int, list[EnterpriseMonthRollup]] = {}
    for row in rows.order_by("year", "park_id"):
        by_year.setdefault(row.year, []).append(row)
    differing = []
    for year, stored in by_year.items():
        built = _build([r.park_id for r in stored], year)
        differing += [(r.park_id, year) for r in stored if _canonical(r.data) != _canonical(built[r.park_id])]
    if differing:
        EnterpriseMonthRollup.objects.filter(
            Q.create([Q(park_id=p, year=y) for p, y in differing], connector=Q.OR)).update(built_token="")
    return differing


def _canonical(data: dict[str, Any] | None) -> Any:
    if data is None:
        return None
    cur = {m: [Decimal(v) for v in values] for m, values in data["cur"].items()}
    last = sorted((*row[:3], Decimal(row[3]), Decimal(row[4]), row[5]) for row in data["last"])
    return cur, last


# -- keeping in step -------------------------------------------------------------------------------

def touch(pairs: Iterable[tuple[str | None, int]]) -> None:
    """The returns of these (park, year) pairs changed: their rows and the next year's are stale."""
    keys = {(park, y) for park, year in pairs if park for y in (year, year + 1)}
    if keys:
        EnterpriseMonthRollup.objects.bulk_create(
            [EnterpriseMonthRollup(park_id=park, year=year, token=_token()) for park, year in sorted(keys)],
            update_conflicts=True, unique_fields=["park", "year"], update_fields=["token"])


def touch_enterprises(usccs: Iterable[str], parks: Iterable[str | None]) -> None:
    """Enterprises moved between these parks: every year with their returns is stale in each park."""
    usccs, parks = list(usccs), [p for p in dict.fromkeys(parks) if p]
    if not usccs or not parks:
        return
    months = EnterpriseMonth.objects.filter(uscc__in=usccs).values_list("month", flat=True).distinct()
    years = {int(month[:4]) for month in months}
    touch((park, year) for park in parks for year in years)


def _year(month: str | None) -> int | None:
    try:
        return int(str(month)[:4])
    except ValueError:
        return None


def _park_of(uscc: str | None) -> str | None:
    if not uscc:
        return None
    return Enterprise._base_manager.filter(uscc=uscc).values_list("park_id", flat=True).first()


def _before_return_saved(sender, instance: EnterpriseMonth, raw: bool = False, **kwargs: Any) -> None:
    if instance.pk is None:
        instance._pl_rollup_before = None
        return
    stored = EnterpriseMonth._base_manager.filter(pk=instance.pk).values_list("uscc__park", "month").first()
    instance._pl_rollup_before = stored


def _return_saved(sender, instance: EnterpriseMonth, **kwargs: Any) -> None:
    pairs = [(_park_of(instance.uscc_id), _year(instance.month))]
    before = getattr(instance, "_pl_rollup_before", None)
    if before:
        pairs.append((before[0], _year(before[1])))
    touch((park, year) for park, year in pairs if year is not None)


def _return_deleted(sender, instance: EnterpriseMonth, **kwargs: Any) -> None:
    year = _year(instance.month)
    if year is not None:
        touch([(_park_of(instance.uscc_id), year)])


def _before_enterprise_saved(sender, instance: Enterprise, raw: bool = False, **kwargs: Any) -> None:
    instance._pl_rollup_park = _park_of(instance.uscc) if not instance._state.adding else None


def _enterprise_saved(sender, instance: Enterprise, created: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, "_pl_rollup_park", None)
    if not created and before != instance.park_id:
        touch_enterprises([instance.uscc], [before, instance.park_id])


def rows_written(model: type, changes: list) -> None:
    """The importer's written-rows hook: imported returns, and enterprises moved by an import."""
    if model is EnterpriseMonth:
        pairs: set[tuple[str | None, int]] = set()
        for change in changes:
            year = _year(change.instance.month)
            if year is not None:
                pairs.add((change.park, year))
                if change.stored_park != change.park:
                    pairs.add((change.stored_park, year))
        touch(pairs)
    elif model is Enterprise:
        moved = [c for c in changes if c.before is not None and c.before.get("park_id", c.instance.park_id)
                 != c.instance.park_id]
        touch_enterprises([c.instance.uscc for c in moved],
                          [p for c in moved for p in (c.before["park_id"], c.instance.park_id)])


def connect() -> None:
    """Connect the signal receivers and the import hook (from `CoreConfig.ready`)."""
    from django.db.models.signals import post_delete, post_save, pre_save

    from parkledger.dataio.hooks import register_rows_written

    pre_save.connect(_before_return_saved, sender=EnterpriseMonth, dispatch_uid="core_rollup_em_pre_save")
    post_save.connect(_return_saved, sender=EnterpriseMonth, dispatch_uid="core_rollup_em_saved")
    post_delete.connect(_return_deleted, sender=EnterpriseMonth, dispatch_uid="core_rollup_em_deleted")
    pre_save.connect(_before_enterprise_saved, sender=Enterprise, dispatch_uid="core_rollup_enterprise_pre_save")
    post_save.connect(_enterprise_saved, sender=Enterprise, dispatch_uid="core_rollup_enterprise_saved")
    register_rows_written(rows_written)
