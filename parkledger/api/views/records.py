"""One generated viewset per ledger kind: list (shared filters), create, read, update, delete, bulk upsert."""
from __future__ import annotations

__all__ = ["viewset_for", "LedgerViewSet"]

from functools import cache
from typing import ClassVar

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from openpyxl.utils.exceptions import IllegalCharacterError
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parkledger.accounts.drf import LedgerPermission, view_action
from parkledger.accounts.gate import GateMark, note_unseen
from parkledger.accounts.permissions import WRITE_ACTIONS
from parkledger.api.access import scope
from parkledger.api.base import ApiMixin
from parkledger.api.bulk import bulk_upsert
from parkledger.api.errors import error_responses
from parkledger.api.filters import StrictFilterBackend
from parkledger.api.pagination import LedgerPagination
from parkledger.api.serializers import BulkResultSerializer, bulk_serializer_for, serializer_for
from parkledger.api.services import record_create, record_delete, record_update
from parkledger.audit.import_hooks import audit_export
from parkledger.core.filtersets import filterset_for
from parkledger.core.kinds import kind_models
from parkledger.dataio.exporting import export_queryset
from parkledger.dataio.writers import TooManyRowsError

ID_PARAMETER = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="记录 ID（列表和新增返回的 `id`）：按 ID 读取、修改、删除"
)


class LedgerViewSet(ApiMixin, viewsets.ModelViewSet):
    """The records of one ledger kind (`kind`), scoped to the user's parks."""

    kind: ClassVar[str] = ""
    ledger_action: str | None = None  # set by actions whose permission is not the method's (bulk: import)
    permission_classes = [LedgerPermission]  # the role and park rules the web pages use
    # every write (create, update, delete, bulk) goes through the write gate: LedgerPermission,
    # the services of parkledger.api.services, the importer's hooks for bulk
    write_gate = GateMark(("add", "change", "delete", "import"))
    pagination_class = LedgerPagination
    filter_backends = [StrictFilterBackend]
    lookup_value_regex = r"[^/]+"  # anything: a non-numeric id is a JSON 404, not the site's HTML page
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        model = kind_models()[self.kind]
        return scope(self.request.user, self.kind, model.objects.all())

    def get_object(self):
        raw = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
            raise Http404
        try:
            return super().get_object()
        except Http404:  # outside the user's scope reads as absent; a write at such a record is audited
            action = view_action(self.request, self)
            if action in WRITE_ACTIONS:
                note_unseen(self.request.user, kind_models()[self.kind], raw, action, via="api")
            raise

    def perform_create(self, serializer) -> None:
        serializer.instance = record_create(
            model=kind_models()[self.kind], data=serializer.validated_data, user=self.request.user
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = record_update(
            instance=serializer.instance, data=serializer.validated_data, user=self.request.user,
            replace=not serializer.partial,
        )
        # a move to another park: the closed months whose recomputed figures now differ (parkledger.periods.moves)
        self.period_warnings = getattr(serializer.instance, "_pl_move_warnings", None) or []

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        warnings = getattr(self, "period_warnings", None)
        if warnings and isinstance(response.data, dict):
            response.data["period_warnings"] = warnings
        return response

    def perform_destroy(self, instance) -> None:
        record_delete(instance=instance, user=self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # a file download answers whatever the Accept header asks (its errors are JSON)
        return super().perform_content_negotiation(request, force=force or self.action == "export")

    @action(detail=False, methods=["get"], ledger_action="export", filter_backends=[], pagination_class=None)
    def export(self, request, *args, **kwargs):
        """The (filtered) records as an Excel workbook or a CSV file with Chinese headers."""
        fmt = request.query_params.get("fmt", "xlsx")
        if fmt not in EXPORT_TYPES:
            raise ValidationError({"fmt": [_("应为 xlsx 或 csv")]})
        model = kind_models()[self.kind]
        queryset = StrictFilterBackend().filter_queryset(request, self.get_queryset(), self)
        try:
            content = export_queryset(model, queryset, fmt)
        except (TooManyRowsError, IllegalCharacterError) as exc:  # too long for a workbook; text it cannot hold
            raise ValidationError({"fmt": [_("无法导出为 Excel：%(reason)s；请改用 csv") % {"reason": exc}]}) from exc
        audit_export(kinds=self.kind, park=request.query_params.get("park"), fmt=fmt, rows=None,
                     user=request.user, target="api")
        response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{self.kind}.{fmt}"'
        return response

    @action(detail=False, methods=["post"], ledger_action="import")
    def bulk(self, request, *args, **kwargs):
        """Add or update many records at once, all or nothing (the importer's validation)."""
        serializer = bulk_serializer_for(self.kind)(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            result = bulk_upsert(
                kind=self.kind, rows=serializer.validated_data["rows"],
                dry_run=serializer.validated_data.get("dry_run", False), user=request.user,
            )
        return Response(result, status=status.HTTP_200_OK)


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
EXPORT_PARAMETER = OpenApiParameter(
    "fmt", str, enum=list(EXPORT_TYPES), default="xlsx",
    description="文件格式：xlsx（默认）或 csv；列表的筛选参数同样适用",
)


def _schema(kind: str, model) -> dict:
    name = str(model._meta.verbose_name)
    ser = serializer_for(kind)
    read = error_responses(400, 401, 403, 404)
    write = error_responses(400, 401, 403, 404, 409, 413)
    return {
        "list": extend_schema(summary=f"{name}：列表", responses={200: ser(many=True), **read}),
        "create": extend_schema(summary=f"{name}：新增", responses={201: ser, **error_responses(400, 401, 403, 409, 413)}),
        "retrieve": extend_schema(summary=f"{name}：读取", parameters=[ID_PARAMETER],
                                  responses={200: ser, **error_responses(401, 403, 404)}),
        "update": extend_schema(summary=f"{name}：修改（全部字段）", parameters=[ID_PARAMETER],
                                responses={200: ser, **write}),
        "partial_update": extend_schema(summary=f"{name}：修改（部分字段）", parameters=[ID_PARAMETER],
                                        responses={200: ser, **write}),
        "destroy": extend_schema(summary=f"{name}：删除", parameters=[ID_PARAMETER],
                                 responses={204: None, **error_responses(401, 403, 404, 409)}),
        "export": extend_schema(
            summary=f"{name}：导出（Excel 或 CSV，可带列表的筛选参数）", parameters=[EXPORT_PARAMETER],
            responses={
                **{(200, mime): OpenApiResponse(OpenApiTypes.BINARY, description=fmt) for fmt, mime in EXPORT_TYPES.items()},
                **error_responses(400, 401, 403),
            },
        ),
        "bulk": extend_schema(
            summary=f"{name}：批量新增或更新", request=bulk_serializer_for(kind),
            description=_("按自然键新增或更新多行，全部成功或全部不保存；出错时返回每一行的错误（rows[行号].字段）。"),
            responses={200: BulkResultSerializer, **error_responses(400, 401, 403, 409, 413)},
        ),
    }


@cache
def viewset_for(kind: str) -> type[LedgerViewSet]:
    """The viewset class of a kind."""
    model = kind_models()[kind]
    attrs = {
        "kind": kind,
        "serializer_class": serializer_for(kind),
        "filterset_class": filterset_for(kind),
        "queryset": model.objects.none(),
        "__doc__": f"{model._meta.verbose_name}（{kind}）",
    }
    viewset = type(f"{model.__name__}ViewSet", (LedgerViewSet,), attrs)
    return extend_schema_view(**_schema(kind, model))(extend_schema(tags=[kind])(viewset))

