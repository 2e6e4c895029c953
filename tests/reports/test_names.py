"""Names and milestones of a report from the ledgers: the park's and its sub-parks' records only, each
ledger read once whatever the number of lookups."""
from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.construction.models import GovProject, Milestone, Wetland
from parkledger.core.models import Park
from parkledger.economy.models import SupportPackage
from parkledger.investment.models import InvestmentProject, Platform
from parkledger.lib.periods import Period
from parkledger.reports.sources import LedgerNames

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledgers():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    Platform.objects.create(code="PL-1", name="复旦科创中心", park_id="ECO", kind="incubator", opened_on=date(2020, 1, 1))
    Platform.objects.create(code="PL-X", name="别园平台", park_id="OTHER", kind="incubator", opened_on=date(2020, 1, 1))
    GovProject.objects.create(code="GP-1", name="综合配套工程", park_id="ECO-CEE", category="amenity", plan_year=2022)
    GovProject.objects.create(code="GP-X", name="别园工程", park_id="OTHER", category="amenity", plan_year=2022)
    InvestmentProject.objects.create(code="IP-1", name="车灯项目", park_id="ECO")
    Wetland.objects.create(code="W-1", name="中心湿地", park_id="ECO")
    for as_of, name in [(date(2022, 6, 30), "旧名"), (date(2022, 9, 30), "甬矽二期"), (date(2022, 3, 31), "更旧")]:
        SupportPackage.objects.create(code="SP-1", park_id="ECO", project_name=name, as_of=as_of)
    SupportPackage.objects.create(code="SP-X", park_id="OTHER", project_name="别园方案", as_of=date(2022, 1, 1))
    for kind, subject, on, text, expected in [
        ("gov_project", "GP-1", date(2022, 3, 1), "完成规划选址", False),
        ("gov_project", "GP-1", date(2022, 1, 5), "完成立项", False),
        ("gov_project", "GP-1", date(2022, 10, 1), "完成用地预审", False),   # after D: not done by D
        ("gov_project", "GP-1", None, "日期未填", False),                   # no date: not done by D
        ("gov_project", "GP-1", date(2023, 6, 1), "主体结顶", True),
        ("gov_project", "GP-1", date(2022, 12, 1), "开工建设", True),
        ("gov_project", "GP-1", date(2022, 5, 1), "原定开工", True),         # expected before D: after the later ones
        ("platform", "GP-1", date(2022, 2, 1), "别的对象", False),           # no platform GP-1 in the park
        ("platform", "PL-1", date(2022, 4, 1), "挂牌运营", False),
        ("wetland", "W-1", date(2022, 8, 1), "完成验收", True),              # expected, dated before D only
        ("gov_project", "GP-X", date(2022, 2, 1), "别园节点", False),
    ]:
        Milestone.objects.create(subject_kind=kind, subject=subject, happened_on=on, text=text, expected=expected)


def names() -> LedgerNames:
    return LedgerNames(("ECO", "ECO-CEE"), Period.parse("2022-09"))


def test_names_of_the_park_and_its_sub_parks(ledgers):
    found = names()
    assert found.platform("PL-1").text == "复旦科创中心"
    assert found.project("GP-1").text == "综合配套工程"      # a sub-park's government project
    assert found.project("IP-1").text == "车灯项目"          # not a government project: an investment project
    assert found.wetland("W-1").text == "中心湿地"
    assert found.package("SP-1").text == "甬矽二期"          # the latest row of the package
    for lookup, code in [("platform", "PL-X"), ("project", "GP-X"), ("package", "SP-X"), ("wetland", "W-X"),
                         ("platform", "GP-1")]:
        result = getattr(found, lookup)(code)
        assert result.text is None and code in result.reason


def test_milestones_done_by_d_and_expected(ledgers):
    found = names()
    assert found.milestones("GP-1", False) == ["完成立项", "完成规划选址"]
    assert found.milestones("GP-1", True) == ["开工建设", "主体结顶"]
    assert found.milestones("PL-1", False) == ["挂牌运营"]
    assert found.milestones("PL-1", True) == []
    assert found.milestones("W-1", True) == ["完成验收"]        # none after D: all the expected ones
    assert found.milestones("GP-X", False) == []                # another park's subject
    assert found.milestones("NOPE", False) == []


def test_each_ledger_is_read_once(ledgers):
    found = names()
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            found.platform("PL-1"), found.platform("PL-X"), found.project("GP-1"), found.project("IP-1")
            found.package("SP-1"), found.wetland("W-1")
            found.milestones("GP-1", False), found.milestones("GP-1", True), found.milestones("W-1", True)
    # platform, government project, investment project, package, wetland, milestones
    assert len(ctx.captured_queries) == 6


def test_a_report_naming_many_records_reads_each_ledger_once(ledgers):
    from parkledger.reports.services import build_report
    from parkledger.reports.sources import MappingFigures

    def queries(text: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            doc = build_report("ECO", "2022-09", template_text="标题\n\n" + text,
                               figures=MappingFigures("ECO", "2022-09", {}))
        return len(ctx.captured_queries), doc.text()

    one, _ = queries("{{ platform('PL-1') }}")
    many, text = queries("{{ platform('PL-1') }}、{{ platform('PL-1') }}、{{ project('GP-1') }}、{{ project('IP-1') }}、"
                         "{{ wetland('W-1') }}：{{ milestone('GP-1') }}，{{ milestone('GP-1', expected=True) }}，"
                         "{{ milestones('GP-1') | join_and(factor=True) }}，{{ milestone('PL-1') }}")
    assert text.endswith("复旦科创中心、复旦科创中心、综合配套工程、车灯项目、中心湿地：完成规划选址，开工建设，完成立项和规划选址，挂牌运营")
    # government and investment projects, wetlands and milestones: one query each, whatever the lookups
    assert many - one == 4
