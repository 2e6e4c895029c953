"""Users' templates with history, and issued reports that regenerate to the same figures."""
from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from parkledger.core.models import Park, ParkMonth
from parkledger.reports.models import ReportTemplate
from parkledger.reports.sandbox import ReportTemplateError
from parkledger.reports.services import (
    build_report,
    default_template_text,
    find_template,
    issue_report,
    preview,
    regenerate_figures,
    save_template_version,
)

pytestmark = pytest.mark.django_db

TEMPLATE = "收入报告\n\n{% sentence %}财政总收入{{ 'econ.fiscal_revenue_total' | yi }}。{% endsentence %}\n"


@pytest.fixture
def park():
    Park.objects.create(code="ECO", name="宁波前湾新区生态园", short_name="生态园", city="宁波", county="余姚")
    Park.objects.create(code="OTHER", name="别的园区")
    # 2022-01 … 2022-09: 1000 万元 a month; 2022-10 is outside W (P = 2022-09)
    for month in range(1, 11):
        ParkMonth.objects.create(park_id="ECO", month=f"2022-{month:02d}", fiscal_revenue_total=Decimal(1000))
    return "ECO"


def test_template_versions_are_kept(park):
    user = get_user_model().objects.create_user("writer", password="x-Secret-123")
    tpl = ReportTemplate.objects.create(park_id=park, name="年度")
    v1 = save_template_version(template=tpl, text=TEMPLATE, author=user, note="初稿")
    v2 = save_template_version(template=tpl, text=TEMPLATE.replace("收入报告", "收入"), author=user)
    tpl.refresh_from_db()
    assert (v1.number, v2.number) == (1, 2)
    assert tpl.current_version == v2
    assert list(tpl.versions.values_list("number", flat=True)) == [2, 1]
    assert tpl.versions.get(number=1).text == TEMPLATE


def test_a_broken_template_is_not_saved(park):
    tpl = ReportTemplate.objects.create(park_id=park, name="坏的")
    with pytest.raises(ReportTemplateError) as info:
        save_template_version(template=tpl, text="标题\n\n{% sentence %}没有结尾")
    assert info.value.line == 3
    assert tpl.versions.count() == 0


def test_a_parks_template_is_found_before_a_global_one(park):
    shared = ReportTemplate.objects.create(park=None, name="年度")
    own = ReportTemplate.objects.create(park_id=park, name="年度")
    save_template_version(template=shared, text="通用\n")
    save_template_version(template=own, text="本园\n")
    assert find_template(park, "年度").text == "本园\n"
    assert find_template("OTHER", "年度").text == "通用\n"
    assert find_template(park, "没有") is None


def test_issue_and_regenerate_give_the_same_figures(park):
    tpl = ReportTemplate.objects.create(park_id=park, name="年度")
    version = save_template_version(template=tpl, text=TEMPLATE)
    issued = issue_report(park=park, period="2022-09", fmt="txt", template=version)
    # 9 months × 1000 万元 = 9000 万元 = 0.9 亿元, shown with 2 decimals
    assert issued.figures == {"econ.fiscal_revenue_total": {"value": "0.9", "text": "0.90", "unit": "亿元"}}
    content = bytes(issued.content)
    assert "财政总收入0.90亿元。" in content.decode()
    assert issued.checksum == hashlib.sha256(content).hexdigest()
    assert issued.template_version == version and issued.template_text == TEMPLATE
    # the template changes afterwards: regenerating uses the archived text, the figures are the same
    save_template_version(template=tpl, text="别的\n\n{{ 'econ.fai' | yi }}")
    assert regenerate_figures(issued) == issued.figures
    # ... and a change of the ledgers shows (the comparison can fail)
    ParkMonth.objects.filter(park_id="ECO", month="2022-09").update(fiscal_revenue_total=Decimal(2000))
    assert regenerate_figures(issued)["econ.fiscal_revenue_total"]["value"] == "1"


def test_issue_with_the_default_template(park):
    issued = issue_report(park=park, period="2022-09", fmt="docx")
    assert issued.template_version is None
    assert issued.template_text == default_template_text()
    assert bytes(issued.content)[:2] == b"PK"
    assert issued.filename == "ECO-2022-09.docx"


@pytest.mark.parametrize(("code", "period", "message"), [
    ("NOPE", "2022-09", "园区“NOPE”不存在"),
    ("ECO", "2022-13", "YYYY-MM"),
    ("ECO", "22-09", "YYYY-MM"),
])
def test_bad_park_or_period(park, code, period, message):
    with pytest.raises(ValueError) as info:
        build_report(code, period, template_text=TEMPLATE)
    assert message in str(info.value)


def test_the_live_preview_never_raises_for_a_template(park):
    ok = preview(park, "2022-09", TEMPLATE)
    assert ok["error"] is None
    assert 'data-key="econ.fiscal_revenue_total"' in ok["html"] and "0.90" in ok["html"]
    broken = preview(park, "2022-09", "标题\n\n{{ 'econ.fiscal_revenue_total' | nosuch }}")
    assert broken["html"] == "" and broken["error"]["line"] == 3
