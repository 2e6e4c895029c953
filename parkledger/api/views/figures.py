"""`/api/figures/`: a park's figures for a period (the CLI's JSON), or one figure's provenance."""
from __future__ import annotations

__all__ = ["FiguresView"]

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from parkledger.api.access import require_figures
from parkledger.api.base import ApiMixin
from parkledger.api.errors import error_responses
from parkledger.api.fields import StrictCharField
from parkledger.indicators.engine import compute_figures, explain_figure
from parkledger.indicators.types import Explanation, plain_decimal
from parkledger.lib.periods import Period

PERIOD_PATTERN = r"^\d{4}-\d{2}$"


class FiguresQuery(serializers.Serializer):
    park = StrictCharField(max_length=64, help_text="园区代码（含下级园区）")
    period = serializers.RegexField(PERIOD_PATTERN, help_text="报告期 YYYY-MM")
    keys = StrictCharField(required=False, allow_blank=True, max_length=4000, help_text="只计算这些指标，逗号分隔")
    explain = StrictCharField(required=False, max_length=200, help_text="解释这个指标：定义、期间与来源记录")

    def validate_period(self, value: str) -> str:
        try:
            Period.parse(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value


def explanation_json(ex: Explanation) -> dict:
    value = ex.value if ex.value is None or isinstance(ex.value, str) else plain_decimal(ex.value)
    return {
        "key": ex.key, "name": ex.name, "unit": ex.unit, "definition": ex.definition, "window": ex.window,
        "value": value, "text": ex.text, "reason": ex.reason or "",
        "records": [{"kind": r.kind, "natural_key": r.natural_key, "id": r.pk, "label": r.label} for r in ex.records],
        "records_total": ex.records_total,
        **({"closed": True} if ex.closed else {}),
    }


_NULLABLE_TEXT = {"type": "string", "nullable": True}

FIGURES_SCHEMA = {
    "type": "object",
    "description": "指标键 → 值（与 `parkledger figures --format json` 相同）",
    "additionalProperties": {
        "type": "object",
        "properties": {
            "value": {**_NULLABLE_TEXT, "description": "精确值（展示单位的十进制字符串），名称类指标为名称，无法计算时为 null"},
            "text": {**_NULLABLE_TEXT, "description": "报告中的写法"},
            "unit": {"type": "string", "description": "展示单位"},
            "closed": {"type": "boolean", "description": "已封账：封账时冻结的值（仅封账月份出现）"},
        },
        "required": ["value", "text", "unit"],
    },
}

EXPLANATION_SCHEMA = {
    "type": "object",
    "description": "一个指标的口径、期间、值与来源记录（explain=KEY 时）",
    "properties": {
        "key": {"type": "string"},
        "name": {"type": "string"},
        "unit": {"type": "string"},
        "definition": {"type": "string"},
        "window": {"type": "string", "description": "统计期间"},
        "value": _NULLABLE_TEXT,
        "text": _NULLABLE_TEXT,
        "reason": {"type": "string", "description": "无法计算的原因"},
        "records": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "kind": {"type": "string"}, "natural_key": {"type": "string"},
                "id": {"type": "integer", "description": "记录 ID（/api/<kind>/<id>/）"}, "label": {"type": "string"},
            },
            "required": ["kind", "natural_key", "id", "label"],
        }},
        "records_total": {"type": "integer"},
        "closed": {"type": "boolean", "description": "已封账：值为封账时冻结的值，来源记录为当前台账（仅封账月份出现）"},
    },
    "required": ["key", "name", "unit", "definition", "window", "value", "text", "reason", "records", "records_total"],
}


class FiguresView(ApiMixin, APIView):
    """Every figure (or the asked `keys`) of a park and period; with `explain=KEY`, that figure's provenance."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="指标：全部（或指定）指标的值，或一个指标的口径与来源记录",
        tags=["figures"],
        parameters=[
            OpenApiParameter("park", str, required=True, description="园区代码（含下级园区）"),
            OpenApiParameter("period", str, required=True, pattern=PERIOD_PATTERN, description="报告期 YYYY-MM"),
            OpenApiParameter("keys", str, description="只计算这些指标，逗号分隔，如 econ.output,econ.output.yoy"),
            OpenApiParameter("explain", str, description="解释这个指标（返回定义、期间、值与来源记录）"),
        ],
        responses={
            200: OpenApiResponse({"oneOf": [EXPLANATION_SCHEMA, FIGURES_SCHEMA]}, description="指标值，或一个指标的解释"),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request):
        query = FiguresQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        park, period = query.validated_data["park"], query.validated_data["period"]
        require_figures(request.user, park)
        key = query.validated_data.get("explain")
        if key:
            try:
                return Response(explanation_json(explain_figure(park, period, key)))
            except ValueError as exc:
                raise exceptions.NotFound(str(exc)) from exc
        keys = [k.strip() for k in query.validated_data.get("keys", "").split(",") if k.strip()] or None
        try:
            figures = compute_figures(park, period, keys)
        except ValueError as exc:
            raise exceptions.ValidationError({"keys" if keys else "period": [str(exc)]}) from exc
        return Response(figures.to_json())
