"""The city report: the city's combined figures, rankings and a paragraph per park."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command

from parkledger.city.compare import top_level_parks
from parkledger.city.report import build_city_report
from parkledger.core.models import Park
from parkledger.reports.services import render
from tests.web import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks(db):
    data.build(1)
    Park.objects.filter(code="OTH").update(city="宁波", short_name="另一园")
    return top_level_parks(city="宁波")


def test_the_city_report_sums_ranks_and_describes_each_park(parks):
    doc = build_city_report("宁波", parks, data.PERIOD)
    text = render(doc, "txt").decode("utf-8")
    # by hand: ECO 17,000 万元 (its enterprise 9 × 1,000 and the sub-park's 8 × 1,000), OTH 9,000
    assert "全市2个园区共实现工业总产值2.60亿元" in text
    assert "工业总产值前二位依次为生态园（1.70亿元）、另一园（0.90亿元）" in text
    assert "（一）宁波前湾新区生态园" in text and "（二）另一园区" in text
    assert "另一园实现工业总产值0.90亿元" in text
    assert doc.figures["econ.output"]["value"] == "2.6"
    assert doc.figures["econ.output@OTH"]["value"] == "0.9"


def test_the_command_writes_a_word_file(parks, tmp_path):
    target = tmp_path / "city.docx"
    call_command("cityreport", "--city", "宁波", "--period", data.PERIOD, "--format", "docx", "-o", str(target),
                 stdout=io.StringIO())
    with zipfile.ZipFile(target) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "宁波市园区经济运行情况" in body and "另一园区" in body
