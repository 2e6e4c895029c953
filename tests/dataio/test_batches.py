"""An import read, checked and written in batches behaves as one read whole: duplicates, references,
the 规上 flag per year, counts and the audit chain across batch boundaries; stored records found by
queries that do not grow with the file."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.audit.models import AuditEntry
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio import kind_import
from parkledger.dataio.importing import import_path
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

USCCS = [make_uscc(f"91330281MA2H3{i:04d}") for i in range(5)]


def write_csv(directory, kind: str, text: str):
    directory.mkdir(exist_ok=True)
    (directory / f"{kind}.csv").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def park(db):
    Park.objects.create(code="ECO", name="生态园")


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(kind_import, "BATCH_ROWS", 3)


def _enterprises(d, usccs=USCCS, bad: set[int] = frozenset()) -> None:
    write_csv(d, "enterprise", "uscc,name,park,registered_on\n" + "".join(
        f"{u},企业{i},ECO,{'2020-02-30' if i in bad else '2020-01-01'}\n" for i, u in enumerate(usccs)))


def test_rows_over_many_batches_are_all_written_counted_and_audited(park, small_batches, tmp_path):
    d = tmp_path / "in"
    _enterprises(d)  # 5 enterprises: batches of 3 and 2
    write_csv(d, "enterprise_month", "uscc,month,above_scale,output_value\n" + "".join(
        f"{u},2022-{m:02d},false,{i}.{m}\n" for i, u in enumerate(USCCS) for m in range(1, 5)))  # 20 rows: 7 batches
    start = AuditEntry.objects.count()
    result = import_path(d)
    assert result.ok, result.issue_lines()
    assert result.rows == 25
    assert result.counts == {"enterprise": {"created": 5, "updated": 0},
                             "enterprise_month": {"created": 20, "updated": 0}}
    assert EnterpriseMonth.objects.count() == 20
    assert str(EnterpriseMonth.objects.get(uscc_id=USCCS[3], month="2022-04").output_value) == "3.4000"
    # one entry per created record, then the import's own; the chain holds across the batches
    assert AuditEntry.objects.count() - start == 26
    call_command("audit", "verify")
    again = import_path(d)
    assert again.counts == {"enterprise": {"created": 0, "updated": 5},
                            "enterprise_month": {"created": 0, "updated": 20}}
    call_command("audit", "verify")


def test_a_duplicate_in_a_later_batch_names_the_first_row(park, small_batches, tmp_path):
    d = tmp_path / "in"
    _enterprises(d)
    lines = [f"{USCCS[0]},2022-{m:02d},1\n" for m in range(1, 8)] + [f"{USCCS[0]},2022-02,9\n"]  # row 9
    write_csv(d, "enterprise_month", "uscc,month,output_value\n" + "".join(lines))
    result = import_path(d)
    assert result.issue_lines() == ["enterprise_month, 9, uscc: 与第3行重复（统一社会信用代码+月份相同）"]
    assert not EnterpriseMonth.objects.exists()  # all or nothing: the good batches were rolled back
    assert not Enterprise.objects.exists()


def test_a_bad_enterprise_of_an_earlier_batch_blocks_its_months_silently(park, small_batches, tmp_path):
    d = tmp_path / "in"
    _enterprises(d, bad={4})  # the fifth enterprise (second batch) has an impossible date
    unknown = make_uscc("91330281MA2H39999")
    write_csv(d, "enterprise_month", "uscc,month,output_value\n" + "".join(
        f"{u},2022-01,1\n" for u in USCCS) + f"{unknown},2022-01,1\n")
    assert import_path(d).issue_lines() == [  # row 6 (the bad enterprise's month) is not reported again
        "enterprise, 6, registered_on: 日期“2020-02-30”不存在",
        f"enterprise_month, 7, uscc: 企业“{unknown}”不存在（数据库和本次导入中都没有）",
    ]


def test_the_above_scale_flag_is_checked_across_batches(park, small_batches, tmp_path):
    d = tmp_path / "in"
    _enterprises(d)
    Enterprise.objects.create(uscc=USCCS[1], name="乙", park_id="ECO", registered_on=date(2020, 1, 1))
    EnterpriseMonth.objects.create(uscc_id=USCCS[1], month="2022-12", above_scale=True)  # stored, not in the file
    lines = (
        [f"{USCCS[0]},2022-{m:02d},false\n" for m in range(1, 6)]  # rows 2-6: sets 2022 false
        + [f"{USCCS[0]},2022-06,true\n"]  # row 7, third batch: disagrees with 2022-01 (row 2)
        + [f"{USCCS[1]},2022-{m:02d},false\n" for m in range(1, 3)]  # rows 8-9: the stored 2022-12 says true
        + [f"{USCCS[1]},2022-11,true\n"]  # row 10: agrees with the stored month
    )
    write_csv(d, "enterprise_month", "uscc,month,above_scale\n" + "".join(lines))
    assert import_path(d).issue_lines() == [
        "enterprise_month, 7, above_scale: 同一企业同一年度的规上标志必须一致：2022-01为false，本行为true",
        "enterprise_month, 8, above_scale: 同一企业同一年度的规上标志必须一致：2022-12为true，本行为false",
        "enterprise_month, 9, above_scale: 同一企业同一年度的规上标志必须一致：2022-12为true，本行为false",
    ]


def test_a_stored_month_a_later_batch_overwrites_does_not_set_the_flag(park, small_batches, tmp_path):
    """The file's own value for a month counts, even when that month comes batches after the others."""
    Enterprise.objects.create(uscc=USCCS[0], name="甲", park_id="ECO", registered_on=date(2020, 1, 1))
    EnterpriseMonth.objects.create(uscc_id=USCCS[0], month="2022-09", above_scale=True)
    d = tmp_path / "in"
    lines = [f"{USCCS[0]},2022-{m:02d},false\n" for m in range(1, 10)]  # 2022-09 last, in the third batch
    write_csv(d, "enterprise_month", "uscc,month,above_scale\n" + "".join(lines))
    result = import_path(d)
    assert result.ok, result.issue_lines()
    assert set(EnterpriseMonth.objects.values_list("above_scale", flat=True)) == {False}


def _months_file(d, usccs: list[str], months: list[str]):
    return write_csv(d, "enterprise_month", "uscc,month,output_value\n" + "".join(
        f"{u},{m},1\n" for u in usccs for m in months))


def test_the_queries_of_an_import_do_not_grow_with_its_rows(park, tmp_path, monkeypatch):
    """Within a batch: 2 or 40 enterprises, 3 or 12 months, the same number of queries."""
    from parkledger.audit import log as audit_log
    from parkledger.dataio import importing

    # PostgreSQL: statements, not COPY (which the query log does not see), for both files
    monkeypatch.setattr(audit_log, "COPY_THRESHOLD", 10**9)
    monkeypatch.setattr(importing, "COPY_THRESHOLD", 10**9)
    usccs = [make_uscc(f"91330281MA2H4{i:04d}") for i in range(40)]
    Enterprise.objects.bulk_create(
        [Enterprise(uscc=u, name=f"企业{i}", park_id="ECO", registered_on=date(2020, 1, 1)) for i, u in enumerate(usccs)])

    def queries(name: str, rows_usccs: list[str], months: list[str]) -> int:
        d = _months_file(tmp_path / name, rows_usccs, months)
        with CaptureQueriesContext(connection) as ctx:
            result = import_path(d)
        assert result.ok, result.issue_lines()
        return len(ctx.captured_queries)

    queries("warm", usccs[:1], ["2019-01"])  # what a process reads once (the closed months)
    few = queries("few", usccs[:2], [f"2021-{m:02d}" for m in range(1, 4)])
    many = queries("many", usccs, [f"2020-{m:02d}" for m in range(1, 13)])
    assert few == many, (few, many)


def test_stored_records_are_looked_up_by_every_key_field(park):
    """An enterprise's 120 months narrow by enterprise and month together: a query per batch finds
    those records only, not every stored record of those months (the earlier batches' too)."""
    plan = kind_import.KindImport.__new__(kind_import.KindImport)

    class Ctx:
        chunk_size = 900

        @staticmethod
        def chunks(values):
            return [list(values)]

    plan.ctx = Ctx()
    months = [f"{2010 + m // 12}-{m % 12 + 1:02d}" for m in range(120)]
    rows = []
    for u in USCCS[:2]:
        for m in months:
            row = kind_import.Row(0, [])
            row.key = (u, m)
            rows.append(row)
    lookups = list(plan._key_lookups(rows, ["uscc", "month"]))
    assert lookups == [{"month__in": months, "uscc__in": USCCS[:2]}]
    # a month of many enterprises: chunks of enterprises, each with that month
    Ctx.chunk_size = 4
    many = [make_uscc(f"91330281MA2H5{i:04d}") for i in range(7)]
    rows = []
    for u in many:
        row = kind_import.Row(0, [])
        row.key = (u, "2022-01")
        rows.append(row)
    lookups = list(plan._key_lookups(rows, ["uscc", "month"]))
    assert [sorted(lookup) for lookup in lookups] == [["month__in", "uscc__in"]] * 3
    assert [lookup["month__in"] for lookup in lookups] == [["2022-01"]] * 3
    assert sorted(u for lookup in lookups for u in lookup["uscc__in"]) == sorted(many)
    assert all(len(lookup["uscc__in"]) + 1 <= 4 for lookup in lookups)
