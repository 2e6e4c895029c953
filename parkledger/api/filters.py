"""The shared ledger FilterSets, with the API's strict reading of query parameters.

django-filter lets some malformed values through silently (a boolean `abc` filters nothing, a
date `10/25/2006` is read in the US order), and ignores parameters it does not know (`?uscc=X`
listed every enterprise). The API rejects both with a 400 instead, so a client never gets an
unfiltered list it did not ask for. Unknown parameters are checked on the list and the export
(`parkledger.api.strict`); a record's own address ignores the query string, as before.
"""
from __future__ import annotations

__all__ = ["StrictFilterBackend"]

import re
from datetime import date

import django_filters as df
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from parkledger.api.strict import unknown_query_parameters

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
BOOLEAN_WORDS = ("true", "false")


def _date_error(raw: str) -> str | None:
    if not ISO_DATE.match(raw):
        return _("日期格式应为 YYYY-MM-DD")
    try:
        date.fromisoformat(raw)
    except ValueError:
        return _("日期不存在")
    return None


class StrictFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that first checks dates (`YYYY-MM-DD`), months (`YYYY-MM`), booleans and empty choices."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and getattr(view, "action", None) in ("list", "export"):
            known = [*filterset_class.base_filters, *getattr(view, "extra_query_params", ())]
            if view.action == "export":
                known.append("fmt")  # the export's file format
            paginator = getattr(view, "paginator", None) if view.action == "list" else None
            if paginator is not None:
                known += [paginator.page_query_param, paginator.page_size_query_param or ""]
            unknown = unknown_query_parameters(request, known)
            if unknown:
                raise serializers.ValidationError(unknown)
        if filterset_class is not None:
            errors: dict[str, list[str]] = {}
            for name, flt in filterset_class.base_filters.items():
                raw = request.query_params.get(name)
                if raw is None:
                    continue
                if isinstance(flt, df.DateFilter):
                    message = _date_error(raw)
                elif isinstance(flt, df.CharFilter) and flt.field_name == "month":
                    message = None if MONTH.match(raw) else _("月份格式应为 YYYY-MM")
                elif isinstance(flt, df.ChoiceFilter) and raw == "":  # the web's "any"; the API leaves it out
                    message = _("请选择一个有效的值，或不传这个参数")
                elif isinstance(flt, df.BooleanFilter):
                    message = None if raw in BOOLEAN_WORDS else _("应为 true 或 false")
                else:
                    message = None
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
