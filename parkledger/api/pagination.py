"""Page-number pagination: `?page=N&page_size=M` (default 100, at most 500), validated strictly."""
from __future__ import annotations

__all__ = ["LedgerPagination", "DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE"]

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def _positive_int(request, name: str, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        message = _("应为 1 到 %(max)d 之间的整数") % {"max": maximum} if maximum else _("应为正整数")
        raise serializers.ValidationError({name: [message]})
    return int(raw)


class LedgerPagination(PageNumberPagination):
    """Pages of 100 records by default, `page_size` up to 500; bad numbers are a 400, not a fallback."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return _positive_int(request, self.page_size_query_param, MAX_PAGE_SIZE) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        _positive_int(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                                   "default": DEFAULT_PAGE_SIZE}
                param["description"] = _("每页条数（默认 100，最多 500）")
            elif param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "default": 1}
        return params
