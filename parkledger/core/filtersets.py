"""One FilterSet per ledger kind, shared by the web lists, their Excel export and the API.

Generated from the model's fields so every kind filters the same way:
- `park`: the park and its sub-parks (through the kind's `park_path`);
- `q`: a search over the kind's text fields;
- `<date>_after` / `<date>_before` for every date field, `month_after` / `month_before` for months;
- exact filters for choice, boolean and reference fields;
- `ordering` over the kind's fields (`-field` for descending).
"""
from __future__ import annotations

from functools import cache

import django_filters as df
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import LedgerModel, Park


class LedgerFilterSet(df.FilterSet):
    """Base class: park scoping and free-text search."""

    park = df.CharFilter(method="filter_park", label=_("园区"))
    q = df.CharFilter(method="filter_search", label=_("搜索"))

    search_fields: tuple[str, ...] = ()

    def filter_park(self, queryset, name, value):
        path = self._meta.model.park_path
        if not value or not path:
            return queryset
        codes = Park.objects.descendant_codes(value)
        lookup = "code__in" if path == "code" else f"{path}_id__in"
        return queryset.filter(**{lookup: codes})

    def filter_search(self, queryset, name, value):
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


def _reference_search_paths(fld: models.ForeignKey) -> list[str]:
    """What the search box matches of a reference: its code and the name people call it by
    (an enterprise's name, a project's name; an inspection by its enterprise's name)."""
    related = fld.related_model
    names = {f.name for f in related._meta.get_fields()}
    paths = [f"{fld.name}__{fld.target_field.name}"]
    if "name" in names:
        paths.append(f"{fld.name}__name")
    elif "uscc" in names:
        paths.append(f"{fld.name}__uscc__name")
    return paths


@cache
def filterset_for(kind_key: str) -> type[LedgerFilterSet]:
    """The FilterSet class of a ledger kind."""
    model: type[LedgerModel] = kind_models()[kind_key]
    attrs: dict[str, object] = {}
    exact: list[str] = []
    search: list[str] = []
    orderable: list[str] = []
    for fld in data_fields(model):
        orderable.append(fld.name)
        if isinstance(fld, models.DateField):
            attrs[f"{fld.name}_after"] = df.DateFilter(
                field_name=fld.name, lookup_expr="gte", label=f"{fld.verbose_name} ≥"
            )
            attrs[f"{fld.name}_before"] = df.DateFilter(
                field_name=fld.name, lookup_expr="lte", label=f"{fld.verbose_name} ≤"
            )
        elif fld.name == "month":
            attrs["month_after"] = df.CharFilter(field_name="month", lookup_expr="gte", label=_("月份 ≥"))
            attrs["month_before"] = df.CharFilter(field_name="month", lookup_expr="lte", label=_("月份 ≤"))
        elif fld.choices or isinstance(fld, models.BooleanField):
            exact.append(fld.name)
        elif isinstance(fld, models.ForeignKey) and fld.name not in ("park",):
            attrs[fld.name] = df.CharFilter(field_name=fld.attname, label=fld.verbose_name)
            search.extend(_reference_search_paths(fld))
        elif isinstance(fld, models.CharField) and fld.name != "park":
            search.append(fld.name)
    attrs["ordering"] = df.OrderingFilter(fields=[(name, name) for name in orderable], label=_("排序"))
    attrs["search_fields"] = tuple(search)
    meta = type("Meta", (), {"model": model, "fields": exact})
    attrs["Meta"] = meta
    return type(f"{model.__name__}FilterSet", (LedgerFilterSet,), attrs)
