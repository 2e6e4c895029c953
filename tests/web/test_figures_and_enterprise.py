"""The indicators page, a figure's provenance (and its Excel export) and the enterprise 360 page."""
from __future__ import annotations

import io

import openpyxl
import pytest

from parkledger.economy.models import PermuEvaluation
from tests.web.data import uscc

pytestmark = pytest.mark.django_db


def test_the_indicators_page_groups_figures_by_chapter(client_in):
    response = client_in.get("/figures/")
    groups = {g["chapter"]: g for g in response.context["groups"]}
    assert "economy" in groups
    rows = {row["fig"].key: row for row in groups["economy"]["rows"]}
    output = rows["econ.output"]
    assert output["fig"].text == "1.70"
    # the growth sits beside its figure, not as a row of its own
    assert output["yoy"] is not None and "econ.output.yoy" not in rows
    assert "/figures/explain/?park=ECO&period=2022-09&key=econ.output" in response.content.decode()


def test_provenance_lists_the_records_and_exports_them(client_in):
    response = client_in.get("/figures/explain/", {"key": "econ.output"})
    explanation = response.context["e"]
    # ECO's two enterprises: 9 + 8 returns in 2022-01..09
    assert explanation.records_total == 17
    records = response.context["records"]
    assert {str(r["kind_name"]) for r in records} == {"企业月报"}
    # each record by its enterprise's name and month, with the output it brought in
    assert records[0]["title"].startswith("测试企业") and "2022年" in records[0]["title"]
    assert records[0]["amount"] == "1,000.00 万元"
    export = client_in.get("/figures/explain/", {"key": "econ.output", "export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["企业月报"]
    sheet = book["企业月报"]
    assert sheet.max_row == 1 + 17
    header = [c.value for c in sheet[1]]
    assert "企业名称" in header and "工业总产值（万元）" in header
    # numbers stored as numbers
    assert isinstance(sheet.cell(2, header.index("工业总产值（万元）") + 1).value, int | float)


def test_provenance_of_an_unknown_key_is_not_found(client_in):
    response = client_in.get("/figures/explain/", {"key": "no.such"})
    assert response.status_code == 404 and "未知指标" in response.content.decode()


def test_the_enterprise_360_page(client_in):
    PermuEvaluation.objects.create(uscc_id=uscc(1), year=2021, grade="A", score="110.5")
    response = client_in.get(f"/enterprises/{uscc(1)}/")
    assert response.status_code == 200
    chart = response.context["chart"]
    # 24 monthly returns, 1000万 of output each
    assert len(chart["months"]) == 24 and chart["series"][0]["values"][0] == "1000"
    sections = {s["kind"]: s for s in response.context["sections"]}
    assert len(sections["hazard"]["rows"]) == 2 and len(sections["inspection"]["rows"]) == 1
    assert [g.grade for g in response.context["grades"]] == ["A"]
    assert "patent" in {s["kind"] for s in response.context["empty_sections"]}


def test_an_enterprise_of_another_park_is_not_found(client_in):
    # enterprise 3 belongs to OTH, which the ECO leader may not see
    assert client_in.get(f"/enterprises/{uscc(3)}/").status_code == 404
