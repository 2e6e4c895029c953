"""HTML with provenance links, Markdown, plain text, the masked copy and JSON of a hand-made report."""
from __future__ import annotations

import json

import pytest

from parkledger.reports.renderers import render
from parkledger.reports.renderers.pdf import PdfUnavailable, docx_to_pdf
from parkledger.reports.renderers.text import render_html
from tests.reports.helpers import document, figure, figure_map

SOURCE = """生态园2022年工作总结和2023年工作思路

一、2022年工作总结

（一）凝心聚力，招商引资后劲十足

1.项目招引协同推进。实现{{ city }}市外实到内资{{ "invest.domestic_outside_prefecture" | yi }}，{{ "invest.production" | lead }}完成投产，{{ platform("SH-FUDAN") }}入驻<b>&。
{% sentence %}总投资{{ "econ.fai" | yi }}。{% endsentence %}
"""
FIGS = figure_map(
    figure("invest.domestic_outside_prefecture", "26.27", "亿元"),
    figure("invest.production", "18", "个"),
    figure("invest.production.lead", "年产30万套LED车灯研发生产"),
    figure("econ.fai", "0", "亿元"),
)
NAMES = {"platform": {"SH-FUDAN": "余姚复旦(张江)科创中心"}}


@pytest.fixture
def doc():
    return document(SOURCE, FIGS, NAMES)


def test_plain_text(doc):
    text = render(doc, "txt").decode()
    assert text.startswith("生态园2022年工作总结和2023年工作思路\n\n共计")
    assert "实现宁波市外实到内资26.27亿元，年产30万套LED车灯研发生产等18个项目完成投产，余姚复旦（张江）科创中心入驻<b>&。" in text


def test_masked_copy_replaces_every_figure_by_x(doc):
    masked = render(doc, "masked").decode()
    # figures → X; digits inside ledger names → X; the park's city and county → X
    assert "实现X市外实到内资X亿元，年产X万套LED车灯研发生产等X个项目完成投产，X复旦（张江）科创中心入驻<b>&。" in masked
    assert "2022年工作总结" in masked  # years of the template text stay


def test_html_links_every_figure_to_its_provenance(doc):
    html = render(doc, "html").decode()
    assert ('<a class="fig" data-key="invest.domestic_outside_prefecture" '
            'href="/figures/explain/?park=ECO&amp;period=2022-09&amp;key=invest.domestic_outside_prefecture">'
            '26.27</a>亿元') in html
    assert 'data-key="invest.production.lead"' in html
    assert "入驻&lt;b&gt;&amp;。" in html  # text is escaped
    assert "<h2>一、2022年工作总结</h2>" in html and "<h3>（一）凝心聚力，招商引资后劲十足</h3>" in html
    custom = render_html(doc, link=lambda key: f"/x/{key}", full=False)
    assert 'href="/x/invest.production"' in custom and not custom.startswith("<!DOCTYPE")


def test_markdown(doc):
    md = render(doc, "md").decode()
    assert md.startswith("# 生态园2022年工作总结和2023年工作思路\n")
    assert "## 一、2022年工作总结" in md and "### （一）凝心聚力，招商引资后劲十足" in md
    assert "**1.项目招引协同推进。**实现宁波市外实到内资26.27亿元" in md
    assert "入驻\\<b\\>&。" in md


def test_json_lists_figures_and_omitted_sentences(doc):
    data = json.loads(render(doc, "json", checks=[{"code": "x"}]).decode())
    assert data["omitted"] == [{"line": 8, "kind": "sentence", "keys": {"econ.fai": "值为0"}, "text": "总投资X亿元。"}]
    assert data["checks"] == [{"code": "x"}]
    assert data["title"] == "生态园2022年工作总结和2023年工作思路"


def test_unknown_format():
    with pytest.raises(ValueError):
        render(document("标题"), "rtf")


def test_a_missing_libreoffice_is_a_clear_message(monkeypatch):
    monkeypatch.setenv("PARKLEDGER_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(PdfUnavailable) as info:
        docx_to_pdf(b"PK")
    assert "LibreOffice" in str(info.value)
