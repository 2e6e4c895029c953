"""The report services the CLI, the web pages and the API call.

- `build_report(park, period, template_text=… | template=…)` → `ReportDocument`
- `render(document, fmt)` → bytes
- `issue_report(...)` → `IssuedReport` (archived file, template text, figures, checksum)
- `regenerate_figures(issued)` → the figures of an archived report computed again, to compare
- `preview(park, period, template_text)` → HTML, left-out sentences and any template error (live preview)
- `default_template_text()`, `find_template(park, name)`, `save_template_version(...)`
"""
from __future__ import annotations

import hashlib
import importlib
import logging
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from parkledger.core.models import Park
from parkledger.lib.periods import Period
from parkledger.reports.document import ReportDocument, parse_document
from parkledger.reports.language import check_template, render_template
from parkledger.reports.models import IssuedReport, ReportTemplate, ReportTemplateVersion
from parkledger.reports.renderers import EXTENSIONS, FORMATS
from parkledger.reports.renderers import render as render_document
from parkledger.reports.renderers.docx import DocxOptions
from parkledger.reports.sandbox import Limits, ReportTemplateError
from parkledger.reports.sources import (
    EngineFigures,
    FigureSource,
    LedgerNames,
    NameSource,
    ParkInfo,
    park_info,
)

__all__ = [
    "DEFAULT_TEMPLATE", "ReportTemplateError", "build_report", "render", "issue_report", "regenerate_figures",
    "default_template_text", "find_template", "save_template_version", "data_quality", "FORMATS",
    "figures_json", "report_filename", "preview",
]

logger = logging.getLogger(__name__)

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "default_templates" / "work_report.j2"


@cache
def default_template_text() -> str:
    """The default template (reproduces the seed report's chapters and sentences)."""
    return DEFAULT_TEMPLATE.read_text(encoding="utf-8")


def find_template(park: str, name: str) -> ReportTemplateVersion | None:
    """The current version of the park's template called `name`, else of the global one; None if neither."""
    for owner in (park, None):
        tpl = (ReportTemplate.objects.filter(park_id=owner, name=name)
               .select_related("current_version").first())
        if tpl is not None and tpl.current_version is not None:
            return tpl.current_version
    return None


@transaction.atomic
def save_template_version(*, template: ReportTemplate, text: str, author: Any = None,
                          note: str = "") -> ReportTemplateVersion:
    """Check the text compiles, save it as the template's next version and make it current."""
    check_template(text)
    template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportTemplateVersion.objects.create(template=template, number=number, text=text,
                                                   author=author, note=note)
    template.current_version = version
    template.save(update_fields=["current_version", "last_updated"])
    return version


def _template_source(template_text: str | None, template: Any) -> tuple[str, ReportTemplateVersion | None]:
    if template_text is not None and template is not None:
        raise ValueError("template_text 与 template 只能给一个")
    if template_text is not None:
        return template_text, None
    if isinstance(template, ReportTemplateVersion):
        return template.text, template
    if isinstance(template, ReportTemplate):
        if template.current_version is None:
            raise ReportTemplateError(f"模板“{template.name}”还没有保存任何版本")
        return template.current_version.text, template.current_version
    if template is None:
        return default_template_text(), None
    raise TypeError("template must be a ReportTemplate or a ReportTemplateVersion")


def build_report(park: str, period: str, *, template_text: str | None = None, template: Any = None,
                 figures: FigureSource | None = None, names: NameSource | None = None,
                 info: ParkInfo | None = None, limits: Limits | None = None) -> ReportDocument:
    """Render a template (default: the default template) for a park and period into a document.

    Unknown park or bad period → ValueError (Chinese message); a broken template → ReportTemplateError.
    `figures`, `names` and `info` replace the engine, the ledgers and the park's settings (tests).
    """
    per = Period.parse(period)
    source, version = _template_source(template_text, template)
    if figures is None:
        figures = EngineFigures(park, per.key)
    if info is None:
        info = park_info(park)
    if names is None:
        # the engine's context knows the park's sub-parks already
        parks = getattr(figures, "parks", None) if getattr(figures, "park", None) == park else None
        names = LedgerNames(tuple(parks or Park.objects.descendant_codes(park)), per)
    result = render_template(source, figures=figures, names=names, park=info, period=per, limits=limits)
    doc = ReportDocument(
        park=info.code, period=per.key, paragraphs=parse_document(result.text),
        figures=figures_json(result.used), omitted=result.omitted,
        template_version=version.number if version else None,
        places=tuple(p for p in (info.city, info.county) if p),
    )
    return doc


def figures_json(used: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{key: {value, text, unit}}` of the figures a rendering used (as the `figures` command prints them)."""
    return {
        key: {"value": fig.json_value(), "text": fig.text, "unit": fig.unit}
        for key, fig in used.items()
    }


def data_quality(park: str, period: str) -> list[dict[str, Any]]:
    """The consistency checks of the indicator engine, when it provides them (`indicators.checks`)."""
    try:
        checks = importlib.import_module("parkledger.indicators.checks")
    except ImportError:
        return []
    run_checks = getattr(checks, "run_checks", None)
    if run_checks is None:
        return []
    try:
        found = run_checks(park, period)
    except Exception:  # the report is still written; the failure is logged
        logger.warning("Data-quality checks failed for %s %s", park, period, exc_info=True)
        return [{"message": "数据质量检查未能完成"}]
    return [_check_dict(item) for item in found]


def _check_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    if hasattr(item, "__dataclass_fields__"):
        from dataclasses import asdict

        return {k: (v if isinstance(v, str | int | float | bool | type(None) | list | dict) else str(v))
                for k, v in asdict(item).items()}
    return {"message": str(item)}


def render(document: ReportDocument, fmt: str, *, link=None, docx_options: DocxOptions | None = None) -> bytes:
    """The document in a format of `FORMATS` (JSON includes the data-quality checks)."""
    checks = data_quality(document.park, document.period) if fmt == "json" else None
    return render_document(document, fmt, link=link, docx_options=docx_options, checks=checks)


def report_filename(document: ReportDocument, fmt: str) -> str:
    suffix = "-masked" if fmt == "masked" else ""
    return f"{document.park}-{document.period}{suffix}.{EXTENSIONS[fmt]}"


def issue_report(*, park: str, period: str, fmt: str = "docx", template: Any = None, user: Any = None,
                 docx_options: DocxOptions | None = None) -> IssuedReport:
    """Build, render and archive a report: the file, the template text, the figures and a SHA-256."""
    if fmt not in FORMATS:
        raise ValueError(f"未知格式“{fmt}”，可选：{'、'.join(FORMATS)}")
    source, version = _template_source(None, template)
    document = build_report(park, period, template_text=source)
    document.template_version = version.number if version else None
    content = render(document, fmt, docx_options=docx_options)
    return IssuedReport.objects.create(
        park_id=document.park, period=document.period, format=fmt,
        filename=report_filename(document, fmt), content=content,
        checksum=hashlib.sha256(content).hexdigest(), template_version=version, template_text=source,
        figures=document.figures, omitted=[o.__dict__ for o in document.omitted],
        issued_by=user if getattr(user, "pk", None) else None,
    )


def preview(park: str, period: str, template_text: str, *, link=None) -> dict[str, Any]:
    """The live preview of a template being edited: `{"html", "omitted", "stats", "error"}`; a broken
    template gives `error = {"message", "line", "text"}` and no HTML (never an exception)."""
    from parkledger.reports.renderers.text import render_html

    try:
        document = build_report(park, period, template_text=template_text)
    except ReportTemplateError as exc:
        return {"html": "", "omitted": [], "stats": "", "error": exc.as_dict()}
    return {
        "html": render_html(document, link=link, full=False),
        "omitted": [o.__dict__ for o in document.omitted],
        "stats": document.stats,
        "error": None,
    }


def regenerate_figures(issued: IssuedReport) -> dict[str, dict[str, Any]]:
    """The figures of an archived report computed again from its own template text (for a closed period
    they equal `issued.figures`)."""
    document = build_report(issued.park_id, issued.period, template_text=issued.template_text)
    return document.figures
