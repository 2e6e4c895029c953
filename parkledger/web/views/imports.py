"""数据导入: upload a workbook or CSV, preview every problem (a dry run), then apply; empty templates."""
from __future__ import annotations

import importlib.util
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkledger.accounts import gate
from parkledger.core.kinds import kind_models
from parkledger.jobs.imports import submit_import
from parkledger.web.exports import xlsx_response
from parkledger.web.forms import ImportUploadForm
from parkledger.web.import_preview import collecting
from parkledger.web.uploads import UploadRefused, discard_upload, store_upload, stored_upload
from parkledger.web.views.base import htmx_partial, render_page, selection_of
from parkledger.web.views.mapping import mapping_redirect


def _importer():
    if importlib.util.find_spec("parkledger.dataio.importing") is None:
        return None
    from parkledger.dataio.importing import import_upload

    return import_upload


def _run(request: HttpRequest, path, name: str, *, dry_run: bool):
    import_upload = _importer()
    sel = selection_of(request)
    with open(path, "rb") as fileobj:
        return import_upload(fileobj, name, park=sel.park_code or None, dry_run=dry_run, user=request.user)


def _result_context(result, token: str, name: str) -> dict:
    counts = [
        {"kind": kind, "name": kind_models()[kind]._meta.verbose_name_plural if kind in kind_models() else kind,
         "created": c.get("created", 0), "updated": c.get("updated", 0)}
        for kind, c in (result.counts or {}).items()
    ]
    return {"result": result, "token": token, "file_name": name, "counts": counts}


@login_required
@gate.gated_view("import", any_kind=True)
def import_page(request: HttpRequest) -> HttpResponse:
    """GET: the upload form; POST: store the file and show the dry run's preview (each row the
    user may not write listed as an error by the write gate, through the importer's hooks)."""
    max_bytes = settings.PARKLEDGER_MAX_UPLOAD_BYTES
    available = _importer() is not None
    context: dict = {"available": available, "kinds": kind_models(), "max_bytes": max_bytes}
    form = ImportUploadForm(request.POST or None, request.FILES or None, max_bytes=max_bytes)
    if request.method == "POST" and available and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            token = store_upload(request, upload)
        except UploadRefused as exc:  # over the size limit or the user's quota of pending uploads
            form.add_error("file", str(exc))
            context["form"] = form
            return render_page(request, "web/import_result.html" if htmx_partial(request) else "web/import.html",
                               context, nav="import")
        path, name = stored_upload(request, token)
        mapped = mapping_redirect(request, token, path, name)  # not the template's format: map its columns first
        if mapped is not None:
            return mapped
        with collecting() as preview:
            result = _run(request, path, name, dry_run=True)
        if not result.ok:
            discard_upload(request, token)
            token = ""
        context.update(_result_context(result, token, name))
        context["preview"] = [k for k in preview.kinds.values() if k.new_count or k.changed_count or k.unchanged_count]
        context["preview_totals"] = preview
    context["form"] = form
    template = "web/import_result.html" if htmx_partial(request) else "web/import.html"
    return render_page(request, template, context, nav="import")


@login_required
@gate.gated_view("import", any_kind=True)
@require_POST
def import_apply(request: HttpRequest) -> HttpResponse:
    """Apply a previewed file (the preview had no problems)."""
    token = request.POST.get("token", "")
    stored = stored_upload(request, token)
    if stored is None or _importer() is None:
        messages.error(request, _("找不到待导入的文件，请重新上传。"))
        return redirect("web:import")
    path, name = stored
    job = submit_import(path, name, park=selection_of(request).park_code or None, user=request.user)
    if job is not None:  # many rows: applied by the background worker, progress on the job's page
        discard_upload(request, token)
        return redirect(job)
    result = _run(request, path, name, dry_run=False)
    discard_upload(request, token)
    if result.ok:
        parts = [
            _("%(kind)s 新增 %(created)s 条、更新 %(updated)s 条") % {
                "kind": kind_models()[kind]._meta.verbose_name_plural if kind in kind_models() else kind,
                "created": c.get("created", 0), "updated": c.get("updated", 0)}
            for kind, c in (result.counts or {}).items()
        ]
        messages.success(request, _("已导入“%(name)s”：%(parts)s。") % {
            "name": name, "parts": "；".join(parts) or _("没有需要写入的记录")})
    else:
        lines = result.issue_lines()[:5]
        messages.error(request, _("导入未完成，没有写入任何记录：%(issues)s") % {"issues": "；".join(lines)})
    # POST → redirect → GET: reloading or going back does not send the file again
    return redirect("web:import")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The empty import workbook (every kind, or `?kind=` one)."""
    if importlib.util.find_spec("parkledger.dataio.templates") is None:
        messages.error(request, _("导入模板暂不可用。"))
        return redirect("web:import")
    from parkledger.dataio import templates

    kind = request.GET.get("kind") or None
    if kind is not None and kind not in kind_models():
        messages.error(request, _("没有这种台账：%(kind)s") % {"kind": kind[:40]})
        return redirect("web:import")
    buffer = io.BytesIO()
    templates.template_workbook([kind] if kind else None).save(buffer)
    name = kind_models()[kind]._meta.verbose_name_plural if kind else _("全部台账")
    return xlsx_response(buffer.getvalue(), _("导入模板-%(name)s") % {"name": name})
