"""`/api/audit/`: the audit log, searched; for the audit administrator only."""
from __future__ import annotations

__all__ = ["AuditLogView"]

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from parkledger.accounts.drf import AuditAdminOnly
from parkledger.accounts.selectors import audit_search
from parkledger.api.base import ApiMixin
from parkledger.api.errors import error_responses
from parkledger.api.fields import StrictCharField, StrictChoiceField, StrictDateField
from parkledger.api.pagination import LedgerPagination
from parkledger.audit.models import AuditAction, AuditEntry, AuditResult


class AuditQuerySerializer(serializers.Serializer):
    username = StrictCharField(required=False, max_length=150, help_text="用户名（包含）")
    action = StrictChoiceField(choices=AuditAction.choices, required=False, help_text="事件")
    result = StrictChoiceField(choices=AuditResult.choices, required=False, help_text="结果")
    object_kind = StrictCharField(required=False, max_length=64, help_text="对象类型（台账类型等）")
    object = StrictCharField(required=False, max_length=255, help_text="对象ID，或对象标识（包含）")
    ip = StrictCharField(required=False, max_length=45, help_text="IP 地址（前缀）")
    date_from = StrictDateField(required=False, help_text="起始日期 YYYY-MM-DD")
    date_to = StrictDateField(required=False, help_text="截止日期 YYYY-MM-DD（含当日）")


class AuditEntrySerializer(serializers.ModelSerializer):
    before = serializers.JSONField(allow_null=True, help_text="修改前的值")
    after = serializers.JSONField(allow_null=True, help_text="修改后的值")
    detail = serializers.JSONField(allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "seq", "time", "user_id", "username", "ip", "action", "object_kind", "object_pk", "natural_key",
            "result", "before", "after", "detail", "prev_hash", "hash",
        ]
        read_only_fields = fields


class AuditLogView(ApiMixin, ListAPIView):
    """Audit entries, newest first, filtered like the audit page's search."""

    permission_classes = [AuditAdminOnly]
    pagination_class = LedgerPagination
    serializer_class = AuditEntrySerializer

    def get_queryset(self):
        query = AuditQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return audit_search(query.validated_data)

    @extend_schema(
        summary="审计日志：检索（仅审计管理员）", tags=["audit"], parameters=[AuditQuerySerializer],
        responses={200: AuditEntrySerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
