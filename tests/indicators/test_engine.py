"""The indicator engine: registry, context windows and parks, caching, undefined figures, JSON, explain, CLI."""
from __future__ import annotations

import io
import json
import logging
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from parkledger.construction.models import GovProject, Milestone
from parkledger.economy.models import Patent
from parkledger.indicators.engine import compute_figures, explain_figure, make_context
from parkledger.indicators.management.commands.figures import text_width
from parkledger.indicators.registry import (
    all_indicators,
    indicator,
    register_temporarily,
    registry,
    resolve,
)
from parkledger.indicators.types import Result
from parkledger.plans.models import ManualFigure, Target

from .hand_data import enterprise, parks, uscc

pytestmark = pytest.mark.django_db


def const(value, **extra):
    return lambda ctx: Result(value=value, **extra)


# -- registry ---------------------------------------------------------------------------------------

def test_it_refuses_to_register_a_key_twice():
    with pytest.raises(ImproperlyConfigured):
        indicator("econ.output", name="x", unit="个", chapter="test")(const(Decimal(1)))


def test_the_registry_stores_are_fixed():
    with pytest.raises(TypeError):
        registry["more"] = {}
    with pytest.raises(TypeError):
        del registry["indicators"]
    with pytest.raises(KeyError):
        registry["nothing"]


def test_a_parameterised_key_needs_params_and_a_plain_one_must_not_have_them():
    with pytest.raises(ImproperlyConfigured):
        indicator("test.p[CODE]", name="x", unit="个", chapter="test")(const(Decimal(1)))
    with pytest.raises(ImproperlyConfigured):
        indicator("test.q", name="x", unit="个", chapter="test", params=lambda ctx: [])(const(Decimal(1)))


def test_register_temporarily_adds_and_removes_and_restores():
    before = len(all_indicators())
    with register_temporarily("test.tmp", const(Decimal(1)), unit="个"):
        assert resolve("test.tmp")[0].key == "test.tmp"
        assert len(all_indicators()) == before + 1
    assert len(all_indicators()) == before
    with pytest.raises(KeyError):
        resolve("test.tmp")
    original = resolve("econ.output")[0]
    with register_temporarily("econ.output", const(Decimal(1)), unit="亿元"):
        assert resolve("econ.output")[0] is not original
    assert resolve("econ.output")[0] is original


def test_it_resolves_asked_keys_with_their_parameter():
    ind, param = resolve("platform.incubated[SH-FUDAN]")
    assert (ind.key, param) == ("platform.incubated[CODE]", "SH-FUDAN")
    ind, param = resolve("plan.progress[platform.incubated[SH-FUDAN]]")
    assert (ind.key, param) == ("plan.progress[KEY]", "platform.incubated[SH-FUDAN]")
    # `talent.applications` is both a plain key and the prefix of a parameterised one
    assert resolve("talent.applications") == (resolve("talent.applications")[0], None)
    assert resolve("talent.applications[甬江引才工程]")[1] == "甬江引才工程"
    with pytest.raises(KeyError):
        resolve("no.such.key")


# -- context: windows, parks ------------------------------------------------------------------------

def _patent(n: int, park_enterprise, granted_on):
    return Patent.objects.create(uscc=park_enterprise, number=f"ZL{n}", kind="invention", granted_on=granted_on)


def test_windows_include_1_january_and_the_last_day_of_m_and_the_same_days_a_year_earlier():
    parks()
    e = enterprise(1, "ECO")
    for n, day in enumerate([date(2021, 12, 31), date(2022, 1, 1), date(2022, 9, 30), date(2022, 10, 1),
                             date(2020, 12, 31), date(2021, 1, 1), date(2021, 9, 30), date(2021, 10, 1)]):
        _patent(n, e, day)
    ctx = make_context("ECO", "2022-09")
    got = sorted(ctx.records("patent").filter(ctx.in_w("granted_on")).values_list("granted_on", flat=True))
    assert got == [date(2022, 1, 1), date(2022, 9, 30)]
    got = sorted(ctx.records("patent").filter(ctx.in_w_prev("granted_on")).values_list("granted_on", flat=True))
    assert got == [date(2021, 1, 1), date(2021, 9, 30)]
    # by D: set and ≤ 2022-09-30 → all but 2022-10-01; not by D: the one after D (none are empty)
    assert ctx.records("patent").filter(ctx.by_d("granted_on")).count() == 7
    assert list(ctx.records("patent").filter(ctx.not_by_d("granted_on")).values_list("granted_on", flat=True)) \
        == [date(2022, 10, 1)]
    assert ctx.months_w() == ("2022-01", "2022-09")
    assert ctx.months_w_prev() == ("2021-01", "2021-09")


def test_leap_years_2020_02_29_is_in_w_of_2020_02_and_in_w_prev_of_2021_02():
    parks()
    e = enterprise(1, "ECO")
    _patent(1, e, date(2020, 2, 29))
    _patent(2, e, date(2020, 3, 1))
    _patent(3, e, date(2021, 2, 28))
    _patent(4, e, date(2019, 2, 28))
    ctx = make_context("ECO", "2020-02")
    assert ctx.period.end == date(2020, 2, 29)
    assert list(ctx.records("patent").filter(ctx.in_w("granted_on")).values_list("number", flat=True)) == ["ZL1"]
    # W' of 2020-02 ends on 2019-02-28 (2019 is not a leap year)
    assert list(ctx.records("patent").filter(ctx.in_w_prev("granted_on")).values_list("number", flat=True)) == ["ZL4"]
    ctx = make_context("ECO", "2021-02")
    assert ctx.period.end == date(2021, 2, 28)
    assert list(ctx.records("patent").filter(ctx.in_w("granted_on")).values_list("number", flat=True)) == ["ZL3"]
    # W' of 2021-02 runs to 2020-02-29, so it holds ZL1 but not ZL2 (2020-03-01)
    assert list(ctx.records("patent").filter(ctx.in_w_prev("granted_on")).values_list("number", flat=True)) == ["ZL1"]


def test_records_roll_up_sub_parks_transitively_and_exclude_other_parks():
    parks()
    from parkledger.core.models import Park

    Park.objects.create(code="ECO-CEE-A", name="孙园区", parent_id="ECO-CEE")
    for n, park in enumerate(["ECO", "ECO-CEE", "ECO-CEE-A", "OTHER"]):
        _patent(n, enterprise(n, park), date(2022, 3, 1))
    ctx = make_context("ECO", "2022-09")
    assert set(ctx.parks) == {"ECO", "ECO-CEE", "ECO-CEE-A"}
    assert ctx.records("patent").count() == 3
    assert make_context("ECO-CEE", "2022-09").records("patent").count() == 2
    assert make_context("OTHER", "2022-09").records("patent").count() == 1


def test_targets_and_manual_figures_are_never_rolled_up():
    parks()
    Target.objects.create(park_id="ECO-CEE", year=2022, indicator="econ.output", value=10)
    ManualFigure.objects.create(park_id="ECO-CEE", month="2022-09", indicator="build.basic_farmland_area", value=5)
    ctx = make_context("ECO", "2022-09")
    assert ctx.records("target").count() == 0
    assert ctx.manual("build.basic_farmland_area") is None
    sub = make_context("ECO-CEE", "2022-09")
    assert sub.records("target").count() == 1
    assert sub.manual("build.basic_farmland_area") == Decimal(5)


def test_manual_stock_takes_the_latest_row_of_y_not_after_p():
    parks()
    for month, value in [("2021-12", 1), ("2022-03", 2), ("2022-07", 3), ("2022-10", 4)]:
        ManualFigure.objects.create(park_id="ECO", month=month, indicator="build.basic_farmland_area", value=value)
    ctx = make_context("ECO", "2022-09")
    assert ctx.manual("build.basic_farmland_area") is None  # no row for 2022-09 itself
    assert ctx.manual("build.basic_farmland_area", stock=True) == Decimal(3)  # 2022-07, not 2022-10 nor 2021-12


def test_milestones_take_the_park_of_their_subject():
    parks()
    GovProject.objects.create(code="GP-1", name="路", park_id="ECO-CEE", category="road", plan_year=2022)
    GovProject.objects.create(code="GP-2", name="路", park_id="OTHER", category="road", plan_year=2022)
    Milestone.objects.create(subject_kind="gov_project", subject="GP-1", text="完成路基建设")
    Milestone.objects.create(subject_kind="gov_project", subject="GP-2", text="完成路基建设")
    assert list(make_context("ECO", "2022-09").records("milestone").values_list("subject", flat=True)) == ["GP-1"]


# -- computing --------------------------------------------------------------------------------------

def test_bad_park_period_and_key_are_value_errors_with_chinese_messages():
    parks()
    with pytest.raises(ValueError, match="园区“NOPE”不存在"):
        compute_figures("NOPE", "2022-09")
    with pytest.raises(ValueError, match="YYYY-MM"):
        compute_figures("ECO", "2022-13")
    with pytest.raises(ValueError, match="未知指标"):
        compute_figures("ECO", "2022-09", ["no.such.key"])


def test_a_failing_indicator_is_undefined_with_a_reason_and_a_warning(caplog):
    parks()

    def boom(ctx):
        return Result(value=Decimal(1) / Decimal(0))

    with register_temporarily("test.boom", boom, unit="个"), \
            register_temporarily("test.fine", const(Decimal(3)), unit="个"):
        with caplog.at_level(logging.WARNING):
            figs = compute_figures("ECO", "2022-09", ["test.boom", "test.fine"])
    assert figs["test.boom"].value is None and figs["test.boom"].text is None
    assert "计算出错" in figs["test.boom"].reason
    assert figs["test.fine"].text == "3"
    assert figs.undefined() == {"test.boom": figs["test.boom"].reason}
    assert any("test.boom" in r.getMessage() for r in caplog.records)


def test_a_float_value_is_refused_not_rounded():
    parks()
    with register_temporarily("test.float", const(0.125), unit="亿元"):
        f = compute_figures("ECO", "2022-09", ["test.float"])["test.float"]
    assert f.value is None and "计算出错" in f.reason


def test_ctx_figure_computes_a_dependency_once_per_run_and_detects_cycles():
    parks()
    calls = []

    def base(ctx):
        calls.append(1)
        return Result(value=Decimal(10))

    def twice(ctx):
        return Result(value=ctx.figure("test.base").value * 2)

    def thrice(ctx):
        return Result(value=ctx.figure("test.base").value * 3)

    def cycle(ctx):
        return Result(value=ctx.figure("test.cycle").value)

    with register_temporarily("test.base", base, unit="个"), register_temporarily("test.twice", twice, unit="个"), \
            register_temporarily("test.thrice", thrice, unit="个"), register_temporarily("test.cycle", cycle):
        figs = compute_figures("ECO", "2022-09", ["test.twice", "test.thrice", "test.base", "test.cycle"])
    assert (figs["test.twice"].text, figs["test.thrice"].text, figs["test.base"].text) == ("20", "30", "10")
    assert len(calls) == 1
    assert figs["test.cycle"].value is None


@pytest.mark.parametrize(("value", "unit", "text", "json_value"), [
    ("0.125", "亿元", "0.13", "0.125"),   # half-up, not banker's (0.12)
    ("12.345", "亿元", "12.35", "12.345"),
    ("-4.45", "%", "-4.5", "-4.45"),      # half away from zero
    ("-0.04", "%", "0", "-0.04"),         # no negative zero in the text
    ("350.000", "家次", "350", "350"),     # normalized, no exponent
    ("1E+2", "万元", "100", "100"),
    ("1234.50", "万元", "1234.5", "1234.5"),
    ("12.3", "亿元", "12.30", "12.3"),
])
def test_display_text_and_json_value(value, unit, text, json_value):
    parks()
    with register_temporarily("test.v", const(Decimal(value)), unit=unit):
        figs = compute_figures("ECO", "2022-09", ["test.v"])
    assert figs.to_json() == {"test.v": {"value": json_value, "text": text, "unit": unit}}


def test_names_and_undefined_figures_in_json():
    parks()
    with register_temporarily("test.name", const("年产30万套LED车灯研发生产")), \
            register_temporarily("test.undef", lambda ctx: Result(reason="上年同期为0，增速无意义"), unit="%"):
        figs = compute_figures("ECO", "2022-09", ["test.name", "test.undef"])
    assert figs.to_json() == {
        "test.name": {"value": "年产30万套LED车灯研发生产", "text": "年产30万套LED车灯研发生产", "unit": ""},
        "test.undef": {"value": None, "text": None, "unit": "%"},
    }
    assert figs.undefined() == {"test.undef": "上年同期为0，增速无意义"}


def test_parameterised_keys_expand_once_per_parameter():
    parks()
    with register_temporarily("test.per[CODE]", lambda ctx, code: Result(value=Decimal(len(code))),
                              unit="个", params=lambda ctx: ["AB", "ABC", "AB"]):
        figs = compute_figures("ECO", "2022-09")
        assert figs["test.per[AB]"].text == "2" and figs["test.per[ABC]"].text == "3"
        assert figs["test.per[AB]"].base_key == "test.per[CODE]"
        assert [k for k in figs if k.startswith("test.per[")] == ["test.per[AB]", "test.per[ABC]"]
        # an asked parameter needs not be among the expanded ones
        assert compute_figures("ECO", "2022-09", ["test.per[ABCD]"])["test.per[ABCD]"].text == "4"


def test_query_count_does_not_grow_with_the_data():
    # ten times more patents must not mean more queries
    parks()
    e = enterprise(1, "ECO")
    _patent(0, e, date(2022, 2, 2))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    compute_figures("ECO", "2022-09", ["innov.patents", "econ.output.yoy"])  # the stored sums built once
    with CaptureQueriesContext(connection) as small:
        compute_figures("ECO", "2022-09", ["innov.patents", "econ.output.yoy"])
    for n in range(1, 30):
        _patent(n, e, date(2022, 2, 2))
    with CaptureQueriesContext(connection) as big:
        compute_figures("ECO", "2022-09", ["innov.patents", "econ.output.yoy"])
    assert len(big) == len(small)


# -- explain ----------------------------------------------------------------------------------------

def test_explain_lists_the_records_with_kind_and_natural_key():
    parks()
    e = enterprise(1, "ECO")
    _patent(1, e, date(2022, 1, 1))
    _patent(2, e, date(2021, 12, 31))
    ex = explain_figure("ECO", "2022-09", "innov.patents")
    assert ex.text == "1" and ex.records_total == 1
    assert [(r.kind, r.natural_key) for r in ex.records] == [("patent", "ZL1")]
    assert ex.window == "2022-01-01 至 2022-09-30；上年同期 2021-01-01 至 2021-09-30；截至日 2022-09-30"
    assert ex.definition


def test_explain_caps_the_records_but_counts_them_all():
    parks()
    e = enterprise(1, "ECO")
    for n in range(5):
        _patent(n, e, date(2022, 5, 1))
    ex = explain_figure("ECO", "2022-09", "innov.patents", cap=3)
    assert ex.records_total == 5 and len(ex.records) == 3


# -- the figures command ----------------------------------------------------------------------------

def _run(*args) -> str:
    out = io.StringIO()
    call_command("figures", *args, stdout=out)
    return out.getvalue()


def test_figures_json_and_keys_option():
    parks()
    e = enterprise(1, "ECO")
    _patent(1, e, date(2022, 9, 30))
    data = json.loads(_run("--park", "ECO", "--period", "2022-09", "--keys", "innov.patents,innov.patents.invention"))
    assert data == {
        "innov.patents": {"value": "1", "text": "1", "unit": "项"},
        "innov.patents.invention": {"value": "1", "text": "1", "unit": "项"},
    }


def test_figures_table_aligns_cjk_columns():
    parks()
    out = _run("--park", "ECO", "--period", "2022-09", "--format", "table",
               "--keys", "innov.patents,econ.output,econ.output.yoy")
    lines = out.rstrip("\n").split("\n")
    assert lines[0].startswith("指标")
    assert "授权入库专利" in out and "工业总产值同比" in out and "无法计算" in out
    # the unit column starts at the same display column on every line
    unit_cols = []
    for line, unit in zip(lines[1:], ["项", "亿元", "%"], strict=True):
        idx = line.index(unit, len("工业总产值同比"))
        unit_cols.append(text_width(line[:idx]))
    assert len(set(unit_cols)) == 1


def test_text_width_counts_cjk_as_two():
    assert text_width("工业ab") == 6


def test_figures_explain_prints_definition_window_and_records():
    parks()
    _patent(7, enterprise(1, "ECO"), date(2022, 3, 3))
    out = _run("--park", "ECO", "--period", "2022-09", "--explain", "innov.patents")
    assert "定义：" in out and "2022-01-01 至 2022-09-30" in out and "patent" in out and "ZL7" in out


@pytest.mark.parametrize("args", [
    ("--park", "NOPE", "--period", "2022-09"),
    ("--park", "ECO", "--period", "2022-9"),
    ("--park", "ECO", "--period", "2022-09", "--keys", "no.such"),
    ("--park", "ECO", "--period", "2022-09", "--explain", "no.such"),
])
def test_figures_bad_input_exits_with_status_2(args):
    parks()
    with pytest.raises(CommandError) as err:
        _run(*args)
    assert err.value.returncode == 2
    assert str(err.value)


def test_uscc_helper_makes_valid_codes():
    from parkledger.lib.uscc import uscc_error

    assert uscc_error(uscc(1)) is None


def test_sums_are_exact_decimals_on_every_database():
    # SQLite keeps decimals as binary floats; a float sum of these loses the last digits
    # (a 16-digit total cannot even be held by the 15 significant digits Django reads floats with)
    from parkledger.core.models import ParkMonth

    parks()
    for n in range(1, 10):
        ParkMonth.objects.create(park_id="ECO", month=f"2022-0{n}", fiscal_revenue_total=Decimal("99999999999.9999"))
    ParkMonth.objects.create(park_id="ECO-CEE", month="2022-01", fiscal_revenue_total=Decimal("0.0001"))
    # 9 × 99999999999.9999 + 0.0001 = 899999999999.9991 + 0.0001 = 899999999999.9992 万元
    f = compute_figures("ECO", "2022-09", ["econ.fiscal_revenue_total"])["econ.fiscal_revenue_total"]
    assert f.value == Decimal("89999999.99999992")
