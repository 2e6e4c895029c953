"""Ledger pages for every record kind: list (filters, search, sort, pages, Excel), detail, forms."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, ProtectedError, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from parkledger.accounts import gate
from parkledger.core.filtersets import filterset_for
from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import Enterprise, LedgerModel
from parkledger.web import access
from parkledger.web.exports import queryset_xlsx, xlsx_response
from parkledger.web.forms import dress_filter_form, ledger_form_class
from parkledger.web.present import record_changes, record_title, unit_of
from parkledger.web.selectors import apply_preset, in_parks, park_codes, presets_for
from parkledger.web.tables import (
    case_info,
    cell_text,
    is_case_kind,
    kind_groups,
    list_fields,
    related_for_list,
)
from parkledger.web.views.base import htmx_partial, render_page, selection_of

PAGE_SIZE = 50
FIGURE_RECORDS_CAP = 100_000


def _model(kind: str) -> type[LedgerModel]:
    model = kind_models().get(kind)
    if model is None:
        raise Http404(_("没有这种台账：%(kind)s") % {"kind": kind[:40]})
    return model


def _require(request: HttpRequest, kind: str, action: str, park_code: str | None = None) -> None:
    if not access.can(request.user, kind, action, park_code):
        raise PermissionDenied(_("无权执行此操作"))


@dataclass
class Filtered:
    """A ledger list's records: `qs` (ordered) and the query that counts them best."""

    filterset: object
    qs: QuerySet
    count_qs: QuerySet
    preset: object
    filtered: bool
    figure: FigureRecords | None = None


def _scoped(request: HttpRequest, kind: str, codes, *, as_exists: bool) -> QuerySet:
    """The kind's records the user may see, in the selected park (and its sub-parks).

    `as_exists` puts the user's scope in a correlated EXISTS, so that the database walks the
    records in the list's order (or by the index of another condition) and stops after one page;
    a plain join counts an unfiltered list faster.
    """
    model = _model(kind)
    scoped = access.scope(request.user, kind, model.objects.all())
    if as_exists and scoped.query.where:
        scoped = model.objects.filter(Exists(scoped.filter(pk=OuterRef("pk"))))
    if codes is not None:
        scoped = scoped.filter(in_parks(model, codes))
    return scoped


def filtered_queryset(request: HttpRequest, kind: str) -> Filtered:
    """The kind's records the user may see, filtered, searched and sorted as the querystring asks."""
    sel = selection_of(request)
    data = request.GET.copy()
    data.pop("park", None)  # the park is the selection's (`?park=` sets it), applied in `_scoped`
    preset_key = request.GET.get("preset", "")
    codes = park_codes(sel.park_code) if sel.park is not None else None
    results = []
    for as_exists in (True, False):
        filterset = filterset_for(kind)(data, queryset=_scoped(request, kind, codes, as_exists=as_exists))
        qs, preset = apply_preset(filterset.qs, preset_key, sel.as_of, sel.period)
        results.append((filterset, qs, preset))
    (filterset, qs, preset), (_fs, joined, _p) = results
    figure = figure_records(request, kind, sel)
    if figure is not None:
        qs = qs.filter(pk__in=figure.pks)
    if not request.GET.get("ordering"):
        qs = qs.order_by(*default_ordering(_model(kind)))
    if filterset.is_valid():
        asked = any(value for name, value in filterset.form.cleaned_data.items() if name != "ordering")
        filtered = asked or preset is not None
    else:
        filtered = True
    filtered = filtered or figure is not None
    # a list narrowed by a filter is counted fastest the way its page is read; an unfiltered one by a join
    return Filtered(filterset, qs, qs if filtered else joined, preset, filtered, figure)


@dataclass
class FigureRecords:
    """`?figure=KEY`: the records of the kind a figure of the selected park and period counts."""

    key: str
    name: str
    pks: list[int]


def figure_records(request: HttpRequest, kind: str, sel) -> FigureRecords | None:
    key = request.GET.get("figure", "").strip()[:200]
    if not key or sel.park is None:
        return None
    if not access.can_see_park_figures(request.user, sel.park_code):
        return FigureRecords(key, key, [])
    from parkledger.indicators.engine import explain_figure

    try:
        explanation = explain_figure(sel.park_code, sel.period.key, key, cap=FIGURE_RECORDS_CAP)
    except ValueError:
        return FigureRecords(key, key, [])
    return FigureRecords(key, explanation.name, [ref.pk for ref in explanation.records if ref.kind == kind])


def _link_for(fld: models.Field, obj: models.Model) -> str:
    """The page a reference cell links to (an enterprise's 360 page, or the referenced record)."""
    if not isinstance(fld, models.ForeignKey):
        return ""
    code = getattr(obj, fld.attname)
    if code in (None, ""):
        return ""
    if fld.related_model is Enterprise:
        return reverse("web:enterprise", args=[code])
    kind = getattr(fld.related_model, "kind_key", "")
    if kind:
        return reverse("web:ledger_by_code", args=[kind, code])
    return ""


def default_ordering(model: type[LedgerModel]) -> tuple:
    """A list's order when none is asked: the newest month (or year) first, then by name."""
    names = {fld.name: fld for fld in data_fields(model)}
    order: list = []
    dates = [f.name for f in names.values() if isinstance(f, models.DateField)]
    if "month" in names:
        order.append("-month")
    elif "year" in names:
        order.append("-year")
    elif dates:
        # the record's own date (received, inspected, signed …), newest first, undated ones last
        order.append(F(dates[0]).desc(nulls_last=True))
    ref = names.get("uscc") or names.get("employer_uscc")
    if isinstance(ref, models.ForeignKey) and ref.related_model is Enterprise:
        order.append(f"{ref.name}__name")
    elif "name" in names:
        order.append("name")
    return (*order, "-pk")


def _cell(obj: models.Model, fld: models.Field, column: dict) -> dict:
    if column["part"] == "name":
        related = getattr(obj, fld.name, None) if getattr(obj, fld.attname) else None
        return {"text": getattr(related, "name", "") if related is not None else "", "link": _link_for(fld, obj),
                "num": False}
    if column["part"] == "code":
        return {"text": getattr(obj, fld.attname) or "", "link": "", "num": False}
    return {"text": cell_text(obj, fld), "link": _link_for(fld, obj), "num": column["num"]}


def list_columns(fields) -> list[dict]:
    """The columns of a list: an enterprise reference as its name and, beside it, its code;
    numbers right-aligned with the unit in the header."""
    columns = []
    for fld in fields:
        if isinstance(fld, models.ForeignKey) and fld.related_model is Enterprise:
            columns.append({"field": fld, "part": "name", "label": _("企业名称"), "sort": "", "num": False})
            columns.append({"field": fld, "part": "code", "label": fld.verbose_name, "sort": fld.name, "num": False})
            continue
        unit = unit_of(fld)
        label = f"{fld.verbose_name}（{unit}）" if unit and unit not in str(fld.verbose_name) else fld.verbose_name
        num = isinstance(fld, models.DecimalField | models.IntegerField) and not fld.choices
        columns.append({"field": fld, "part": "value", "label": label, "sort": fld.name, "num": num})
    return columns


def _rows(objects, fields, as_of, kind):
    columns = list_columns(fields)
    rows = []
    for obj in objects:
        cells = [_cell(obj, column["field"], column) for column in columns]
        rows.append({"obj": obj, "cells": cells, "case": case_info(obj, as_of), "title": record_title(obj),
                     "url": reverse("web:ledger_detail", args=[kind, obj.pk])})
    return rows


@login_required
def ledger_index(request: HttpRequest) -> HttpResponse:
    """The ledgers the user may open, by chapter (no link that would answer 403)."""
    sel = selection_of(request)
    groups = []
    for heading, kinds in kind_groups():
        mine = [(key, model) for key, model in kinds if access.can(request.user, key, "view", sel.park_code or None)]
        if mine:
            groups.append((heading, mine))
    return render_page(request, "web/ledgers/index.html", {"visible_groups": groups}, nav="ledgers")


def own_enterprises(user) -> list[str]:
    """The enterprises an enterprise user files for (empty for everybody else)."""
    from parkledger.accounts.permissions import enterprise_usccs

    return list(enterprise_usccs(user))


def _enterprise_fields(model: type[LedgerModel]) -> list[str]:
    return [f.name for f in data_fields(model) if isinstance(f, models.ForeignKey) and f.related_model is Enterprise]


# yearly values an enterprise's new monthly return starts from (its last return's)
CARRIED_FORWARD = ("above_scale", "employees")


def _enterprise_defaults(form, kind: str, usccs: list[str]) -> None:
    """An enterprise user's forms: his enterprise preset and locked; a new monthly return starts
    from his last return's yearly values (规上, employees)."""
    if len(usccs) != 1:
        return
    for name in _enterprise_fields(form._meta.model):
        form.lock(name, usccs[0])
    if kind == "enterprise_month" and not form.instance.pk and not form.is_bound:
        from parkledger.core.models import EnterpriseMonth

        last = EnterpriseMonth.objects.filter(uscc_id=usccs[0]).order_by("-month").first()
        if last is not None:
            for name in CARRIED_FORWARD:
                if name in form.fields:
                    form.initial[name] = getattr(last, name)
            form.initial.setdefault("month", next_month(last.month))


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"


@login_required
def ledger_list(request: HttpRequest, kind: str) -> HttpResponse:
    model = _model(kind)
    sel = selection_of(request)
    _require(request, kind, "view", sel.park_code or None)
    found = filtered_queryset(request, kind)
    filterset, qs, preset = found.filterset, found.qs, found.preset
    if request.GET.get("export") == "xlsx":
        _require(request, kind, "export", sel.park_code or None)
        content = queryset_xlsx(model, qs)
        access.audit_export(request.user, kinds=kind, park=sel.park_code or None, fmt="xlsx",
                            target=request.get_full_path()[:500])
        return xlsx_response(content, f"{model._meta.verbose_name_plural}-{sel.period.key}")
    qs = qs.select_related(*related_for_list(kind))
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = found.count_qs.count()  # (a cached property of the paginator)
    page = paginator.get_page(request.GET.get("page"))
    fields = list_fields(kind)
    dress_filter_form(filterset.form)
    ordering = request.GET.get("ordering", "")
    context = {
        "kind": kind, "model": model, "meta": model._meta, "filterset": filterset, "page": page,
        "fields": fields, "columns": list_columns(fields), "rows": _rows(page.object_list, fields, sel.as_of, kind),
        "is_case": is_case_kind(model), "preset": preset, "presets": presets_for(model),
        "ordering": ordering, "figure": found.figure, "can_add": access.can(request.user, kind, "add", sel.park_code or None),
        "can_export": access.can(request.user, kind, "export", sel.park_code or None),
        "advanced_open": any(
            request.GET.get(name) for name in filterset.form.fields if name not in ("q", "park", "ordering")
        ),
    }
    template = "web/ledgers/_table.html" if htmx_partial(request) else "web/ledgers/list.html"
    return render_page(request, template, context, nav="ledgers")


def _get_record(request: HttpRequest, kind: str, pk: int) -> LedgerModel:
    model = _model(kind)
    qs = access.scope(request.user, kind, model.objects.all()).select_related(*related_for_list(kind))
    return get_object_or_404(qs, pk=pk)


def _record_to_write(request: HttpRequest, kind: str, pk: int, action: str) -> LedgerModel:
    """The record a write aims at: 404 when the user may not see it (audited by the gate when it exists)."""
    try:
        return _get_record(request, kind, pk)
    except Http404:
        gate.note_unseen(request.user, _model(kind), pk, action, via="web")
        raise


@login_required
def ledger_by_code(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Open a record by its code (references link here)."""
    model = _model(kind)
    key = "uscc" if model is Enterprise else "code"
    if key not in {fld.name for fld in model._meta.concrete_fields}:  # a kind without codes
        raise Http404
    obj = get_object_or_404(access.scope(request.user, kind, model.objects.all()), **{key: code})
    return redirect("web:ledger_detail", kind, obj.pk)


@login_required
def ledger_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _model(kind)
    obj = _get_record(request, kind, pk)
    if not access.can_record(request.user, obj, "view"):
        raise PermissionDenied(_("无权执行此操作"))
    sel = selection_of(request)
    fields = [
        {"label": fld.verbose_name, "text": cell_text(obj, fld), "link": _link_for(fld, obj), "unit": unit_of(fld)}
        for fld in data_fields(model)
    ]
    context = {
        "kind": kind, "model": model, "meta": model._meta, "obj": obj, "fields": fields, "title": record_title(obj),
        "case": case_info(obj, sel.as_of), "history": record_changes(model, obj.pk),
        "can_change": access.can_record(request.user, obj, "change"),
        "read_only_reason": "" if access.can_record(request.user, obj, "change") else read_only_reason(request.user, kind),
        "can_delete": access.can_record(request.user, obj, "delete"),
    }
    return render_page(request, "web/ledgers/detail.html", context, nav="ledgers")


def read_only_reason(user, kind: str) -> str:
    """Why a record the user may read has no 编辑 button."""
    if own_enterprises(user):
        return _("企业账号只能修改本企业自己填报的记录；此类记录由园区工作人员维护。")
    return _("您的角色可以查看此类台账，但修改由负责该台账的部门办理，因此没有“编辑”按钮。")


def _selected_park(request: HttpRequest) -> str | None:
    return selection_of(request).park_code or None


def _save(form, request: HttpRequest, kind: str) -> LedgerModel | None:
    """Save a valid form if the write gate lets the user write the record where it was and where
    it goes; None (with the refusal among the form's errors) otherwise."""
    obj = form.instance
    try:
        stored = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk else None
        gate.check_references(request.user, obj, old=stored)
        gate.check_save(request.user, obj, via="web")
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    except gate.WriteRefused as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
        return None
    try:
        with transaction.atomic():
            obj = form.save()
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None
    except IntegrityError:
        form.add_error(None, _("与已有记录重复，未保存"))
        return None
    return obj


@login_required
@gate.gated_view("add", park=_selected_park)
def ledger_create(request: HttpRequest, kind: str) -> HttpResponse:
    model = _model(kind)
    sel = selection_of(request)
    form_class = ledger_form_class(kind)
    usccs = own_enterprises(request.user)
    if request.method == "POST":
        form = form_class(request.POST, parks=sel.parks)
        _enterprise_defaults(form, kind, usccs)
        if form.is_valid():
            obj = _save(form, request, kind)
            if obj is not None:
                messages.success(request, _("已新增：%(obj)s") % {"obj": record_title(obj)})
                return redirect("web:ledger_detail", kind, obj.pk)
    else:
        initial = {"park": sel.park_code} if "park" in form_class.base_fields else {}
        form = form_class(initial=initial, parks=sel.parks)
        _enterprise_defaults(form, kind, usccs)
    return render_page(request, "web/ledgers/form.html", {"kind": kind, "meta": model._meta, "form": form,
                                                            "obj": None}, nav="ledgers")


@login_required
@gate.gated_view("change")
def ledger_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _model(kind)
    obj = _record_to_write(request, kind, pk, "change")
    gate.check_record(request.user, obj, "change", via="web")
    sel = selection_of(request)
    form_class = ledger_form_class(kind)
    usccs = own_enterprises(request.user)
    if request.method == "POST":
        form = form_class(request.POST, instance=obj, parks=sel.parks)
        _enterprise_defaults(form, kind, usccs)
        if form.is_valid():
            saved = _save(form, request, kind)
            if saved is not None:
                messages.success(request, _("已保存：%(obj)s") % {"obj": record_title(saved)})
                return redirect("web:ledger_detail", kind, saved.pk)
    else:
        form = form_class(instance=obj, parks=sel.parks)
        _enterprise_defaults(form, kind, usccs)
    return render_page(request, "web/ledgers/form.html", {"kind": kind, "meta": model._meta, "form": form,
                                                            "obj": obj}, nav="ledgers")


@login_required
@gate.gated_view("delete")
def ledger_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _model(kind)
    obj = _record_to_write(request, kind, pk, "delete")
    gate.check_delete(request.user, obj, via="web")
    if request.method == "POST":
        label = record_title(obj)
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            messages.error(request, _("“%(obj)s”仍被其他记录引用，不能删除") % {"obj": label})
            return redirect("web:ledger_detail", kind, pk)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("web:ledger_detail", kind, pk)
        messages.success(request, _("已删除：%(obj)s") % {"obj": label})
        return redirect("web:ledger_list", kind)
    return render_page(request, "web/ledgers/delete.html", {"kind": kind, "meta": model._meta, "obj": obj},
                       nav="ledgers")
