"""`parkledger learn` as a user runs it: the template, the bindings JSON, saving, clear errors."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parkledger.core.models import Park
from parkledger.reports.language import check_template
from parkledger.reports.models import ReportTemplate
from tests.learning.helpers import DATA

SEED = DATA / "work-report-2022-seed.txt"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("learn", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_template_and_bindings_report(tmp_path):
    template, report = tmp_path / "seed.j2", tmp_path / "bindings.json"
    out, err = run(str(SEED), "-o", str(template), "--report", str(report))
    assert out == ""
    assert "识别：数字" in err and "已生成模板" in err
    check_template(template.read_text(encoding="utf-8"))
    items = json.loads(report.read_text(encoding="utf-8"))
    text = SEED.read_text(encoding="utf-8")
    assert [i["start"] for i in items] == sorted(i["start"] for i in items)
    for item in items:
        assert text[item["start"]:item["end"]] == item["text"]
        assert item["class"] in ("figure", "name", "spec", "phrase", "date")
        if item["class"] == "figure":
            assert set(item) >= {"value", "unit", "kind", "period", "key", "confidence"}
            assert item["kind"] in ("level", "yoy", "share", "rate", "count", "target")
            assert 0 <= item["confidence"] <= 1
    first = next(i for i in items if i["class"] == "figure")
    # 1-9月,园区实现工业总产值X亿元: masked, so no value
    assert (first["text"], first["value"], first["unit"], first["kind"], first["period"]) == (
        "X亿元", None, "亿元", "level", "1-9月")
    assert first["key"] == "econ.output"
    assert any(i["class"] == "spec" and i["text"] == "XKV" for i in items)


def test_template_to_stdout_and_real_values(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("园区2022年工作总结\n1-9月，新签约项目19个，总投资26.92亿元。\n", encoding="utf-8")
    report = tmp_path / "b.json"
    out, _err = run(str(path), "--report", str(report))
    assert '{{ "invest.signed" | n }}个' in out
    items = json.loads(report.read_text(encoding="utf-8"))
    figures = [(i["text"], i["value"], i["key"]) for i in items if i["class"] == "figure"]
    assert figures == [("19个", "19", "invest.signed"), ("26.92亿元", "26.92", "invest.signed.investment")]


@pytest.mark.parametrize(("args", "message"), [
    (["report.pdf"], "不支持的文件类型"),
    (["missing.txt"], "无法打开"),
])
def test_bad_files(tmp_path, args, message):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=message):
        run(str(tmp_path / args[0]))


def test_save_needs_a_park():
    with pytest.raises(CommandError, match="--park"):
        run(str(SEED), "--save", "去年")


@pytest.mark.django_db
def test_unknown_park():
    with pytest.raises(CommandError, match="不存在"):
        run(str(SEED), "--park", "NOPE")


@pytest.mark.django_db
def test_save_as_a_park_template_version():
    Park.objects.create(code="ECO", name="宁波前湾新区生态园", short_name="生态园", city="宁波", county="余姚")
    _out, err = run(str(SEED), "--park", "ECO", "--save", "去年学习")
    _out, err2 = run(str(SEED), "--park", "ECO", "--save", "去年学习")
    template = ReportTemplate.objects.get(park_id="ECO", name="去年学习")
    assert template.versions.count() == 2 and template.current_version.number == 2
    assert "第 2 版" in err2
    assert '{{ "econ.output" | yi }}' in template.current_version.text
