"""The API reads a request exactly: a query parameter or a body field it does not know is a 400.

Silently ignoring them answered `GET /api/enterprise/?uscc=X` with every enterprise, and a write
with a misspelt field with a record that lacked the value. Known query parameters are the list's
filters (the kind's FilterSet, `ordering` included), the pagination's `page` and `page_size`,
DRF's `format`, the export's `fmt` and a view's own `extra_query_params`. Known body fields
are the serializer's, read-only ones included (a client may send back what it read: `id`).
"""
from __future__ import annotations

__all__ = ["RejectUnknownFieldsMixin", "unknown_query_parameters"]

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings


def unknown_query_parameters(request: Any, known: Iterable[str]) -> dict[str, list[ErrorDetail]]:
    """Errors (keyed by parameter) for the query parameters of `request` that are not in `known`."""
    allowed = set(known)
    if api_settings.URL_FORMAT_OVERRIDE:
        allowed.add(api_settings.URL_FORMAT_OVERRIDE)
    return {
        name[:100]: [ErrorDetail(_("未知的查询参数：接口没有“%(name)s”这个参数") % {"name": name[:100]},
                                 code="unknown_parameter")]
        for name in request.query_params if name not in allowed
    }


class RejectUnknownFieldsMixin:
    """A serializer that refuses body fields it does not declare (a 400 naming each of them)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            unknown = [str(key) for key in data if key not in fields]
            if unknown:
                raise serializers.ValidationError({
                    key[:100]: [ErrorDetail(_("未知的字段：没有“%(name)s”这一项") % {"name": key[:100]},
                                            code="unknown_field")]
                    for key in unknown
                })
        return super().to_internal_value(data)  # type: ignore[misc]
