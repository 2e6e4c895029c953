"""The report of the demo park (ECO, 2022-09) against the engine's figures and the seed report.

The demo data is loaded once for this module, inside a transaction rolled back at the end.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command, get_commands
from django.db import transaction

from parkledger.indicators.engine import compute_figures
from parkledger.lib.chinese import chinese_count
from parkledger.reports.renderers.text import render_masked
from parkledger.reports.services import build_report, render
from tests.reports import seed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("demo" not in get_commands(), reason="the demo command is not available"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("demo", verbosity=0, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def report(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return build_report("ECO", "2022-09")


def test_the_report_quotes_the_engines_figures(report):
    figures = compute_figures("ECO", "2022-09")
    everything = figures.to_json()
    assert len(report.figures) > 100
    for key, fig in report.figures.items():
        expected = everything.get(key) or compute_figures("ECO", "2022-09", [key]).to_json()[key]
        assert fig == expected, key
    # each number shown is the figure's text, or its wording: growth without sign, a floor for 余/超/以上,
    # two significant digits for 约, a Chinese numeral for a small count
    for paragraph in report.paragraphs:
        for seg in paragraph.segments:
            if seg.kind != "figure":
                continue
            fig = figures[seg.ref] if seg.ref in figures else None
            text = report.figures[seg.ref]["text"]
            value = Decimal(report.figures[seg.ref]["value"])
            shown = seg.text
            trimmed = text.rstrip("0").rstrip(".") if "." in text else text  # yi(trim=True) for targets
            if shown in (text, trimmed) or (".yoy" in seg.ref and shown == text.lstrip("-")):
                continue
            if re.fullmatch(r"\d+", shown) and value >= 10:
                # 余/多/超/以上 (floor) and 约 (half up): two significant digits, within 10% of the value
                assert len(shown.rstrip("0")) <= 2 and abs(value - Decimal(shown)) <= value / 10, (seg.ref, shown)
                continue
            assert shown == chinese_count(int(value)), (seg.ref, shown, text, fig)


def test_the_demo_report_leaves_nothing_out(report):
    assert [(o.line, o.keys) for o in report.omitted] == []


def test_the_title_and_chapters(report):
    assert report.title == "生态园2022年工作总结和2023年工作思路"
    headings = [p.text for p in report.paragraphs if p.kind in ("heading1", "heading2")]
    assert headings[0] == "一、2022年工作总结"
    assert [h[:3] for h in headings[1:7]] == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"]
    assert headings[7] == "二、2023年工作思路"
    text = report.text()
    for phrase in ("实现宁波市外实到内资", "余姚市外实到内资", "固北北路道路完成路基建设", "余姚复旦（张江）科创中心",
                   "世界500强", "DN1000给水管", "220KV望海变", "以四大国际创新中心为载体", "两只政府专项债"):
        assert phrase in text, phrase
    assert re.fullmatch(r"共计\d+个字,预计阅读时长\d+分钟", report.stats)


def test_the_masked_report_aligns_with_the_seed(report):
    assert seed.SEED.exists()  # the seed is part of the repository's test data
    alignment = seed.align(render_masked(report))
    print(alignment.report())
    unexplained = [d for d in alignment.differing if d[2] == "unexplained"]
    assert unexplained == [], alignment.report()
    # Every differing sentence is explained (seed typos corrected, a platform named by its ledger name,
    # the demo's rates differing, Chinese numerals masked). Measured on the demo: 46 of 51 (90.2%).
    assert alignment.total >= 50
    assert alignment.share >= 0.88, alignment.report()


def test_every_format_of_the_demo_report(report):
    outputs = {fmt: render(report, fmt) for fmt in ("docx", "html", "md", "txt", "masked", "json")}
    headings = [p.text for p in report.paragraphs if p.kind in ("heading1", "heading2")]
    body = [p.text for p in report.paragraphs if p.kind not in ("heading1", "heading2")]
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as docx:
        document = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())
    html = re.sub(r"<[^>]+>", "", outputs["html"].decode())
    markdown = re.sub(r"\*\*|^#+ ", "", outputs["md"].decode(), flags=re.M)  # bold lead sentences, headings
    for fmt, text in (("docx", document), ("html", html), ("md", markdown),
                      ("txt", outputs["txt"].decode())):
        assert report.title in text, fmt
        assert [h for h in headings if h not in text] == [], fmt
        assert body[0] in text and body[-1] in text, fmt  # every paragraph, from the first to the last
    assert outputs["md"].decode().startswith(f"# {report.title}\n")
    assert outputs["txt"].decode().startswith(f"{report.title}\n")
    assert outputs["masked"].decode().strip() == render_masked(report).strip()
    data = json.loads(outputs["json"])
    assert (data["park"], data["period"], data["title"]) == ("ECO", "2022-09", report.title)
    assert data["figures"] == report.figures
    assert data["text"] == report.text()
