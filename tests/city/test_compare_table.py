"""`parkledger compare --format table` and `--format xlsx` head each figure with the indicator's
Chinese name and unit; the keys stay in the JSON output."""
from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.core.management import call_command

from parkledger.city.names import indicator_name
from parkledger.core.models import Park
from tests.web import data

pytestmark = pytest.mark.django_db

KEYS = "econ.output,invest.signed,econ.output.yoy,plan.progress[econ.output]"


@pytest.fixture
def city(db):
    data.build(1)
    Park.objects.filter(code="OTH").update(city="宁波")


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("compare", "--period", data.PERIOD, "--keys", KEYS, "--city", "宁波", *args, stdout=out)
    return out.getvalue()


def test_the_table_names_the_indicators_not_their_keys(city):
    text = _run("--format", "table")
    headers = [line for line in text.splitlines() if not line.startswith(" ")]
    assert headers == ["工业总产值（亿元）", "新签约项目（个）", "工业总产值同比（%）", "工业总产值完成全年目标（%）"]
    assert not re.search(r"econ\.|invest\.|plan\.", text)
    # by hand (see test_compare): ECO 1.7 亿元 first, OTH 0.9 second
    eco = next(line for line in text.splitlines() if "宁波前湾新区生态园" in line)
    assert "1.70" in eco and eco.rstrip().endswith("第1名")


def test_the_json_keeps_the_keys(city):
    got = json.loads(_run("--format", "json"))
    assert got["keys"] == KEYS.split(",")


def test_the_workbook_heads_the_columns_with_the_names(city, tmp_path):
    target = tmp_path / "compare.xlsx"
    _run("--format", "xlsx", "-o", str(target))
    header = [c.value for c in next(openpyxl.load_workbook(target).active.iter_rows())]
    assert header == ["园区代码", "园区", "工业总产值（亿元）", "新签约项目（个）", "工业总产值同比（%）",
                      "工业总产值完成全年目标（%）"]


def test_a_parameter_that_is_not_a_key_is_shown_after_the_name():
    assert indicator_name("build.project.land_area[XM-1]") == "项目占地面积（XM-1）"
    assert indicator_name("no.such.key") == "no.such.key"
