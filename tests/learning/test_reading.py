"""Reading .docx (paragraphs and tables) and .txt (UTF-8, UTF-8 with a mark, GB18030) as plain text."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest

from parkledger.reports.learning import LearnInputError, read_bytes, read_path
from parkledger.reports.learning.reading import MAX_BYTES


def _docx(paragraphs: list[str], table: list[list[str]] | None = None, after: list[str] = ()) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_tables_in_body_order():
    data = _docx(["园区2022年工作总结", "新签约项目19个。"], [["指标", "数值"], ["工业总产值", "80.08亿元"]],
                 ["以上。"])
    source = read_bytes(data, "去年.docx")
    assert source.kind == "docx"
    assert source.text == "园区2022年工作总结\n新签约项目19个。\n指标\t数值\n工业总产值\t80.08亿元\n以上。"
    # each paragraph's offsets cut it out of the plain text
    for p in source.paragraphs:
        assert source.text[p.start:p.end] == p.text


def test_a_figure_in_a_table_row_is_bound_by_its_rows_words():
    from parkledger.reports.learning import learn

    data = _docx(["园区2022年工作总结"], [["指标", "1-9月"], ["规上工业总产值", "70.47亿元"], ["实际使用外资", "2380万美元"]])
    result = learn(read_bytes(data, "表格.docx"))
    assert [(d.text, d.key) for d in result.figures] == [("70.47亿元", "econ.above_scale_output"),
                                                         ("2380万美元", "invest.fdi_actual")]


def test_txt_utf8_offsets_are_the_files_own_text():
    text = "标题\r\n完成工业总产值80.08亿元。\r\n"
    source = read_bytes(text.encode("utf-8"), "a.txt")
    assert source.text == text
    second = source.paragraphs[1]
    assert second.text == "完成工业总产值80.08亿元。" and text[second.start:second.end] == second.text


def test_txt_with_a_byte_order_mark_and_in_gb18030():
    assert read_bytes(b"\xef\xbb\xbf" + "新增企业4家。".encode(), "a.txt").text == "新增企业4家。"
    assert read_bytes("新增企业4家，宁波。".encode("gb18030"), "b.TXT").text == "新增企业4家，宁波。"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"%PDF-1.4", "report.pdf", "不支持的文件类型"),
    (b"\xd0\xcf\x11\xe0 old word", "report.doc", "不支持的文件类型"),
    (b"PK\x03\x04 broken zip", "report.docx", "无法读取 Word 文件"),
    (b"plain text, not a zip", "report.docx", "无法读取 Word 文件"),
    (b"", "report.txt", "文件是空的"),
    (b"\x00\x01\x02binary", "report.txt", "不是文本文件"),
])
def test_bad_files_get_a_clear_message(data, name, message):
    with pytest.raises(LearnInputError, match=message):
        read_bytes(data, name)


def test_a_zip_that_is_not_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(LearnInputError, match="无法读取 Word 文件"):
        read_bytes(buffer.getvalue(), "x.docx")


def test_too_big(tmp_path):
    with pytest.raises(LearnInputError, match="文件太大"):
        read_bytes(b"a" * (MAX_BYTES + 1), "big.txt")
    missing = tmp_path / "missing.txt"
    with pytest.raises(LearnInputError, match="无法打开"):
        read_path(missing)


def test_too_long_or_too_many_figures_is_refused_quickly():
    import time

    from parkledger.reports.learning import learn
    from parkledger.reports.learning.reading import MAX_CHARS

    with pytest.raises(LearnInputError, match="文档太长"):
        read_bytes(("字" * (MAX_CHARS + 1)).encode(), "long.txt")
    started = time.perf_counter()
    with pytest.raises(LearnInputError, match="数字过多"):
        learn(read_bytes(("新增企业1家，" * 20000).encode(), "many.txt"))
    assert time.perf_counter() - started < 10
