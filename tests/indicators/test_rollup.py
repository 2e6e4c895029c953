"""The stored per-park enterprise-month sums (`parkledger.core.rollup`): worked out by hand, equal to
the per-park query on random returns for every month, and kept in step by saves, deletes, moves and
imports; a write between reading the token and reading the returns leaves the row stale."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from parkledger.core import rollup
from parkledger.core.indicators import em_parts_from_returns
from parkledger.core.models import Enterprise, EnterpriseMonth, EnterpriseMonthRollup, Park
from parkledger.dataio.importing import import_path
from parkledger.indicators.context import Context
from parkledger.lib.periods import Period
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db


def _uscc(i: int) -> str:
    return make_uscc(f"91330281MB{i:07d}")


@pytest.fixture
def parks(db):
    return (Park.objects.create(code="PA", name="甲园区"), Park.objects.create(code="PB", name="乙园区"))


def _enterprise(i: int, park: str) -> Enterprise:
    return Enterprise.objects.create(uscc=_uscc(i), name=f"企业{i}", park_id=park, registered_on=date(2015, 1, 1))


def _return(ent: Enterprise, month: str, output: str, *, above: bool = False, value_added: str | None = None):
    return EnterpriseMonth.objects.create(uscc=ent, month=month, above_scale=above, output_value=Decimal(output),
                                          value_added=None if value_added is None else Decimal(value_added))


def _sums(park: str, month: str) -> dict:
    period = Period.parse(month)
    return rollup.period_sums([park], period.year, period.month)[park]


def _by_query(park: str, month: str) -> dict:
    """The same sums by the per-park query of the indicators (a second method)."""
    parts = em_parts_from_returns(Context(park, (park,), Period.parse(month)))
    return {k: v for part in parts.values() for k, v in part.items()}


def test_sums_by_hand(parks):
    a, b = _enterprise(1, "PA"), _enterprise(2, "PA")
    for m in (1, 2, 3):  # 2021: A 10 a month, B 100 a month (value added 30)
        _return(a, f"2021-{m:02d}", "10")
        _return(b, f"2021-{m:02d}", "100", above=True, value_added="30")
    _return(a, "2022-02", "5")  # A reports from February 2022 on, never above scale
    _return(b, "2022-01", "200", above=True, value_added="60")
    _return(b, "2022-03", "300", above=True, value_added="90")

    jan = _sums("PA", "2022-01")
    # January: only B contributes; its January 2021 row is the basis
    assert (jan["output"], jan["above_output"], jan["above_value_added"]) == (Decimal(200), Decimal(200), Decimal(60))
    assert (jan["last_output"], jan["last_output_rows"]) == (Decimal(100), 1)
    assert (jan["last_above_output"], jan["last_above_value_added"], jan["last_above_rows"]) == (
        Decimal(100), Decimal(30), 1)
    feb = _sums("PA", "2022-02")
    # February: A joins (its Jan–Feb 2021 rows, 20), not in the 规上 basis
    assert (feb["output"], feb["above_output"]) == (Decimal(205), Decimal(200))
    assert (feb["last_output"], feb["last_output_rows"]) == (Decimal(10 + 10 + 100 + 100), 4)
    assert (feb["last_above_output"], feb["last_above_rows"]) == (Decimal(200), 2)
    mar = _sums("PA", "2022-03")
    assert (mar["output"], mar["above_value_added"]) == (Decimal(505), Decimal(150))
    assert (mar["last_output"], mar["last_above_value_added"]) == (Decimal(330), Decimal(90))
    assert _sums("PB", "2022-03") == _by_query("PB", "2022-03")  # a park without enterprises: zeros


def test_equal_to_the_per_park_query_on_random_returns(parks):
    rng = random.Random(7)
    enterprises = [_enterprise(i, rng.choice(["PA", "PB"])) for i in range(12)]
    rows = []
    for ent in enterprises:
        for year in (2021, 2022):
            above = rng.random() < 0.5
            for m in range(1, 13):
                if rng.random() < 0.7:
                    output = None if rng.random() < 0.1 else Decimal(rng.randint(0, 99999)) / 100
                    rows.append(EnterpriseMonth(uscc=ent, month=f"{year}-{m:02d}", above_scale=above,
                                                output_value=output,
                                                value_added=Decimal(rng.randint(0, 9999)) / 1000))
    EnterpriseMonth.objects.bulk_create(rows)  # bulk: no signals, the rows are built afresh below
    for park in ("PA", "PB"):
        for m in range(1, 13):
            got, want = _sums(park, f"2022-{m:02d}"), _by_query(park, f"2022-{m:02d}")
            assert got == want, (park, m)


def _built(park: str, year: int) -> EnterpriseMonthRollup:
    return EnterpriseMonthRollup.objects.get(park_id=park, year=year)


def test_saves_deletes_and_moves_keep_the_sums_in_step(parks):
    a = _enterprise(1, "PA")
    _return(a, "2021-01", "10")
    row = _return(a, "2022-01", "20")
    assert _sums("PA", "2022-01")["output"] == Decimal(20)
    assert _sums("PA", "2022-01")["last_output"] == Decimal(10)

    row.output_value = Decimal("25")
    row.save()
    assert _sums("PA", "2022-01")["output"] == Decimal(25)

    last = EnterpriseMonth.objects.get(uscc=a, month="2021-01")  # last year's row: this year's basis
    last.output_value = Decimal("12")
    last.save()
    assert _sums("PA", "2022-01")["last_output"] == Decimal(12)

    a.park_id = "PB"  # the enterprise moves: both parks change, in every year
    a.save()
    assert _sums("PA", "2022-01")["output"] == 0
    assert _sums("PB", "2022-01")["output"] == Decimal(25)
    assert _sums("PB", "2022-01")["last_output"] == Decimal(12)

    row.delete()
    assert _sums("PB", "2022-01") == _by_query("PB", "2022-01")
    assert _sums("PB", "2022-01")["output"] == 0


def test_an_import_keeps_the_sums_in_step(parks, tmp_path):
    a = _enterprise(1, "PA")
    _return(a, "2022-01", "20")
    assert _sums("PA", "2022-02")["output"] == Decimal(20)
    (tmp_path / "enterprise_month.csv").write_text(
        f"uscc,month,above_scale,output_value\n{a.uscc},2022-01,否,30\n{a.uscc},2022-02,否,40\n{a.uscc},2021-02,否,7\n",
        encoding="utf-8")
    result = import_path(tmp_path)
    assert result.ok, result.errors
    got = _sums("PA", "2022-02")
    assert (got["output"], got["last_output"], got["last_output_rows"]) == (Decimal(70), Decimal(7), 1)
    assert got == _by_query("PA", "2022-02")


def test_an_imported_move_keeps_both_parks_in_step(parks, tmp_path):
    a = _enterprise(1, "PA")
    _return(a, "2022-01", "20")
    assert _sums("PA", "2022-01")["output"] == Decimal(20)
    assert _sums("PB", "2022-01")["output"] == 0
    (tmp_path / "enterprise.csv").write_text(
        f"uscc,name,park,registered_on\n{a.uscc},企业1,PB,2015-01-01\n", encoding="utf-8")
    result = import_path(tmp_path)
    assert result.ok, result.errors
    assert _sums("PA", "2022-01")["output"] == 0
    assert _sums("PB", "2022-01")["output"] == Decimal(20)


def test_a_write_while_building_leaves_the_row_stale(parks, monkeypatch):
    a = _enterprise(1, "PA")
    _return(a, "2022-01", "20")
    real_build = rollup._build

    def build_while_a_return_is_written(codes, year):
        data = real_build(codes, year)  # the returns as they were when the token was read
        EnterpriseMonth.objects.filter(uscc=a, month="2022-01").update(output_value=Decimal("50"))
        rollup.touch([("PA", 2022)])  # the concurrent write, committed after the build read the returns
        return data

    monkeypatch.setattr(rollup, "_build", build_while_a_return_is_written)
    assert _sums("PA", "2022-01")["output"] == Decimal(20)  # this reader's answer: what it read
    row = _built("PA", 2022)
    assert row.built_token != row.token  # not stored as current
    monkeypatch.setattr(rollup, "_build", real_build)
    assert _sums("PA", "2022-01")["output"] == Decimal(50)  # the next reader builds it again
    row = _built("PA", 2022)
    assert row.built_token == row.token


def test_period_verify_finds_stored_sums_changed_behind_the_applications_back(parks):
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.db import connection

    a = _enterprise(1, "PA")
    _return(a, "2022-01", "20")
    assert _sums("PA", "2022-01")["output"] == Decimal(20)
    call_command("period", "verify", stdout=StringIO())  # all equal: no error
    with connection.cursor() as cursor:  # raw SQL: no signal, no hook
        cursor.execute("UPDATE core_enterprisemonth SET output_value = 35 WHERE uscc_id = %s", [a.uscc])
    assert _sums("PA", "2022-01")["output"] == Decimal(20)  # stale until checked
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("period", "verify", stdout=out)
    assert info.value.returncode == 1
    assert out.getvalue().splitlines() == [
        "PA 2022: stored enterprise-month sums differed from the returns (marked to be rebuilt from them)"]
    assert _sums("PA", "2022-01")["output"] == Decimal(35)
    call_command("period", "verify", stdout=StringIO())


def test_a_reader_that_cannot_write_at_once_still_answers(parks, monkeypatch):
    """A write of the reader refused by the database (another writer holds the lock past the short
    wait) is skipped: the answer is built from the returns all the same, and stored by a later reader."""
    from django.db import OperationalError

    a = _enterprise(1, "PA")
    _return(a, "2022-01", "20")

    def locked(rows):
        raise OperationalError("database is locked")

    monkeypatch.setattr(rollup, "_store", locked)
    assert _sums("PA", "2022-01")["output"] == Decimal(20)
    row = _built("PA", 2022)
    assert row.built_token != row.token
    monkeypatch.undo()
    assert _sums("PA", "2022-01")["output"] == Decimal(20)
    row = _built("PA", 2022)
    assert row.built_token == row.token


def test_a_postgresql_readers_short_lock_wait_ends_with_its_write(parks):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout")
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        before = cursor.fetchone()[0]
        _enterprise(1, "PA")
        _sums("PA", "2022-01")  # builds and stores within the test's transaction
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == before


@pytest.mark.django_db(transaction=True)
def test_a_reader_does_not_wait_behind_a_writer_holding_the_stored_row():
    """PostgreSQL: another transaction (an import) holds the park's stored row; the reader answers
    from the returns after the short lock wait instead of waiting for that transaction to end."""
    import time

    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks of PostgreSQL")
    Park.objects.create(code="PA", name="甲园区")
    _return(_enterprise(1, "PA"), "2022-01", "20")
    rollup.touch([("PA", 2022)])
    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
                            password=settings["PASSWORD"] or None, dbname=settings["NAME"])
    try:
        other.execute("SELECT 1 FROM core_enterprisemonthrollup WHERE park_id = 'PA' AND year = 2022 FOR UPDATE")
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 10000")  # a regression fails here, not hangs
        started = time.perf_counter()
        assert _sums("PA", "2022-01")["output"] == Decimal(20)
        assert time.perf_counter() - started < 5
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert _built("PA", 2022).built_token != _built("PA", 2022).token  # not stored: the next reader will
