"""`parkledger report` as a user runs it: files written, clear messages and exit status 2 for bad input."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parkledger.core.models import Park, ParkMonth
from parkledger.reports.models import IssuedReport, ReportTemplate
from parkledger.reports.services import save_template_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def park():
    Park.objects.create(code="ECO", name="宁波前湾新区生态园", short_name="生态园", city="宁波", county="余姚")
    for month in range(1, 10):
        ParkMonth.objects.create(park_id="ECO", month=f"2022-{month:02d}", fixed_asset_investment=Decimal(5000))


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_text_to_stdout_with_the_default_template():
    out, err = run("--park", "ECO", "--period", "2022-09", "--format", "txt")
    assert out.startswith("生态园2022年工作总结和2023年工作思路\n")
    # 9 × 5000 万元 = 4.5 亿元
    assert "完成固定资产投资4.50亿元" in out
    assert "略去（模板第" in err  # the sentences without data are listed


def test_files_in_every_format(tmp_path):
    for fmt in ("docx", "html", "md", "masked", "json"):
        target = tmp_path / "sub" / f"r.{fmt}"
        run("--park", "ECO", "--period", "2022-09", "--format", fmt, "-o", str(target))
        assert target.stat().st_size > 100
    assert (tmp_path / "sub" / "r.docx").read_bytes()[:2] == b"PK"
    data = json.loads((tmp_path / "sub" / "r.json").read_text(encoding="utf-8"))
    assert data["figures"]["econ.fai"] == {"value": "4.5", "text": "4.50", "unit": "亿元"}
    assert data["omitted"]
    assert isinstance(data["checks"], list)


def test_a_named_template(tmp_path):
    tpl = ReportTemplate.objects.create(park_id="ECO", name="简版")
    save_template_version(template=tpl, text="简报\n\n投资{{ 'econ.fai' | yi }}。")
    out, _ = run("--park", "ECO", "--period", "2022-09", "--format", "txt", "--template", "简版")
    assert "投资4.50亿元。" in out


def test_issue_archives_the_report(tmp_path):
    run("--park", "ECO", "--period", "2022-09", "--format", "docx", "-o", str(tmp_path / "r.docx"), "--issue")
    issued = IssuedReport.objects.get()
    assert bytes(issued.content) == (tmp_path / "r.docx").read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (("--park", "NOPE", "--period", "2022-09", "--format", "txt"), "园区“NOPE”不存在"),
    (("--park", "ECO", "--period", "2022/09", "--format", "txt"), "YYYY-MM"),
    (("--park", "ECO", "--period", "2022-09", "--format", "docx"), "-o"),
    (("--park", "ECO", "--period", "2022-09", "--format", "txt", "--template", "没有"), "没有名为“没有”的模板"),
    (("--park", "ECO", "--period", "2022-09", "--format", "txt", "--issue", "--user", "nobody"), "用户“nobody”不存在"),
])
def test_bad_arguments_exit_with_status_2(args, message):
    with pytest.raises(CommandError) as info:
        run(*args)
    assert message in str(info.value)
    assert info.value.returncode == 2


def test_a_broken_template_names_its_line():
    tpl = ReportTemplate.objects.create(park_id="ECO", name="坏")
    tpl_version = save_template_version(template=tpl, text="标题\n\n{{ 'econ.fai' | yi }}")
    # a version saved before a key was renamed, say: edit the stored text directly
    tpl_version.text = "标题\n\n\n{{ 'econ.gone' | yi }}"
    tpl_version.save()
    with pytest.raises(CommandError) as info:
        run("--park", "ECO", "--period", "2022-09", "--format", "txt", "--template", "坏")
    assert "模板第4行" in str(info.value) and "econ.gone" in str(info.value)
    assert info.value.returncode == 2


def test_an_unknown_format_is_refused_by_the_parser():
    with pytest.raises(CommandError):
        run("--park", "ECO", "--period", "2022-09", "--format", "rtf")
