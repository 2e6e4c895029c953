"""Output formats of a report document: `render(document, fmt)` → bytes."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from parkledger.reports.document import ReportDocument
from parkledger.reports.renderers.docx import FONTS, DocxOptions, render_docx
from parkledger.reports.renderers.pdf import docx_to_pdf
from parkledger.reports.renderers.text import render_html, render_markdown, render_masked, render_txt

__all__ = ["FORMATS", "CONTENT_TYPES", "EXTENSIONS", "render", "render_json", "report_json"]

FORMATS = ("docx", "pdf", "html", "md", "txt", "masked", "json")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "masked": "text/plain; charset=utf-8",
    "json": "application/json",
}
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "html": "html", "md": "md", "txt": "txt", "masked": "txt",
              "json": "json"}


def report_json(doc: ReportDocument, checks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """All figures used (`{key: {value, text, unit}}`), the data-quality list and the omitted sentences."""
    return {
        "park": doc.park,
        "period": doc.period,
        "title": doc.title,
        "stats": doc.stats,
        "characters": doc.char_count,
        "figures": doc.figures,
        "checks": checks if checks is not None else [],
        "omitted": [
            {"line": o.line, "kind": o.kind, "keys": o.keys, "text": o.text} for o in doc.omitted
        ],
        "template_version": doc.template_version,
        "text": doc.text(),
    }


def render_json(doc: ReportDocument, checks: list[dict[str, Any]] | None = None) -> str:
    return json.dumps(report_json(doc, checks), ensure_ascii=False, indent=2) + "\n"


def render(doc: ReportDocument, fmt: str, *, link: Callable[[str], str] | None = None,
           docx_options: DocxOptions | None = None, checks: list[dict[str, Any]] | None = None) -> bytes:
    """The document in one of `FORMATS`, as bytes (text formats in UTF-8)."""
    if fmt == "docx":
        return render_docx(doc, docx_options)
    if fmt == "pdf":
        options = replace(docx_options or DocxOptions(), kai_punctuation_font=FONTS["body"])
        return docx_to_pdf(render_docx(doc, options))
    if fmt == "html":
        return render_html(doc, link=link).encode("utf-8")
    if fmt == "md":
        return render_markdown(doc).encode("utf-8")
    if fmt == "txt":
        return render_txt(doc).encode("utf-8")
    if fmt == "masked":
        return render_masked(doc).encode("utf-8")
    if fmt == "json":
        return render_json(doc, checks).encode("utf-8")
    raise ValueError(f"未知格式“{fmt}”，可选：{'、'.join(FORMATS)}")
