"""`/api/reports/`: generate the work report in any format (and issue it), list and download archived ones."""
from __future__ import annotations

__all__ = ["ReportListCreateView", "IssuedReportDownloadView"]

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from parkledger.accounts.permissions import can_issue_report
from parkledger.api.access import require_figures
from parkledger.api.base import ApiMixin
from parkledger.api.errors import error_responses
from parkledger.api.fields import StrictBooleanField, StrictCharField, StrictChoiceField
from parkledger.api.pagination import LedgerPagination
from parkledger.audit.import_hooks import audit_export
from parkledger.lib.periods import Period
from parkledger.reports.models import IssuedReport
from parkledger.reports.renderers import CONTENT_TYPES, FORMATS
from parkledger.reports.services import (
    ReportTemplateError,
    build_report,
    find_template,
    issue_report,
    render,
    report_filename,
)

FILE_RESPONSES = {
    (200, CONTENT_TYPES[fmt].split(";")[0]): OpenApiResponse(OpenApiTypes.BINARY, description=f"{fmt} 文件")
    for fmt in FORMATS
}


class ReportRequestSerializer(serializers.Serializer):
    park = StrictCharField(max_length=64, help_text="园区代码")
    period = StrictCharField(max_length=7, help_text="报告期 YYYY-MM")
    format = StrictChoiceField(choices=[(f, f) for f in FORMATS], required=False, default="docx",
                               help_text="docx、pdf、html、md、txt、masked（脱敏文本）或 json")
    template = StrictCharField(required=False, max_length=100, help_text="模板名称（园区的或共用的）；留空用默认模板")
    issue = StrictBooleanField(required=False, default=False,
                               help_text="签发并归档（仅领导）；归档报告的 ID 在响应头 X-Issued-Report-Id")

    def validate_period(self, value: str) -> str:
        try:
            return Period.parse(value).key
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class IssuedReportSerializer(serializers.ModelSerializer):
    park = serializers.CharField(source="park_id")
    issued_by = serializers.SerializerMethodField(help_text="签发人（用户名）")
    download = serializers.SerializerMethodField(help_text="下载地址")

    class Meta:
        model = IssuedReport
        fields = ["id", "park", "period", "format", "filename", "checksum", "issued_by", "issued_at", "download"]
        read_only_fields = fields

    def get_issued_by(self, obj) -> str | None:
        return obj.issued_by.get_username() if obj.issued_by else None

    def get_download(self, obj) -> str:
        return f"/api/reports/{obj.pk}/download/"


def file_response(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class FileNegotiationMixin:
    """File answers ignore the Accept header (errors are still JSON)."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class ReportListCreateView(FileNegotiationMixin, ApiMixin, ListAPIView):
    """GET: the archived (issued) reports of the user's parks. POST: a report, generated now."""

    permission_classes = [IsAuthenticated]
    pagination_class = LedgerPagination
    serializer_class = IssuedReportSerializer

    def get_queryset(self):
        qs = (IssuedReport.objects.filter(park_id__in=require_figures(self.request.user))
              .select_related("issued_by").defer("content", "template_text", "figures", "omitted")
              .order_by("-issued_at", "-id"))
        for name in ("park", "period", "format"):
            value = self.request.query_params.get(name)
            if value:
                qs = qs.filter(**{"park_id" if name == "park" else name: value})
        return qs

    @extend_schema(
        summary="报告：已签发归档的报告列表", tags=["reports"],
        parameters=[
            OpenApiParameter("park", str, description="园区代码"),
            OpenApiParameter("period", str, description="报告期 YYYY-MM"),
            OpenApiParameter("format", str, enum=list(FORMATS), description="格式"),
        ],
        responses={200: IssuedReportSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="报告：生成（任一格式，可同时签发归档）", tags=["reports"], request=ReportRequestSerializer,
        responses={**FILE_RESPONSES, **error_responses(400, 401, 403, 404, 409, 413, 503)},
    )
    def post(self, request, *args, **kwargs):
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        park, period, fmt = data.validated_data["park"], data.validated_data["period"], data.validated_data["format"]
        require_figures(request.user, park)
        issue = data.validated_data["issue"]
        if issue and not can_issue_report(request.user):
            raise exceptions.PermissionDenied(_("只有领导可以签发报告"))
        template = None
        if data.validated_data.get("template"):
            template = find_template(park, data.validated_data["template"])
            if template is None:
                raise exceptions.ValidationError({"template": [_("没有名为“%(name)s”的模板") % {
                    "name": data.validated_data["template"]}]})
        try:
            if issue:
                issued = issue_report(park=park, period=period, fmt=fmt, template=template, user=request.user)
                self._audit_issue(request.user, issued)
                response = file_response(issued.content, fmt, issued.filename)
                response["X-Issued-Report-Id"] = str(issued.pk)
                return response
            document = build_report(park, period, template=template)
            content = render(document, fmt)
        except (ReportTemplateError, ValueError) as exc:
            raise exceptions.ValidationError({None: [str(getattr(exc, "message", exc))]}) from exc
        except RuntimeError as exc:  # the PDF converter is missing or failed
            raise ServiceUnavailable(str(exc)) from exc
        audit_export(kinds="report", park=park, fmt=fmt, rows=None, user=request.user, target=f"report {period}")
        return file_response(content, fmt, report_filename(document, fmt))

    @staticmethod
    def _audit_issue(user, issued: IssuedReport) -> None:
        from parkledger.audit.log import audit_log
        from parkledger.audit.models import AuditAction

        audit_log(AuditAction.REPORT_ISSUE, obj=issued, user=user,
                  detail={"park": issued.park_id, "period": issued.period, "format": issued.format,
                          "checksum": issued.checksum})


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = _lazy("暂时无法生成该格式")
    default_code = "unavailable"


class IssuedReportDownloadView(FileNegotiationMixin, ApiMixin, APIView):
    """An archived report's file, byte for byte as issued."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="报告：下载已签发的报告", tags=["reports"],
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="已签发报告的 ID")],
        responses={**FILE_RESPONSES, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: str):
        if not (pk.isascii() and pk.isdigit() and len(pk) < 19):
            raise Http404
        issued = IssuedReport.objects.filter(pk=int(pk), park_id__in=require_figures(request.user)).first()
        if issued is None:
            raise Http404
        audit_export(kinds="report", park=issued.park_id, fmt=issued.format, rows=None, user=request.user,
                     target=f"issued report {issued.pk}")
        return file_response(issued.content, issued.format, issued.filename)
