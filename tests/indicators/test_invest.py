"""(一) 招商引资: projects, leads and ties, talents, platforms — expected figures worked out by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.core.models import ParkMonth
from parkledger.indicators.engine import compute_figures
from parkledger.investment.models import (
    InvestmentProject,
    Platform,
    PlatformProject,
    PlatformTenant,
    Talent,
    TalentApplication,
    TalentHonour,
)
from parkledger.lib.countries import country_prefixed

from .hand_data import fig, parks, text

pytestmark = pytest.mark.django_db

P = "2022-09"  # D = 2022-09-30


def project(code, name, *, park="ECO", ti=None, country="CN", **dates):
    InvestmentProject.objects.create(code=code, name=name, park_id=park, total_investment=ti, country=country,
                                     **dates)


@pytest.fixture
def projects():
    parks()
    d = date
    # started on the same day with the same investment: code as a string decides, ST-10 < ST-9
    project("ST-10", "年产30万套LED车灯研发生产项目", ti=50000, signed_on=d(2022, 1, 1), started_on=d(2022, 3, 1),
            production_on=d(2022, 9, 30))
    project("ST-9", "智能装备项目", ti=50000, signed_on=d(2022, 2, 1), started_on=d(2022, 3, 1),
            production_on=d(2022, 8, 1), terminated_on=d(2022, 9, 15))
    project("P3", "光伏组件项目", park="ECO-CEE", ti=20000, country="HU", signed_on=d(2022, 9, 30),
            planned_start_on=d(2022, 11, 1))
    project("P4", "新材料基地项目", ti=99999, signed_on=d(2021, 12, 31), started_on=d(2022, 10, 1),
            planned_start_on=d(2022, 12, 31))
    project("P5", "别园项目", park="OTHER", ti=7, signed_on=d(2022, 5, 5), planned_start_on=d(2022, 11, 1))
    project("P6", "十月签约", ti=7, signed_on=d(2022, 10, 1))
    project("P7", "计划在D开工", ti=1000, signed_on=d(2022, 6, 1), planned_start_on=d(2022, 9, 30))
    project("P8", "明年开工", signed_on=d(2022, 6, 1), planned_start_on=d(2023, 1, 1))
    project("P9", "D时已终止", signed_on=d(2022, 6, 1), planned_start_on=d(2022, 10, 10),
            terminated_on=d(2022, 9, 30))
    project("P10", "D后才终止", signed_on=d(2022, 6, 1), planned_start_on=d(2022, 10, 10),
            terminated_on=d(2022, 10, 1))
    # pending review
    project("R1", "匈牙利数控机床项目", ti=3000, country="HU", submitted_on=d(2022, 9, 30), reviewed_on=d(2022, 10, 1))
    project("R2", "已审核", ti=8000, submitted_on=d(2022, 1, 5), reviewed_on=d(2022, 9, 30))
    project("R3", "智慧物流项目", ti=3000, country="EE", submitted_on=d(2021, 6, 1))
    project("R4", "十月提交", ti=9000, submitted_on=d(2022, 10, 1))
    project("R5", "已终止", ti=9000, submitted_on=d(2022, 3, 1), terminated_on=d(2022, 4, 1))
    # negotiating
    project("N1", "A项目", ti=56000, contacted_on=d(2022, 9, 30))
    project("N2", "B", ti=56000, contacted_on=d(2021, 1, 1), submitted_on=d(2022, 10, 1))
    project("N3", "C项目", ti=56000, country="PL", contacted_on=d(2022, 2, 2))
    project("N4", "十月洽谈", ti=99000, contacted_on=d(2022, 10, 1))
    project("N5", "洽谈后终止", ti=99000, contacted_on=d(2022, 1, 1), terminated_on=d(2022, 5, 1))
    project("N6", "金额未填", contacted_on=d(2022, 1, 1))
    # reviewed in W
    project("V1", "一月审核", reviewed_on=d(2022, 1, 1))
    project("V2", "去年审核", reviewed_on=d(2021, 12, 31))


def test_signed_counts_flows_including_later_terminations(projects):
    # signed_on in W: ST-10, ST-9, P3 (sub-park, on D), P7, P8, P9 (terminated on D), P10 = 7
    # (P4 2021-12-31, P6 2022-10-01, P5 other park: out)
    assert text("ECO", P, "invest.signed") == "7"
    # Σ: 50000 + 50000 + 20000 + 1000 (empty amounts count as 0) = 121000 万元 = 12.1 亿元
    f = fig("ECO", P, "invest.signed.investment")
    assert f.value == Decimal("12.1") and f.text == "12.10"


def test_production_and_its_lead_with_a_tie_on_investment(projects):
    assert text("ECO", P, "invest.production") == "2"  # ST-10 (on D), ST-9 (terminated later)
    assert text("ECO", P, "invest.production.investment") == "10.00"  # 100000 万元
    # both 50000: the earlier production_on (ST-9 on 2022-08-01) wins; 项目 dropped
    assert text("ECO", P, "invest.production.lead") == "智能装备"


def test_started_lead_breaks_a_full_tie_by_code_as_a_string(projects):
    assert text("ECO", P, "invest.started") == "2"  # P4 started 2022-10-01: out
    assert text("ECO", P, "invest.started.investment") == "10.00"
    # same amount, same started_on: "ST-10" < "ST-9" as strings
    assert text("ECO", P, "invest.started.lead") == "年产30万套LED车灯研发生产"


def test_to_start_stock_excludes_started_and_terminated_by_d(projects):
    # P3 (planned 11-01), P4 (started only on 10-01, planned 12-31), P10 (terminated after D) = 3
    # P7 planned on D itself is not in (D, 12-31]; P8 planned next year; P9 terminated on D
    assert text("ECO", P, "invest.to_start") == "3"
    assert text("ECO", P, "invest.to_start.lead") == "新材料基地"  # P4: 99999
    assert text("ECO-CEE", P, "invest.to_start.lead") == "匈牙利光伏组件"  # CEE name prefixed
    assert text("OTHER", P, "invest.to_start") == "1"


def test_pending_review_and_its_lead_tie_by_date_with_cee_prefix(projects):
    # R1 (reviewed after D), R3 = 2; R2 reviewed on D, R4 submitted after D, R5 terminated
    assert text("ECO", P, "invest.pending_review") == "2"
    # R1 and R3 both 3000: R3 submitted earlier (2021-06-01); EE → 爱沙尼亚 prefix, 项目 dropped
    assert text("ECO", P, "invest.pending_review.lead") == "爱沙尼亚智慧物流"


def test_negotiating_count_investment_and_two_leads(projects):
    # N1 (contacted on D), N2 (submitted after D), N3, N6 (no amount) = 4
    assert text("ECO", P, "invest.negotiating") == "4"
    # 56000 × 3 = 168000 万元 = 16.8 亿元; quoted 超16亿元
    f = fig("ECO", P, "invest.negotiating.investment")
    assert f.text == "16.80" and f.extra["floor"] == Decimal(16)
    # three-way tie at 56000: contacted N2 2021-01-01, N3 2022-02-02, N1 2022-09-30
    assert text("ECO", P, "invest.negotiating.leads2") == "B、波兰C"


def test_reviewed_in_w(projects):
    # R2 (on D), V1 (1 January) = 2; R1 after D, V2 last year
    assert text("ECO", P, "invest.reviewed") == "2"


def test_leads_are_undefined_for_an_empty_set(projects):
    f = fig("OTHER", P, "invest.production.lead")
    assert f.value is None and f.reason


def test_country_prefix_only_for_cee_names_lacking_it():
    assert country_prefixed("塔林智慧物流", "EE") == "爱沙尼亚塔林智慧物流"
    assert country_prefixed("匈牙利新能源", "HU") == "匈牙利新能源"
    assert country_prefixed("波兰软件", "pl") == "波兰软件"
    assert country_prefixed("贝尔格莱德物流", "RS") == "塞尔维亚贝尔格莱德物流"
    assert country_prefixed("布拉格光学", "CZ") == "捷克布拉格光学"
    assert country_prefixed("斯图加特电机", "DE") == "斯图加特电机"


def test_capital_figures_from_park_month():
    parks()
    ParkMonth.objects.create(park_id="ECO", month="2022-01", fdi_actual=Decimal("1234.5"),
                             domestic_capital_outside_prefecture=12345, domestic_capital_outside_county=5000)
    ParkMonth.objects.create(park_id="ECO-CEE", month="2022-09", fdi_actual=Decimal("100.004"),
                             domestic_capital_outside_county=Decimal("0.5"))
    ParkMonth.objects.create(park_id="ECO", month="2022-10", fdi_actual=999, zhejiang_merchant_capital=999)
    ParkMonth.objects.create(park_id="OTHER", month="2022-02", fdi_actual=999)
    figs = compute_figures("ECO", P, ["invest.fdi_actual", "invest.domestic_outside_prefecture",
                                      "invest.domestic_outside_county", "invest.zhejiang_merchant_capital"])
    # 1234.5 + 100.004 = 1334.504 万美元 → 1334.5 (no conversion: the display unit is 万美元)
    assert (figs["invest.fdi_actual"].value, figs["invest.fdi_actual"].text) == (Decimal("1334.504"), "1334.5")
    assert figs["invest.domestic_outside_prefecture"].text == "1.23"  # 12345 万元 = 1.2345 亿元
    assert figs["invest.domestic_outside_county"].value == Decimal("0.50005")  # 5000.5 万元
    assert figs["invest.zhejiang_merchant_capital"].text == "0.00"  # only an October row


@pytest.fixture
def talents():
    parks()
    d = date

    def talent(code, tier, introduced_on, park="ECO", left_on=None):
        return Talent.objects.create(code=code, name=code, park_id=park, tier=tier, introduced_on=introduced_on,
                                     left_on=left_on)

    t1 = talent("T1", "top", d(2022, 1, 1))
    t2 = talent("T2", "leading", d(2022, 9, 30))
    t3 = talent("T3", "senior", d(2022, 5, 5))
    talent("T4", "basic", d(2022, 5, 5))
    talent("T5", "senior", d(2021, 12, 31))
    talent("T6", "senior", d(2022, 10, 1))
    talent("T7", "top", d(2022, 2, 2), park="ECO-CEE", left_on=d(2022, 8, 1))
    t8 = talent("T8", "senior", d(2022, 3, 3), park="OTHER")
    talent("T9", "leading", d(2020, 1, 1), left_on=d(2022, 10, 1))

    def app(program, on, park="ECO"):
        TalentApplication.objects.create(park_id=park, program=program, applicant_kind="individual",
                                         applicant_name="某", applied_on=on)

    app("甬江引才工程", d(2022, 1, 1))
    app("甬江引才工程", d(2022, 9, 30))
    app("其他工程", d(2022, 3, 3))
    app("甬江引才工程", d(2021, 9, 9))
    app("老工程", d(2021, 5, 5))
    app("甬江引才工程", d(2022, 10, 1))
    app("甬江引才工程", d(2022, 5, 5), park="OTHER")
    TalentHonour.objects.create(talent=t1, title="市杰出人才", awarded_on=d(2022, 3, 1))
    TalentHonour.objects.create(talent=t1, title="其他称号", awarded_on=d(2022, 4, 1))
    TalentHonour.objects.create(talent=t3, title="市杰出人才", awarded_on=d(2022, 9, 30))
    TalentHonour.objects.create(talent=t2, title="市杰出人才", awarded_on=d(2022, 10, 1))
    TalentHonour.objects.create(talent=t8, title="市杰出人才", awarded_on=d(2022, 3, 1))


def test_talents_introduced_in_w(talents):
    # top/leading/senior introduced in W: T1, T2 (on D), T3, T7 (left later: a flow still counts) = 4
    assert text("ECO", P, "talent.introduced") == "4"
    assert text("ECO", P, "talent.introduced.senior") == "1"  # T3 (T5 last year, T6 after D)


def test_talent_totals_as_of_d(talents):
    figs = compute_figures("ECO", P, ["talent.total.top", "talent.total.leading", "talent.total.senior",
                                      "talent.total.basic"])
    # top: T1 (T7 left before D); leading: T2, T9 (leaves after D); senior: T3, T5 (T6 after D); basic: T4
    assert [f.text for f in figs.values()] == ["1", "2", "2", "1"]


def test_talent_applications_and_per_programme(talents):
    figs = compute_figures("ECO", P)
    assert figs["talent.applications"].text == "3"
    assert figs["talent.applications[甬江引才工程]"].text == "2"
    assert figs["talent.applications[其他工程]"].text == "1"
    # a programme applied to before (2021) is listed with 0 this year
    assert figs["talent.applications[老工程]"].text == "0"


def test_talent_honours_count_distinct_talents(talents):
    figs = compute_figures("ECO", P)
    # T1 (two titles, once), T3 (on D) = 2; T2 after D, T8 other park
    assert figs["talent.honours"].text == "2"
    assert figs["talent.honours[市杰出人才]"].text == "2"
    assert figs["talent.honours[其他称号]"].text == "1"


@pytest.fixture
def platforms():
    parks()
    d = date

    def platform(code, kind, opened_on, park="ECO", name=None):
        Platform.objects.create(code=code, name=name or code, park_id=park, kind=kind, opened_on=opened_on)

    platform("IC-DE", "intl_center", d(2019, 1, 1), name="中德(斯图加特)创新中心")
    platform("IC-IL", "intl_center", d(2018, 6, 1), name="中以(特拉维夫)创新中心")
    platform("IC-FI", "intl_center", d(2018, 6, 1), name="中芬(赫尔辛基)创新中心")
    platform("IC-US", "intl_center", d(2022, 10, 1), name="中美(硅谷)创新中心")
    platform("CEE-NB", "cee_base", d(2020, 1, 1), park="ECO-CEE", name="宁波中东欧创新基地")
    platform("SH-FUDAN", "enclave", d(2019, 5, 1))
    platform("SH-HONGQIAO", "enclave", d(2019, 5, 1))
    platform("OT-1", "intl_center", d(2015, 1, 1), park="OTHER")

    def pp(platform_code, name, country="CN", **dates):
        PlatformProject.objects.create(platform_id=platform_code, name=name, country=country, **dates)

    pp("IC-DE", "德国电机项目", "DE", recommended_on=d(2019, 12, 1), landed_on=d(2020, 1, 1))
    pp("IC-DE", "A", "DE", recommended_on=d(2019, 12, 1), landed_on=d(2022, 9, 30))
    pp("IC-IL", "以色列滴灌", "IL", landed_on=d(2021, 5, 5))
    pp("IC-IL", "以色列传感器项目", "IL", landed_on=d(2021, 5, 5))
    pp("IC-IL", "十月落地", "IL", landed_on=d(2022, 10, 1))
    pp("IC-FI", "芬兰一", "FI", recommended_on=d(2022, 9, 30), landed_on=d(2022, 1, 1))
    pp("IC-FI", "芬兰二", "FI", recommended_on=d(2022, 1, 1))
    pp("IC-FI", "芬兰三", "FI", recommended_on=d(2022, 10, 1))
    pp("CEE-NB", "塔林智慧物流", "EE", recommended_on=d(2021, 1, 1), landed_on=d(2021, 3, 3))
    pp("CEE-NB", "匈牙利新能源项目", "HU", recommended_on=d(2021, 1, 1), landed_on=d(2021, 3, 3))
    pp("CEE-NB", "华沙软件", "PL", recommended_on=d(2022, 2, 2), landed_on=d(2022, 10, 1))
    pp("CEE-NB", "布拉格光学", "CZ", recommended_on=d(2022, 9, 30))
    pp("SH-FUDAN", "孵化一", incubated_on=d(2020, 1, 1))
    pp("SH-FUDAN", "孵化二", incubated_on=d(2022, 9, 30), signed_on=d(2022, 9, 30))
    pp("SH-FUDAN", "孵化三", incubated_on=d(2022, 10, 1), signed_on=d(2022, 10, 1))
    pp("OT-1", "别园", recommended_on=d(2022, 1, 1), landed_on=d(2022, 1, 1))

    def tenant(name, moved_in_on, moved_out_on=None):
        PlatformTenant.objects.create(platform_id="SH-HONGQIAO", enterprise_name=name, moved_in_on=moved_in_on,
                                      moved_out_on=moved_out_on)

    tenant("甲公司", d(2020, 1, 1))
    tenant("甲公司", d(2021, 1, 1))             # the same enterprise twice: one 家
    tenant("乙公司", d(2021, 1, 1), d(2022, 9, 30))  # moved out on D
    tenant("丙公司", d(2022, 9, 30))
    tenant("丁公司", d(2022, 10, 1))


def test_platform_project_counts_by_d(platforms):
    figs = compute_figures("ECO", P)
    assert figs["platform.incubated[SH-FUDAN]"].text == "2"  # 2020-01-01 and D; not 2022-10-01
    assert figs["platform.signed[SH-FUDAN]"].text == "1"
    assert figs["platform.landed[SH-FUDAN]"].text == "0"
    assert figs["platform.landed[IC-DE]"].text == "2"
    assert figs["platform.landed[CEE-NB]"].text == "2"  # the sub-park's platform is expanded too
    assert "platform.landed[OT-1]" not in figs
    assert figs["platform.tenants[SH-HONGQIAO]"].text == "2"  # 甲 (once) and 丙; 乙 left on D, 丁 after D
    assert figs["platform.tenants[SH-FUDAN]"].text == "0"


def test_platform_of_another_park_is_undefined_when_asked():
    parks()
    Platform.objects.create(code="SH-FUDAN", name="飞地", park_id="ECO", kind="enclave", opened_on=date(2019, 1, 1))
    f = fig("ECO-CEE", P, "platform.incubated[SH-FUDAN]")
    assert f.value is None and "SH-FUDAN" in f.reason


def test_platform_counts_by_kind(platforms):
    figs = compute_figures("ECO", P)
    assert figs["platform.count[intl_center]"].text == "3"  # IC-US opens after D
    assert figs["platform.count[enclave]"].text == "2"
    assert figs["platform.count[cee_base]"].text == "1"
    assert not any(k.startswith("platform.count[incubator") for k in figs)
    assert text("ECO", P, "platform.count[incubator]") == "0"
    assert fig("ECO", P, "platform.count[nonsense]").value is None


def test_intl_recommended(platforms):
    # IC-DE 2 + IC-FI 2 (one recommended after D); OT-1 is another park's
    assert text("ECO", P, "platform.intl_recommended") == "4"


def test_intl_top_ties_on_landed_broken_by_opening_date_then_code(platforms):
    # landed by D: IC-DE 2, IC-IL 2 (third after D), IC-FI 1 → tie broken by opened_on: IC-IL (2018) first
    figs = compute_figures("ECO", P, ["platform.intl_top", "platform.intl_top.landed", "platform.intl_top.lead"])
    assert figs["platform.intl_top"].text == "中以(特拉维夫)创新中心"
    assert figs["platform.intl_top.landed"].text == "2"
    # both landed 2021-05-05: by name, 以色列传感器项目 (传 U+4F20) before 以色列滴灌 (滴 U+6EF4); 项目 dropped
    assert figs["platform.intl_top.lead"].text == "以色列传感器"


def test_intl_top_same_opening_date_falls_back_to_code(platforms):
    # give IC-FI a second landed project: IC-FI and IC-IL both 2 landed, both opened 2018-06-01 → IC-FI < IC-IL
    PlatformProject.objects.create(platform_id="IC-FI", name="芬兰四", landed_on=date(2022, 2, 2))
    assert text("ECO", P, "platform.intl_top") == "中芬(赫尔辛基)创新中心"
    assert text("ECO", P, "platform.intl_top.lead") == "芬兰一"  # landed 2022-01-01


def test_intl_top_undefined_without_landed_projects(platforms):
    f = fig("ECO-CEE", P, "platform.intl_top")
    assert f.value is None and f.reason
    assert fig("ECO-CEE", P, "platform.intl_top.landed").value is None


def test_cee_base_figures_and_two_leads(platforms):
    assert text("ECO", P, "platform.cee_recommended") == "4"  # all four by D
    assert text("ECO", P, "platform.cee_landed") == "2"  # 华沙软件 lands after D
    # both landed 2021-03-03; by name 匈 (U+5308) before 塔 (U+5854); EE name gets 爱沙尼亚, HU already has it
    assert text("ECO", P, "platform.cee_landed.leads2") == "匈牙利新能源、爱沙尼亚塔林智慧物流"
    assert text("ECO-CEE", P, "platform.cee_landed") == "2"
    assert fig("OTHER", P, "platform.cee_landed.leads2").value is None


def test_a_lead_needs_a_member_with_an_amount():
    parks()
    # two projects started in W, neither with total_investment: count 2, investment 0, lead undefined
    project("E1", "甲项目", started_on=date(2022, 2, 1))
    project("E2", "乙项目", started_on=date(2022, 3, 1))
    figs = compute_figures("ECO", P, ["invest.started", "invest.started.investment", "invest.started.lead"])
    assert figs["invest.started"].text == "2" and figs["invest.started.investment"].text == "0.00"
    assert figs["invest.started.lead"].value is None
    # one member with an amount wins even against an earlier one without
    project("E3", "丙项目", ti=1, started_on=date(2022, 4, 1))
    assert text("ECO", P, "invest.started.lead") == "丙"
