"""One error body for every failed request: `{"errors": [{"field": …, "message": …, "code": …}]}`.

`field` is the request key the message is about (`"uscc"`, `"rows[3].month"`), or `null`
for the request as a whole. Messages are in Chinese, in English with `Accept-Language: en`.
"""
from __future__ import annotations

__all__ = ["api_exception_handler", "error_body", "ErrorSerializer", "error_responses"]

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from parkledger.api.access import PeriodClosedError

logger = logging.getLogger(__name__)


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="出错的请求字段（如 uscc、rows[3].month），整个请求出错时为 null")
    message = serializers.CharField(help_text="原因（中文；Accept-Language: en 时为英文）")
    code = serializers.CharField(help_text="机器可读的错误代码，如 required、invalid、not_found")


class ErrorSerializer(serializers.Serializer):
    errors = ErrorItemSerializer(many=True)


ERROR_TEXT = {
    400: "请求有误",
    401: "未认证：令牌缺失、无效、已过期或已撤销",
    403: "无权执行此操作",
    404: "未找到（或不在您的权限范围内）",
    409: "冲突：所属月份已封账，或记录被其他记录引用、与已有记录重复",
    413: "请求体过大",
    503: "暂时无法生成（如服务器未安装 PDF 转换程序）",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema declarations of the error responses a view returns."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXT[code]) for code in codes}


def error_body(field: str | None, message: str, code: str = "invalid") -> dict[str, Any]:
    return {"errors": [{"field": field, "message": str(message), "code": code}]}


def _join(prefix: str | None, key: Any) -> str | None:
    if isinstance(key, int):
        return f"{prefix or ''}[{key}]"
    if key in (None, "non_field_errors", "__all__"):
        return prefix
    return f"{prefix}.{key}" if prefix else str(key)


def _flatten(detail: Any, prefix: str | None = None) -> list[dict[str, Any]]:
    """DRF's nested error detail (dicts, lists, ErrorDetail) → flat items with field paths."""
    items: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            items.extend(_flatten(value, _join(prefix, key)))
    elif isinstance(detail, list):
        if all(isinstance(v, str) for v in detail):
            for value in detail:
                items.append({"field": prefix, "message": str(value), "code": getattr(value, "code", "invalid")})
        else:
            for index, value in enumerate(detail):
                if value:
                    items.extend(_flatten(value, _join(prefix, index) if isinstance(value, dict) else prefix))
    else:
        items.append({"field": prefix, "message": str(detail), "code": getattr(detail, "code", "invalid")})
    return items


def django_validation_items(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A model's `full_clean()` error → items keyed by field name (`null` for the whole record)."""
    if hasattr(exc, "error_dict"):
        items = []
        for field, errors in exc.error_dict.items():
            for error in errors:
                items.append({
                    "field": None if field == "__all__" else field,
                    "message": " ".join(error.messages),
                    "code": error.code or "invalid",
                })
        return items
    return [{"field": None, "message": message, "code": "invalid"} for message in exc.messages]


def _response(status_code: int, items: list[dict[str, Any]], headers: dict | None = None) -> Response:
    return Response({"errors": items}, status=status_code, headers=headers)


def _audit_denied(request, exc: exceptions.PermissionDenied) -> None:
    """A refused request of a logged-in user is an audit event (越权访问), as on the web pages."""
    user = getattr(request, "user", None)
    if request is None or not (user and user.is_authenticated):
        return
    from parkledger.audit.log import audit_log
    from parkledger.audit.models import AuditAction, AuditResult

    audit_log(AuditAction.PERM_DENIED, user=user, result=AuditResult.DENIED,
              detail={"attempted": f"api {request.method} {request.path}", "reason": str(exc.detail)})


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler, answering every error in the one error body."""
    audited = getattr(exc, "audited", False)  # the write gate's refusals are in the audit log already
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    if isinstance(exc, exceptions.PermissionDenied) and not audited:
        _audit_denied(context.get("request"), exc)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if getattr(exc, "error_items", None):
            items = exc.error_items
        elif isinstance(exc, exceptions.ValidationError):
            items = _flatten(exc.detail) or [{"field": None, "message": _("请求有误"), "code": "invalid"}]
        else:
            items = _flatten(exc.detail)
        return _response(exc.status_code, items, headers)
    if isinstance(exc, PeriodClosedError):
        message = " ".join(exc.messages)
        return _response(status.HTTP_409_CONFLICT, [{"field": None, "message": message, "code": "period_closed"}])
    if isinstance(exc, DjangoValidationError):
        return _response(status.HTTP_400_BAD_REQUEST, django_validation_items(exc))
    if isinstance(exc, ProtectedError | RestrictedError):
        referring = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        message = _("该记录被其他记录引用，不能删除（共 %(count)d 条引用）") % {"count": len(referring)}
        return _response(status.HTTP_409_CONFLICT, [{"field": None, "message": message, "code": "protected"}])
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error on %s: %s", context.get("request") and context["request"].path, exc)
        return _response(status.HTTP_409_CONFLICT, [{
            "field": None, "message": _("与已有记录冲突（重复或引用不存在），请检查后重试"), "code": "conflict",
        }])
    if isinstance(exc, RequestDataTooBig):
        return _response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, [{
            "field": None, "message": _("请求体过大"), "code": "too_large",
        }])
    if isinstance(exc, RecursionError):
        return _response(status.HTTP_400_BAD_REQUEST, [{
            "field": None, "message": _("JSON 嵌套层数过多"), "code": "too_deep",
        }])
    if isinstance(exc, SuspiciousOperation):
        return _response(status.HTTP_400_BAD_REQUEST, [{"field": None, "message": _("请求有误"), "code": "invalid"}])
    return None
