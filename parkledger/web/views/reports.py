"""工作报告: choose park, period and template; live preview with figure links; data quality;
downloads; template editing with preview and versions; issuing (leaders only)."""
from __future__ import annotations

import importlib.util
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from parkledger.jobs.reports import submit_pdf
from parkledger.reports.models import IssuedReport, ReportTemplate, ReportTemplateVersion
from parkledger.reports.renderers import CONTENT_TYPES
from parkledger.reports.renderers.text import render_html
from parkledger.reports.services import (
    ReportTemplateError,
    build_report,
    data_quality,
    default_template_text,
    issue_report,
    render,
    report_filename,
    save_template_version,
)
from parkledger.reports.sources import EngineFigures
from parkledger.web import access, figcache
from parkledger.web.views.base import htmx_partial, render_page, selection_of

DOWNLOAD_FORMATS = (("docx", "Word"), ("pdf", "PDF"), ("md", "Markdown"), ("txt", "TXT"),
                    ("masked", gettext_lazy("脱敏稿")), ("html", "HTML"), ("json", "JSON"))
MAX_TEMPLATE_CHARS = 200_000


def _require_figures(request: HttpRequest, sel) -> None:
    """Reports are made of the park's figures: refused to those who may not see them."""
    if sel.park is not None and not access.can_see_park_figures(request.user, sel.park_code):
        raise PermissionDenied(_("无权查看园区指标"))


def _templates_for(park: str):
    """The templates a park may use: its own and the shared ones (park empty)."""
    return (ReportTemplate.objects.filter(Q(park_id=park) | Q(park__isnull=True))
            .select_related("current_version").order_by("park", "name"))


def _chosen_template(request: HttpRequest, park: str) -> ReportTemplate | None:
    """The template asked for by `?template=<id>` among the park's, or None (the default template)."""
    raw = request.GET.get("template") or request.POST.get("template") or ""
    if not raw.isdigit():
        return None
    return _templates_for(park).filter(pk=int(raw)).first()


def _build(sel, template: ReportTemplate | None, *, text: str | None = None):
    """(document, error text) for the selection and a template (or a template text), from the
    cached figures of the park and period."""
    park, period = sel.park_code, sel.period.key
    try:
        # the cached figure set when there is one; else only the figures the template asks for
        # (a report uses about 130 of the dictionary's 700 keys), computed once each
        full = figcache.cached_figures(park, period)
        source = (figcache.CachedFigureSource(park, period, full) if full is not None
                  else EngineFigures(park, period))
        if text is not None:
            return build_report(park, period, template_text=text, figures=source), ""
        if template is not None and template.current_version is not None:
            return build_report(park, period, template=template, figures=source), ""
        return build_report(park, period, figures=source), ""
    except (ReportTemplateError, ValueError) as exc:
        return None, str(exc)


def _quality(sel) -> list:
    """The data-quality checks of the park and period (over the cached figures)."""
    if importlib.util.find_spec("parkledger.indicators.checks") is None:
        return data_quality(sel.park_code, sel.period.key)
    try:
        return figcache.checks(sel.park_code, sel.period.key)
    except ValueError:
        return []


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    """The builder: choices, the preview (loaded by htmx, or inline without JavaScript) and downloads."""
    sel = selection_of(request)
    _require_figures(request, sel)
    if sel.park is None:
        return render_page(request, "web/report.html", {"error": _("您的账号还没有可查看的园区。")}, nav="reports")
    template = _chosen_template(request, sel.park_code)
    context = {
        "templates": _templates_for(sel.park_code), "template": template, "formats": DOWNLOAD_FORMATS,
        "can_issue": access.can_issue(request.user),
        "issued": IssuedReport.objects.filter(park_id=sel.park_code).select_related("issued_by")
        .defer("content", "template_text", "figures", "omitted").order_by("-issued_at")[:20],
        "next_version": 1 + (IssuedReport.objects.filter(park_id=sel.park_code, period=sel.period.key)
                             .aggregate(Max("version"))["version__max"] or 0),
    }
    return render_page(request, "web/report.html", context, nav="reports")


@login_required
def report_preview(request: HttpRequest) -> HttpResponse:
    """The HTML preview (every figure links to its provenance) and the data-quality list."""
    sel = selection_of(request)
    _require_figures(request, sel)
    if sel.park is None:
        raise Http404
    template = _chosen_template(request, sel.park_code)
    document, error = _build(sel, template)
    context = {"error": error, "template": template}
    partial = htmx_partial(request)
    if document is not None:
        # the data-quality checks need every figure: in the htmx preview they follow in a request of
        # their own (unless already cached), so the report shows as soon as its own figures are in
        quality = figcache.cached_checks(sel.park_code, sel.period.key) if partial else _quality(sel)
        context.update({
            "html": mark_safe(render_html(document, full=False)),  # noqa: S308  (the renderer escapes)
            "omitted": document.omitted, "quality": quality, "quality_later": quality is None,
            "document": document,
        })
    template_name = "web/report_preview.html" if partial else "web/report_preview_page.html"
    return render_page(request, template_name, context, nav="reports")


@login_required
@require_GET
def report_quality(request: HttpRequest) -> HttpResponse:
    """The data-quality list of the preview (loaded after the report by htmx)."""
    sel = selection_of(request)
    _require_figures(request, sel)
    if sel.park is None:
        raise Http404
    return render_page(request, "web/partials/report_quality.html", {"quality": _quality(sel)}, nav="reports")


@login_required
def report_download(request: HttpRequest) -> HttpResponse:
    """The report as Word, PDF, Markdown, text, masked text, HTML or JSON."""
    sel = selection_of(request)
    _require_figures(request, sel)
    fmt = request.GET.get("fmt", "docx")
    if sel.park is None or fmt not in CONTENT_TYPES:
        raise Http404(_("未知格式"))
    template = _chosen_template(request, sel.park_code)
    if fmt == "pdf" and (job := submit_pdf(sel.park_code, sel.period.key, template, request.user)) is not None:
        return redirect(job)  # no PDF converter running: the worker renders it, the job's page gives the file
    document, error = _build(sel, template)
    if document is None:
        messages.error(request, error)
        return redirect("web:report")
    try:
        content = render(document, fmt)
    except Exception as exc:  # a missing converter (PDF) must not cost the user the page
        messages.error(request, _("生成%(fmt)s文件失败：%(err)s") % {"fmt": fmt, "err": exc})
        return redirect("web:report")
    access.audit_export(request.user, kinds="report", park=sel.park_code, fmt=fmt,
                        target=f"report {sel.period.key}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(document, fmt)}"'
    return response


@login_required
@require_POST
def report_issue(request: HttpRequest) -> HttpResponse:
    """Issue (archive) the report as Word: leaders only."""
    if not access.can_issue(request.user):
        raise PermissionDenied(_("只有领导可以签发报告"))
    sel = selection_of(request)
    _require_figures(request, sel)
    template = _chosen_template(request, sel.park_code)
    try:
        with transaction.atomic():
            issued = issue_report(park=sel.park_code, period=sel.period.key, fmt="docx",
                                  template=template if template and template.current_version else None,
                                  user=request.user)
            twin = _identical_recent_issue(issued)
            if twin is not None:
                raise _AlreadyIssued(twin)
    except _AlreadyIssued as exc:
        messages.warning(request, _("一分钟内已签发过内容相同的报告（%(number)s，第%(version)s版），未重复签发。") % {
            "number": exc.twin.number, "version": exc.twin.version})
        return redirect("web:issued_report", exc.twin.pk)
    except (ReportTemplateError, ValueError, ValidationError) as exc:
        messages.error(request, _("签发失败：%(err)s") % {"err": exc})
        return redirect("web:report")
    access.audit_report_issue(request.user, issued)
    messages.success(request, _("已签发并归档：%(number)s，第%(version)s版") % {
        "number": issued.number, "version": issued.version})
    return redirect("web:issued_report", issued.pk)


REISSUE_WINDOW_SECONDS = 60


class _AlreadyIssued(Exception):
    def __init__(self, twin: IssuedReport) -> None:
        super().__init__(twin.number)
        self.twin = twin


def _identical_recent_issue(issued: IssuedReport) -> IssuedReport | None:
    """An issue of the same park, period, template and figures within the last minute, if any."""
    since = issued.issued_at - timedelta(seconds=REISSUE_WINDOW_SECONDS)
    recent = (IssuedReport.objects.filter(park_id=issued.park_id, period=issued.period, format=issued.format,
                                          issued_at__gte=since).exclude(pk=issued.pk)
              .only("pk", "number", "version", "template_text", "figures").order_by("-issued_at"))
    for twin in recent:
        if twin.template_text == issued.template_text and twin.figures == issued.figures:
            return twin
    return None


def _visible_issue(request: HttpRequest, pk: int) -> IssuedReport:
    sel = selection_of(request)
    _require_figures(request, sel)
    visible = [p.code for p in sel.parks]
    return get_object_or_404(IssuedReport.objects.select_related("issued_by", "template_version", "park"),
                             pk=pk, park_id__in=visible)


@login_required
def report_archive(request: HttpRequest) -> HttpResponse:
    """The archive of the selected park's issued reports: number, version, period, who and when."""
    sel = selection_of(request)
    _require_figures(request, sel)
    issued = (IssuedReport.objects.filter(park_id=sel.park_code).select_related("issued_by")
              .defer("content", "template_text", "figures", "omitted").order_by("-issued_at")[:200])
    return render_page(request, "web/report_archive.html", {"issued": issued}, nav="reports")


@login_required
def issued_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One issued report: who issued it and when, its number and version, the figures as issued."""
    issued = _visible_issue(request, pk)
    figures = []
    for key, fig in sorted((issued.figures or {}).items()):
        fig = fig if isinstance(fig, dict) else {"text": fig}
        figures.append({"key": key, "name": fig.get("name") or _figure_name(key), "text": fig.get("text"),
                        "unit": fig.get("unit", "")})
    return render_page(request, "web/issued_report.html", {"r": issued, "figures": figures}, nav="reports")


def _figure_name(key: str) -> str:
    from parkledger.web.definitions import figure_name

    return figure_name(key)


@login_required
def issued_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An archived report's file, byte for byte as issued."""
    sel = selection_of(request)
    _require_figures(request, sel)
    visible = [p.code for p in sel.parks]
    issued = get_object_or_404(IssuedReport, pk=pk, park_id__in=visible)
    access.audit_export(request.user, kinds="report", park=issued.park_id, fmt=issued.format,
                        target=f"issued report {issued.pk}")
    response = HttpResponse(bytes(issued.content), content_type=CONTENT_TYPES.get(issued.format, "application/octet-stream"))
    response["Content-Disposition"] = f'attachment; filename="{issued.filename}"'
    return response


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------

def _editable(request: HttpRequest, tpl: ReportTemplate) -> bool:
    """A park's templates are edited by its staff; shared templates by superusers."""
    if tpl.park_id is None:
        return bool(request.user.is_superuser)
    return tpl.park_id in {p.code for p in selection_of(request).parks}


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    sel = selection_of(request)
    _require_figures(request, sel)
    return render_page(request, "web/report_templates.html", {"templates": _templates_for(sel.park_code)},
                       nav="reports")


@login_required
@require_POST
def template_create(request: HttpRequest) -> HttpResponse:
    """A new template of the selected park, copied from the default or another template."""
    sel = selection_of(request)
    _require_figures(request, sel)
    name = (request.POST.get("name") or "").strip()[:100]
    if sel.park is None or not name:
        messages.error(request, _("请填写模板名称。"))
        return redirect("web:report_templates")
    source = _chosen_template(request, sel.park_code)
    text = source.current_version.text if source and source.current_version else default_template_text()
    try:
        with transaction.atomic():
            tpl = ReportTemplate.objects.create(park=sel.park, name=name)
            save_template_version(template=tpl, text=text, author=request.user, note=_("新建"))
    except IntegrityError:
        messages.error(request, _("模板“%(name)s”已存在。") % {"name": name})
        return redirect("web:report_templates")
    return redirect("web:report_template", tpl.pk)


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a template: the text of its current (or a chosen) version, preview, save as a new version."""
    sel = selection_of(request)
    _require_figures(request, sel)
    tpl = get_object_or_404(_templates_for(sel.park_code), pk=pk)
    editable = _editable(request, tpl)
    versions = list(tpl.versions.select_related("author").order_by("-number"))
    shown = tpl.current_version
    asked = request.GET.get("version", "")
    if asked.isdigit():
        shown = next((v for v in versions if v.number == int(asked)), shown)
    text = shown.text if shown else default_template_text()
    error = ""
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("无权修改该模板"))
        text = request.POST.get("text", "")[:MAX_TEMPLATE_CHARS]
        note = (request.POST.get("note") or "").strip()[:200]
        try:
            version = save_template_version(template=tpl, text=text, author=request.user, note=note)
        except ReportTemplateError as exc:
            error = str(exc)
        else:
            messages.success(request, _("已保存为第 %(n)s 版。") % {"n": version.number})
            return redirect("web:report_template", tpl.pk)
    context = {"tpl": tpl, "versions": versions, "shown": shown, "text": text, "error": error,
               "editable": editable}
    return render_page(request, "web/report_template_edit.html", context, nav="reports")


@login_required
@require_POST
def template_preview(request: HttpRequest) -> HttpResponse:
    """htmx: render the posted template text for the selection (errors name their line)."""
    sel = selection_of(request)
    _require_figures(request, sel)
    text = request.POST.get("text", "")[:MAX_TEMPLATE_CHARS]
    context: dict = {"error": ""}
    if sel.park is None:
        context["error"] = _("您的账号还没有可查看的园区。")
    else:
        document, error = _build(sel, None, text=text)
        if document is None:
            context["error"] = error
        else:
            context.update({"html": mark_safe(render_html(document, full=False)),  # noqa: S308
                            "omitted": document.omitted, "document": document})
    return render_page(request, "web/report_preview.html", context, nav="reports")


@login_required
def template_version_text(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's text as plain text (to compare or copy)."""
    sel = selection_of(request)
    _require_figures(request, sel)
    version = get_object_or_404(
        ReportTemplateVersion.objects.filter(Q(template__park_id=sel.park_code) | Q(template__park__isnull=True)),
        pk=pk,
    )
    return HttpResponse(version.text, content_type="text/plain; charset=utf-8")
