"""The audit administrator's pages: search the log, export it as CSV, verify its chain."""
from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parkledger.accounts.forms import AuditSearchForm
from parkledger.accounts.permissions import can_view_audit
from parkledger.accounts.selectors import audit_search
from parkledger.audit.log import AUDIT_CSV_COLUMNS, _cell, audit_log, verify_chain
from parkledger.audit.models import AuditAction, AuditResult

AUDIT_PAGE_SIZE = 50
_LAYOUT = {"base_template": "web/base.html", "nav": "accounts"}


# -- the audit administrator's pages --------------------------------------------------------------

def _require_auditor(request: HttpRequest) -> None:
    if not can_view_audit(request.user):
        audit_log(AuditAction.PERM_DENIED, result=AuditResult.DENIED, detail={"attempted": "audit_view", "path": request.path})
        raise PermissionDenied(_("只有审计管理员可以查看审计日志"))


@login_required
@require_http_methods(["GET"])
def audit_list_view(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_search(filters), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/audit_list.html", {**_LAYOUT,
        "form": form, "page": page, "query": query.urlencode(),
        "export_url": reverse("audit:export") + (f"?{query.urlencode()}" if query else ""),
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_http_methods(["GET"])
def audit_export_view(request: HttpRequest) -> StreamingHttpResponse:
    """The search result as CSV (UTF-8 with BOM for Excel); the export itself is audited."""
    _require_auditor(request)
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_search(filters).order_by("seq")
    audit_log(AuditAction.AUDIT_EXPORT, detail={"filters": {k: v for k, v in filters.items() if v}, "rows": entries.count()})
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def rows():
        yield "\ufeff" + writer.writerow(AUDIT_CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            values = []
            for column in AUDIT_CSV_COLUMNS:
                value = getattr(entry, column)
                if column == "time":
                    value = timezone.localtime(value).isoformat(timespec="seconds")
                values.append(_cell(value))
            yield writer.writerow(values)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@login_required
@require_http_methods(["GET"])
def audit_verify_view(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    try:
        report, key_error = verify_chain(), ""
    except ImproperlyConfigured:
        report, key_error = None, _("未配置审计密钥，无法校验审计日志（见部署说明：PARKLEDGER_AUDIT_KEY 或 audit.key 文件）")
    return render(request, "audit/audit_verify.html", {**_LAYOUT, "report": report, "key_error": key_error})
