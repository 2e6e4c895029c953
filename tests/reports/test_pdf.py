"""The PDF through LibreOffice: CJK fonts embedded, no glyph missing, text equal to the report's.

Skipped only where LibreOffice is absent and the `CI` variable is not set (in CI these tests run).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from parkledger.reports.renderers import render
from parkledger.reports.renderers.pdf import soffice_path
from tests.reports.helpers import document, figure, figure_map

pytestmark = pytest.mark.skipif(
    soffice_path() is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed; `make system-deps` installs it",
)

PARAGRAPH = ("1.项目招引协同推进。1-9月，园区新签约项目{{ 'invest.signed' | n }}个，总投资{{ 'econ.output' | yi }}。"
             "一是开工项目加快投产。年产30万套LED车灯研发生产等项目完成投产，“赛马争先”（张江）；DN1000给水管、220KV望海变。")
SOURCE = "\n\n".join(
    ["生态园2022年工作总结和2023年工作思路", "一、2022年工作总结", "（一）凝心聚力，招商引资后劲十足"]
    + [PARAGRAPH] * 12
    + ["（二）持续优化“两个配套”，实现配套水平新提升。一方面，基础建设争优。"]
)
FIGS = figure_map(figure("invest.signed", "19", "个"), figure("econ.output", "26.9234", "亿元"))


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    doc = document(SOURCE, FIGS)
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render(doc, "pdf"))
    return path


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} (poppler-utils) is needed: make system-deps")
    return found


def test_cjk_fonts_are_embedded(pdf):
    out = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    names = [row.split()[0].split("+")[-1] for row in rows]
    # simplified-Chinese faces only (no Japanese glyph variants), the body in a FangSong face,
    # the title in a bold Song, 黑体 and 楷体 headings (parkledger/reports/fonts/fonts.conf)
    assert not any("CJKjp" in name or "CJKkr" in name or "CJKtc" in name for name in names), out
    assert "FandolFang-Regular" in names, out
    assert "FandolSong-Bold" in names and "FandolHei-Regular" in names, out
    assert any("Kai" in name for name in names), out
    # every font embedded ("emb" column yes)
    for row in rows:
        assert " yes " in row, row


def test_the_text_of_the_pdf_is_the_report_text(pdf):
    extracted = subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
    # page numbers are not report text
    extracted = re.sub(r"—\s*\d+\s*—", "", extracted)
    expected = document(SOURCE, FIGS).text()

    def squash(text: str) -> str:
        return re.sub(r"\s+", "", text)

    assert squash(extracted) == squash(expected)
    assert "\ufffd" not in extracted and "□" not in extracted


def test_pages_render_to_png(pdf, tmp_path):
    subprocess.run([_tool("pdftoppm"), "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    assert all(p.stat().st_size > 5000 for p in pages)

