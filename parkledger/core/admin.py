"""Django admin for every ledger, for superusers; staff work in the web application.

Every ledger's admin class is a `GatedModelAdmin`: its lists hold the user's records only, and its
add, change and delete permissions and saves are the write gate's (`parkledger.accounts.gate`).
"""
from __future__ import annotations

from django.contrib import admin
from django.db import models

from parkledger.accounts.gate import GatedModelAdmin
from parkledger.core.admin_refusals import ClosedPeriodRefusalMixin
from parkledger.core.kinds import data_fields, kind_models


def _admin_for(model) -> type[GatedModelAdmin]:
    fields = data_fields(model)
    display = [fld.name for fld in fields][:8]
    filters = [
        fld.name for fld in fields
        if fld.choices or isinstance(fld, models.BooleanField | models.DateField)
        or (isinstance(fld, models.ForeignKey) and fld.name in ("park", "parent"))
    ][:6]
    search = [
        (f"{fld.name}__name" if isinstance(fld, models.ForeignKey) and fld.name != "park" else fld.name)
        for fld in fields
        if isinstance(fld, models.CharField) and not fld.choices
    ][:4]
    if "uscc" in {fld.name for fld in fields} and model.kind_key != "enterprise":
        search.append("uscc__uscc")
    return type(
        f"{model.__name__}Admin",
        (ClosedPeriodRefusalMixin, GatedModelAdmin),
        {
            "list_display": display,
            "list_filter": filters,
            "search_fields": search,
            "list_select_related": False,
            "show_full_result_count": False,
            "raw_id_fields": [fld.name for fld in fields if isinstance(fld, models.ForeignKey)],
        },
    )


def register_ledgers() -> None:
    for model in kind_models().values():
        if not admin.site.is_registered(model):
            admin.site.register(model, _admin_for(model))
