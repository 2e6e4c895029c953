"""学习模板: upload last year's report, review the figures found (highlighted by confidence), correct a
binding from the list of indicators, save the result as a template of the park.

One URL: GET shows the upload form; POST with a file learns it and shows the review; POST with the
stored file's token applies the corrections (`action=apply`) or saves the template (`action=save`).
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from parkledger.reports.learning import LearnInputError, catalogue_for_park, learn, read_bytes
from parkledger.reports.learning.keys import indicator_choices
from parkledger.reports.learning.reading import ACCEPTED_SUFFIXES, MAX_BYTES
from parkledger.reports.models import ReportTemplate
from parkledger.reports.services import ReportTemplateError, save_template_version
from parkledger.web import access
from parkledger.web.uploads import store_upload, stored_upload
from parkledger.web.views.base import render_page, selection_of

__all__ = ["learn_page"]

KEY_FIELD = "key-"
ORIGINAL_FIELD = "orig-"


def _max_bytes() -> int:
    return min(MAX_BYTES, int(getattr(settings, "PARKLEDGER_MAX_UPLOAD_BYTES", MAX_BYTES)))


def _band(confidence: float, key: str | None) -> str:
    if not key:
        return "none"
    if confidence >= 0.85:
        return "high"
    if confidence >= 0.65:
        return "mid"
    return "low"


def _overrides(request: HttpRequest) -> dict[int, str]:
    """The bindings the user changed: {start offset: key} ("" unbinds)."""
    changed: dict[int, str] = {}
    for name, value in request.POST.items():
        if not name.startswith(KEY_FIELD) or not name[len(KEY_FIELD):].isdigit():
            continue
        start = int(name[len(KEY_FIELD):])
        value = value.strip()[:200]
        if value != request.POST.get(f"{ORIGINAL_FIELD}{start}", "").strip():
            changed[start] = value
    return changed


def _review_context(result, token: str, name: str, template_name: str, overrides: dict[int, str]) -> dict:
    """The page's data: the document as highlighted runs, one row per figure, the indicator list."""
    paragraphs = []
    for runs in result.segments():
        paragraphs.append([
            {"text": text, "det": det, "band": _band(det.confidence, det.key) if det is not None else ""}
            for text, det in runs
        ])
    rows = []
    text = result.source.text
    for det in result.figures:
        rows.append({
            "det": det, "band": _band(det.confidence, det.key),
            "context": text[max(0, det.start - 14):det.start].split("\n")[-1],
            "after": text[det.end:det.end + 8].split("\n")[0],
            "original": det.extra.get("learnt_key", det.key) or "",
            "changed": det.start in overrides,
        })
    counts = result.counts()
    bound = sum(1 for d in result.figures if d.key)
    return {
        "result": result, "token": token, "file_name": name, "paragraphs": paragraphs, "rows": rows,
        "choices": indicator_choices(result.catalogue), "template_name": template_name,
        "counts": counts, "bound": bound, "total": len(result.figures),
        "low": sum(1 for d in result.figures if d.key and d.confidence < 0.65),
    }


def _form_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {"error": error, "max_mb": _max_bytes() // (1024 * 1024), "suffixes": "、".join(ACCEPTED_SUFFIXES)}
    return render_page(request, "web/learn.html", context, status=status, nav="learn")


@login_required
def learn_page(request: HttpRequest) -> HttpResponse:
    sel = selection_of(request)
    if sel.park is None:
        return _form_page(request, _("您的账号还没有可查看的园区。"))
    if not access.can_see_park_figures(request.user, sel.park_code):
        raise PermissionDenied(_("无权查看园区指标"))  # learning matches the text to the park's figures
    if request.method != "POST":
        return _form_page(request)
    upload = request.FILES.get("file")
    token = request.POST.get("token", "")
    if upload is not None:
        if upload.size > _max_bytes():
            return _form_page(request, _("文件太大（%(kb)s KB），上限为 %(mb)s MB") % {
                "kb": upload.size // 1024, "mb": _max_bytes() // (1024 * 1024)}, status=400)
        data = upload.read()
        try:
            source = read_bytes(data, upload.name or "")
        except LearnInputError as exc:
            return _form_page(request, str(exc), status=400)
        upload.seek(0)
        token = store_upload(request, upload)
        name = source.name
        overrides: dict[int, str] = {}
    else:
        stored = stored_upload(request, token)
        if stored is None:
            return _form_page(request, _("上传的文件已失效，请重新上传。"), status=400)
        path, name = stored
        try:
            source = read_bytes(path.read_bytes(), name)
        except (OSError, LearnInputError) as exc:
            return _form_page(request, str(exc), status=400)
        overrides = _overrides(request)
    try:
        catalogue = catalogue_for_park(sel.park_code)
    except (ValueError, DatabaseError) as exc:
        return _form_page(request, str(exc), status=400)
    try:
        result = learn(source, catalogue=catalogue, overrides=overrides)
    except LearnInputError as exc:
        return _form_page(request, str(exc), status=400)
    template_name = (request.POST.get("name") or "").strip()[:100] or _("学习自%(name)s") % {"name": name}
    action = request.POST.get("action", "") if upload is None else ""
    if action == "save" and not result.errors:
        return _save(request, sel, template_name, result, name)
    context = _review_context(result, token, name, template_name, overrides)
    context["errors"] = result.errors
    return render_page(request, "web/learn_review.html", context, nav="learn")


def _save(request: HttpRequest, sel, template_name: str, result, file_name: str) -> HttpResponse:
    if sel.park_code not in {p.code for p in sel.parks}:
        raise PermissionDenied(_("无权为该园区保存模板"))
    try:
        with transaction.atomic():
            template, _created = ReportTemplate.objects.get_or_create(park=sel.park, name=template_name)
            version = save_template_version(template=template, text=result.template, author=request.user,
                                            note=(_("由“%(name)s”学习生成") % {"name": file_name})[:200])
    except ReportTemplateError as exc:
        messages.error(request, _("模板无法保存：%(err)s") % {"err": exc})
        return _form_page(request, str(exc), status=400)
    messages.success(request, _("已保存为模板“%(name)s”第 %(n)s 版，下面是用它生成的本期报告。") % {
        "name": template.name, "n": version.number})
    return redirect(f"{reverse('web:report')}?template={template.pk}")
