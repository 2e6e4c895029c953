"""The Word report in the official document format (GB/T 9704-2012; domain-rules.md §4).

A4; margins top 37 / bottom 35 / left 28 / right 26 mm; title 2号 (22 pt) 方正小标宋简体 centred; body
3号 (16 pt) 仿宋_GB2312 with a two-character first-line indent, exact line spacing of 28.95 pt so that
22 lines fill the 225 mm type area; `一、` headings 黑体, `（一）` headings 楷体_GB2312, the lead phrase
of `1.` paragraphs optionally bold; page numbers `— N —` in 4号 宋体, odd pages right and even pages
left with one character of space. Every run and style names its East-Asian font (`w:eastAsia`) and
Times New Roman for digits and Latin letters.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from parkledger.reports.document import Paragraph, ReportDocument, Segment

__all__ = ["DocxOptions", "render_docx", "FONTS", "LINE_PITCH_PT", "BODY_PT", "TITLE_PT", "PAGE_NUMBER_PT"]

FONTS = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "page_number": "宋体",
    "latin": "Times New Roman",
}
BODY_PT = 16          # 三号
TITLE_PT = 22         # 二号
PAGE_NUMBER_PT = 14   # 四号
LINE_PITCH_PT = 28.95  # 225 mm ÷ 22 lines = 28.99 pt; 579 twips keeps 22 lines inside the type area
# 28 characters a line: the characters are condensed by 0.25 pt (紧缩 0.25 磅, w:spacing −5 twips),
# 28 × 15.75 pt = 441 pt ≤ the 156 mm (442.2 pt) line; LibreOffice reads a character grid differently
CHAR_CONDENSE_TWIPS = -5
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # 156 mm
# the order of rPr children in the OOXML schema (CT_RPr)
RPR_ORDER = tuple(f"w:{t}" for t in (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
    "em", "lang", "eastAsianLayout", "specVanish", "oMath",
))
STYLE_NAMES = {"body": "公文正文", "title": "公文标题", "heading1": "公文一级标题", "heading2": "公文二级标题"}


@dataclass(frozen=True)
class DocxOptions:
    """Local preferences: bold lead phrases of `1.` paragraphs (not required by the standard).

    `kai_punctuation_font`: a font for the punctuation of 楷体 runs, used for the PDF only: the free
    Kai font on Linux centres its commas (Taiwan style), so the PDF takes them from the 仿宋 face.
    """

    bold_numbered_leads: bool = False
    kai_punctuation_font: str = ""


def _set_fonts(rpr_owner, east_asia: str, latin: str = FONTS["latin"]) -> None:
    """Name the fonts explicitly on an rPr: Latin/digits `latin`, CJK `east_asia` (theme fonts removed)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
    # simplified-Chinese glyph forms: LibreOffice picks the CJK face's SC variant by this, not JP
    _rpr_child(rpr, "w:lang").set(qn("w:eastAsia"), "zh-CN")


def _paragraph_format(fmt, *, indent: bool = True, align=WD_ALIGN_PARAGRAPH.JUSTIFY) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(2 * BODY_PT) if indent else Pt(0)
    fmt.alignment = align


def _outline_level(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), str(level))
    ppr.append(lvl)


def _styles(document) -> None:
    styles = document.styles
    # document defaults: explicit fonts instead of the theme fonts of the blank template
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        holder = _RPrHolder(rpr_default)
        _set_fonts(holder, FONTS["body"])
        _rpr_child(holder.get_or_add_rPr(), "w:sz").set(qn("w:val"), str(BODY_PT * 2))
        _rpr_child(holder.get_or_add_rPr(), "w:szCs").set(qn("w:val"), str(BODY_PT * 2))
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element, FONTS["body"])
    _condense(normal.element, CHAR_CONDENSE_TWIPS)
    _paragraph_format(normal.paragraph_format)

    def add(key: str, font: str, size: int, *, indent: bool, align, outline: int | None = None):
        style = styles.add_style(STYLE_NAMES[key], WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        style.font.bold = False
        _set_fonts(style.element, font)
        _paragraph_format(style.paragraph_format, indent=indent, align=align)
        if outline is not None:
            style.paragraph_format.keep_with_next = True
            _outline_level(style, outline)
        return style

    add("body", FONTS["body"], BODY_PT, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    title = add("title", FONTS["title"], TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _condense(title.element, 0)
    add("heading1", FONTS["heading1"], BODY_PT, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, outline=0)
    add("heading2", FONTS["heading2"], BODY_PT, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, outline=1)


def _condense(rpr_owner, twips: int) -> None:
    """Character spacing (w:spacing, in twentieths of a point; negative = condensed)."""
    _rpr_child(rpr_owner.get_or_add_rPr(), "w:spacing").set(qn("w:val"), str(twips))


def _rpr_child(rpr, tag: str):
    """The rPr child `tag`, created in the schema's order when missing (Word rejects misordered rPr)."""
    found = rpr.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        rpr.insert_element_before(found, *RPR_ORDER[RPR_ORDER.index(tag) + 1:])
    return found


class _RPrHolder:
    """Adapts `w:rPrDefault` to the `get_or_add_rPr()` protocol of `_set_fonts`."""

    def __init__(self, element) -> None:
        self.element = element

    def get_or_add_rPr(self):  # noqa: N802 - python-docx naming
        rpr = self.element.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            self.element.append(rpr)
        return rpr


def _page_setup(section) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)  # the page number line sits about 7 mm below the type area
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))


def _run(paragraph, text: str, font: str, *, size: float | None = None, bold: bool | None = None):
    run = paragraph.add_run(text)
    _set_fonts(run._r, font)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    return run


CJK_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》【】〔〕—…·")


def _add_segments(paragraph, segments: list[Segment], font: str, *, bold: bool | None = None,
                  size: float | None = None, punctuation_font: str = "") -> None:
    text = "".join(s.text for s in segments)
    if not text:
        return
    if not punctuation_font:
        _run(paragraph, text, font, size=size, bold=bold)
        return
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (text[i] in CJK_PUNCTUATION) != (text[start] in CJK_PUNCTUATION):
            chunk = text[start:i]
            _run(paragraph, chunk, punctuation_font if chunk[0] in CJK_PUNCTUATION else font, size=size, bold=bold)
            start = i


def _title_lines(title: str) -> list[str]:
    """Split a title too wide for one line: after 和, else before the year, else in the middle."""
    def width(text: str) -> float:
        return sum(TITLE_PT / 2 if ord(ch) < 128 else TITLE_PT for ch in text)

    if width(title) <= TEXT_WIDTH_PT:
        return [title]
    year = re.search(r"\d{4}年", title)
    candidates = [title.find("和") + 1 if "和" in title else 0, year.start() if year else 0]
    for cut in candidates:
        if 0 < cut < len(title) and max(width(title[:cut]), width(title[cut:])) <= TEXT_WIDTH_PT:
            return [title[:cut], title[cut:]]
    cut = len(title) // 2
    while cut < len(title) - 1 and width(title[:cut]) <= width(title[cut:]):
        cut += 1
    return [title[:cut], title[cut:]]


def _title(document, paragraph: Paragraph) -> None:
    p = document.add_paragraph(style=STYLE_NAMES["title"])
    lines = _title_lines(paragraph.text)
    for i, line in enumerate(lines):
        run = _run(p, line, FONTS["title"])
        _set_fonts(run._r, FONTS["title"], FONTS["title"])  # the title's digits in the title face
        if i < len(lines) - 1:
            run.add_break()
    document.add_paragraph(style=STYLE_NAMES["body"])  # one blank line below the title


def _body(document, paragraph: Paragraph, options: DocxOptions) -> None:
    kai_punctuation = options.kai_punctuation_font
    if paragraph.kind in ("heading1", "heading2"):
        p = document.add_paragraph(style=STYLE_NAMES[paragraph.kind])
        _add_segments(p, paragraph.segments, FONTS[paragraph.kind],
                      punctuation_font=kai_punctuation if paragraph.kind == "heading2" else "")
        return
    p = document.add_paragraph(style=STYLE_NAMES["body"])
    head, tail = paragraph.split_lead()
    if paragraph.lead and paragraph.lead_style == "heading2":
        _add_segments(p, head, FONTS["heading2"], punctuation_font=kai_punctuation)
    elif paragraph.lead:
        _add_segments(p, head, FONTS["body"], bold=options.bold_numbered_leads or None)
    _add_segments(p, tail, FONTS["body"])


def _field_run(paragraph, instruction: str) -> None:
    """A `PAGE`-like field as begin / instruction / separate / placeholder / end runs."""
    def run_with(child) -> None:
        run = _run(paragraph, "", FONTS["page_number"], size=PAGE_NUMBER_PT)
        _set_fonts(run._r, FONTS["page_number"], FONTS["page_number"])
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    placeholder = _run(paragraph, "1", FONTS["page_number"], size=PAGE_NUMBER_PT)
    _set_fonts(placeholder._r, FONTS["page_number"], FONTS["page_number"])
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_number(footer, align) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    for text in ("— ",):
        run = _run(p, text, FONTS["page_number"], size=PAGE_NUMBER_PT)
        _set_fonts(run._r, FONTS["page_number"], FONTS["page_number"])
    _field_run(p, "PAGE")
    run = _run(p, " —", FONTS["page_number"], size=PAGE_NUMBER_PT)
    _set_fonts(run._r, FONTS["page_number"], FONTS["page_number"])


def render_docx(doc: ReportDocument, options: DocxOptions | None = None) -> bytes:
    """The report as a .docx file (bytes)."""
    options = options or DocxOptions()
    document = Document()
    core = document.core_properties
    core.title = doc.title
    core.author = ""
    core.comments = ""
    _styles(document)
    section = document.sections[0]
    _page_setup(section)
    document.settings.odd_and_even_pages_header_footer = True
    section.different_first_page_header_footer = False
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    # the blank template starts with no paragraph; the title comes first
    for i, paragraph in enumerate(doc.paragraphs):
        if i == 0 and paragraph.kind == "title":
            _title(document, paragraph)
        else:
            _body(document, paragraph, options)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
