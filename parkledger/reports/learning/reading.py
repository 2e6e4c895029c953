"""Reading last year's report: a `.docx` (paragraphs and tables) or a `.txt` file, as plain text.

The plain text is the document's paragraphs joined by "\\n" (a table row is a paragraph of its cells
joined by tabs); for a `.txt` file it is the file's own text
(UTF-8, with or without a byte-order mark, else GB18030). Every offset the learner reports refers to it.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LearnInputError", "SourceParagraph", "SourceDocument", "read_bytes", "read_path", "MAX_BYTES",
           "ACCEPTED_SUFFIXES"]

MAX_BYTES = 10 * 1024 * 1024
MAX_CHARS = 300_000  # a year's work report is some 6,000 characters
ACCEPTED_SUFFIXES = (".docx", ".txt")


class LearnInputError(ValueError):
    """A file the learner cannot read: wrong type, too big, corrupt or undecodable (message in Chinese)."""


@dataclass(frozen=True)
class SourceParagraph:
    """One paragraph of the plain text: `text` is `plain[start:end]` without a trailing carriage return."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SourceDocument:
    """A document read for learning: its plain text and its paragraphs."""

    name: str
    kind: str  # "docx" or "txt"
    text: str
    paragraphs: tuple[SourceParagraph, ...]


def split_paragraphs(text: str) -> tuple[SourceParagraph, ...]:
    """The lines of a plain text as paragraphs, with their offsets (a `\\r` before `\\n` is not part of one)."""
    out: list[SourceParagraph] = []
    pos = 0
    for line in text.split("\n"):
        body = line[:-1] if line.endswith("\r") else line
        out.append(SourceParagraph(len(out), pos, pos + len(body), body))
        pos += len(line) + 1
    return tuple(out)


def decode_text(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), UTF-16 with a mark, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LearnInputError("文本文件无法解码（UTF-16 内容有误）") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise LearnInputError("文本文件无法解码：请保存为 UTF-8 或 GB18030（GBK）编码") from exc


def _docx_paragraph_texts(data: bytes) -> list[str]:
    """The paragraphs of a Word document in body order, table cells included (each cell's paragraphs)."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - python-docx is a requirement
        raise LearnInputError("服务器未安装读取 Word 文件的组件") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LearnInputError("无法读取 Word 文件：文件已损坏，或不是 .docx 格式（旧版 .doc 请先另存为 .docx）") from exc
    except Exception as exc:  # lxml errors and the like: a broken package is a user error
        raise LearnInputError(f"无法读取 Word 文件：{type(exc).__name__}") from exc
    texts: list[str] = []

    def walk(parent, body) -> None:
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                texts.append(Paragraph(child, parent).text)
            elif tag == "tbl":
                # a table row is one paragraph, its cells separated by tabs (工业总产值\t80.08亿元), so a
                # figure keeps the words of its row
                table = Table(child, parent)
                for row in table.rows:
                    seen: set[int] = set()
                    cells = []
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                            continue
                        seen.add(id(cell._tc))
                        cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
                    texts.append("\t".join(cells))
            elif tag == "sdt":
                content = child.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sdtContent")
                if content is not None:
                    walk(parent, content)

    try:
        walk(document, document.element.body)
    except Exception as exc:
        raise LearnInputError(f"无法读取 Word 文件的内容：{type(exc).__name__}") from exc
    return texts


def read_bytes(data: bytes, filename: str) -> SourceDocument:
    """Read an uploaded or local file by its name's suffix; `LearnInputError` with a clear message otherwise."""
    name = Path(filename or "").name or "document"
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise LearnInputError(f"不支持的文件类型“{suffix or name}”：请上传 .docx 或 .txt 文件")
    if len(data) > MAX_BYTES:
        raise LearnInputError(f"文件太大（{len(data) // 1024} KB）：上限为 {MAX_BYTES // 1024 // 1024} MB")
    if not data:
        raise LearnInputError("文件是空的")
    if suffix == ".docx":
        if not data.startswith(b"PK"):
            raise LearnInputError("无法读取 Word 文件：文件已损坏，或不是 .docx 格式（旧版 .doc 请先另存为 .docx）")
        texts = [t.replace("\n", " ").replace("\r", " ") for t in _docx_paragraph_texts(data)]
        text = "\n".join(texts)
        _check_length(text)
        paragraphs = []
        pos = 0
        for i, t in enumerate(texts):
            paragraphs.append(SourceParagraph(i, pos, pos + len(t), t))
            pos += len(t) + 1
        return SourceDocument(name, "docx", text, tuple(paragraphs))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LearnInputError("这不是文本文件：请上传 .docx 或纯文本 .txt 文件")
    text = decode_text(data)
    _check_length(text)
    return SourceDocument(name, "txt", text, split_paragraphs(text))


def _check_length(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise LearnInputError(f"文档太长（{len(text)} 字）：工作报告通常不超过 {MAX_CHARS // 10000} 万字")


def read_path(path: str | Path) -> SourceDocument:
    """Read a local file (the command line)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LearnInputError(f"无法打开“{path}”：{exc.strerror or exc}") from exc
    if size > MAX_BYTES:
        raise LearnInputError(f"文件太大（{size // 1024} KB）：上限为 {MAX_BYTES // 1024 // 1024} MB")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LearnInputError(f"无法读取“{path}”：{exc.strerror or exc}") from exc
    return read_bytes(data, path.name)
