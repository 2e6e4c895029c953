"""The Word file read back with python-docx: GB/T 9704 page, fonts, sizes, spacing and page numbers."""
from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from parkledger.reports.renderers.docx import DocxOptions, render_docx
from tests.reports.helpers import document, figure, figure_map

SOURCE = """生态园2022年工作总结和2023年工作思路

2022年，面对错综复杂的国内外形势。1-9月，园区实现工业总产值{{ "econ.output" | yi }}，{{ "econ.output.yoy" | growth }}。

一、2022年工作总结

（一）凝心聚力，招商引资后劲十足

1.项目招引协同推进。1-9月，园区新签约项目{{ "invest.signed" | n }}个，LED车灯“赛马争先”。

（二）持续优化“两个配套”，实现配套水平新提升。一方面，基础建设争优。
"""
FIGS = figure_map(
    figure("econ.output", "35.7234", "亿元"),
    figure("econ.output.yoy", "12.34", "%"),
    figure("invest.signed", "19", "个"),
)


def read(options: DocxOptions | None = None):
    return Document(io.BytesIO(render_docx(document(SOURCE, FIGS), options)))


@pytest.fixture(scope="module")
def docx():
    return read()


def test_page_is_a4_with_the_standard_margins(docx):
    section = docx.sections[0]
    # Word stores twips: 210 mm = 11905.5 twips is kept as 11906, so compare to 0.1 mm
    mm = {name: round(getattr(section, name).mm, 1) for name in (
        "page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")}
    assert mm == {"page_width": 210.0, "page_height": 297.0, "top_margin": 37.0, "bottom_margin": 35.0,
                  "left_margin": 28.0, "right_margin": 26.0}


def test_twenty_two_lines_a_page(docx):
    # 225 mm type area; 22 lines at exactly 28.95 pt (579 twips) = 636.9 pt ≤ 637.8 pt (225 mm)
    section = docx.sections[0]
    type_area = section.page_height - section.top_margin - section.bottom_margin
    for p in docx.paragraphs:
        fmt = p.paragraph_format
        rule = fmt.line_spacing_rule or p.style.paragraph_format.line_spacing_rule
        spacing = fmt.line_spacing or p.style.paragraph_format.line_spacing
        assert rule == WD_LINE_SPACING.EXACTLY
        assert spacing == Pt(28.95)
        assert 22 * spacing <= type_area < 23 * spacing
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"


def _east_asia(run, paragraph) -> str | None:
    fonts = run._r.rPr.rFonts if run._r.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_every_run_names_its_east_asian_font_and_times_new_roman(docx):
    runs = [(p, r) for p in docx.paragraphs for r in p.runs]
    for section in docx.sections:
        for footer in (section.footer, section.even_page_footer):
            runs += [(p, r) for p in footer.paragraphs for r in p.runs]
    assert len(runs) > 10
    for _p, run in runs:
        fonts = run._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")), f"run without eastAsia font: {run.text!r}"
        assert fonts.get(qn("w:ascii")) and fonts.get(qn("w:hAnsi"))
        assert fonts.get(qn("w:asciiTheme")) is None


def test_styles_name_their_fonts(docx):
    for name, east_asia, size in [("公文正文", "仿宋_GB2312", 16), ("公文标题", "方正小标宋简体", 22),
                                  ("公文一级标题", "黑体", 16), ("公文二级标题", "楷体_GB2312", 16)]:
        style = docx.styles[name]
        fonts = style.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == east_asia
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
        assert style.font.size == Pt(size)
    defaults = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_title_body_and_headings(docx):
    paragraphs = [p for p in docx.paragraphs if p.text]
    title, body, heading1, heading2, numbered, heading2_para = paragraphs
    assert title.style.name == "公文标题"
    assert title.text == "生态园2022年工作总结和2023年工作思路"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(title.runs[0], title) == "方正小标宋简体"
    assert body.style.name == "公文正文"
    assert body.text.endswith("园区实现工业总产值35.72亿元，同比增长12.3%。")
    # two characters of 三号 (16 pt) first-line indent
    assert body.style.paragraph_format.first_line_indent == Pt(32)
    assert {_east_asia(r, body) for r in body.runs} == {"仿宋_GB2312"}
    assert heading1.style.name == "公文一级标题" and _east_asia(heading1.runs[0], heading1) == "黑体"
    assert heading2.style.name == "公文二级标题" and _east_asia(heading2.runs[0], heading2) == "楷体_GB2312"
    # a 1. paragraph: its lead phrase in 仿宋, not bold by default
    assert numbered.runs[0].text == "1.项目招引协同推进。"
    assert numbered.runs[0].bold is None
    # a （一） paragraph with text: the lead in 楷体, the rest in 仿宋
    assert heading2_para.runs[0].text == "（二）持续优化“两个配套”，实现配套水平新提升。"
    assert _east_asia(heading2_para.runs[0], heading2_para) == "楷体_GB2312"
    assert _east_asia(heading2_para.runs[-1], heading2_para) == "仿宋_GB2312"


def test_bold_leads_are_a_local_option():
    numbered = next(p for p in read(DocxOptions(bold_numbered_leads=True)).paragraphs if p.text.startswith("1."))
    assert numbered.runs[0].bold is True
    assert numbered.runs[1].bold is None


def test_page_numbers_alternate_sides(docx):
    assert docx.settings.odd_and_even_pages_header_footer is True
    section = docx.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer, align in ((odd, WD_ALIGN_PARAGRAPH.RIGHT), (even, WD_ALIGN_PARAGRAPH.LEFT)):
        assert footer.paragraph_format.alignment == align
        xml = footer._p.xml
        assert 'w:fldCharType="begin"' in xml and "PAGE" in xml and 'w:fldCharType="end"' in xml
        assert footer.text.replace("1", "N") == "— N —"
        for run in footer.runs:
            assert run.font.size == Pt(14)  # 四号
            assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    # one character (14 pt) from the edge
    assert odd.paragraph_format.right_indent == Pt(14)
    assert even.paragraph_format.left_indent == Pt(14)


def test_a_long_title_is_split_in_two_lines():
    long_title = "中国-中东欧国际产业合作园2022年工作总结和2023年工作思路"
    doc = Document(io.BytesIO(render_docx(document(long_title + "\n\n正文"))))
    title = doc.paragraphs[0]
    assert title.text.replace("\n", "") == long_title
    assert "\n" in title.text
    upper, lower = title.text.split("\n")
    # "…合作园2022年工作总结和" is too wide for 156 mm at 22 pt, so the break comes before the year
    assert (upper, lower) == ("中国-中东欧国际产业合作园", "2022年工作总结和2023年工作思路")
    two = Document(io.BytesIO(render_docx(document("生态园区域开发建设指挥部2022年工作总结和2023年工作思路"))))
    assert two.paragraphs[0].text.split("\n") == ["生态园区域开发建设指挥部2022年工作总结和", "2023年工作思路"]
