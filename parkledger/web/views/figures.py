"""The indicators page (every figure of the park and period by chapter) and a figure's provenance."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from parkledger.core.kinds import kind_models
from parkledger.indicators.engine import explain_figure
from parkledger.web import access, figcache
from parkledger.web.definitions import period_words, plain_definition
from parkledger.web.exports import people_workbook, xlsx_response
from parkledger.web.sources import indicator_sources, source_rows, summed_field
from parkledger.web.tables import KIND_GROUPS
from parkledger.web.views.base import render_page, selection_of

EXPORT_CAP = 100_000
CHAPTER_TITLES = dict(KIND_GROUPS)


def figure_groups(figures) -> list[dict]:
    """Figures grouped by chapter, each with its growth figure (`K.yoy`) beside it."""
    groups: dict[str, list] = {}
    for key, fig in figures.items():
        if key.endswith(".yoy") and key[: -len(".yoy")] in figures:
            continue
        groups.setdefault(fig.chapter, []).append({"fig": fig, "yoy": figures.get(f"{key}.yoy")})
    order = [label for label, _title in KIND_GROUPS]
    return [
        {"chapter": chapter, "title": CHAPTER_TITLES.get(chapter, chapter), "rows": rows}
        for chapter, rows in sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    ]


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    sel = selection_of(request)
    groups, error = [], ""
    if sel.park is None:
        error = _("您的账号还没有可查看的园区。")
    elif not access.can_see_park_figures(request.user, sel.park_code):
        raise PermissionDenied(_("无权查看园区指标"))
    else:
        try:
            groups = figure_groups(figcache.figures(sel.park_code, sel.period.key))
        except ValueError as exc:
            error = str(exc)
    words = period_words(sel.period.year, sel.period.month, sel.period.end)
    for group in groups:
        for row in group["rows"]:
            fig = row["fig"]
            row["definition"] = plain_definition(fig.definition, words, indicator_sources(fig.base_key))
    return render_page(request, "web/figures.html", {"groups": groups, "error": error, "window": words.window},
                       nav="figures")


@login_required
def figure_explain(request: HttpRequest) -> HttpResponse:
    """`/figures/explain/?park=&period=&key=`: definition, window, value and the records behind it."""
    sel = selection_of(request)
    key = request.GET.get("key", "").strip()[:200]
    if sel.park is None or not key:
        return render_page(request, "web/explain.html", {"error": _("请指定园区和指标。"), "key": key},
                           status=400, nav="figures")
    if not access.can_see_park_figures(request.user, sel.park_code):
        raise PermissionDenied(_("无权查看园区指标"))
    export = request.GET.get("export") == "xlsx"
    try:
        explanation = explain_figure(sel.park_code, sel.period.key, key, cap=EXPORT_CAP if export else 500)
    except ValueError as exc:
        return render_page(request, "web/explain.html", {"error": str(exc), "key": key}, status=404, nav="figures")
    by_kind: dict[str, list[int]] = {}
    for ref in explanation.records:
        by_kind.setdefault(ref.kind, []).append(ref.pk)
    amount_field = summed_field(explanation.definition)
    if export:
        sheets = []
        for kind, pks in by_kind.items():
            if not access.can(request.user, kind, "export", sel.park_code):
                continue
            model = kind_models()[kind]
            sheets.append((model, access.scope(request.user, kind, model.objects.filter(pk__in=pks))))
        content = people_workbook(sheets)
        access.audit_export(request.user, kinds=sorted(by_kind), park=sel.park_code, fmt="xlsx",
                            rows=explanation.records_total, target=f"figure {key} {sel.period.key}")
        return xlsx_response(content, f"{explanation.name}-{sel.period.key}")
    records = source_rows(request.user, explanation.records, amount_field)
    kinds = [
        {"kind": k, "name": kind_models()[k]._meta.verbose_name_plural, "count": len(v),
         "url": reverse("web:ledger_list", args=[k]) + "?" + urlencode(
             {"park": sel.park_code, "period": sel.period.key, "figure": key})}
        for k, v in by_kind.items()
    ]
    words = period_words(sel.period.year, sel.period.month, sel.period.end)
    context = {
        "e": explanation, "records": records, "kinds": kinds, "key": key,
        "definition": plain_definition(explanation.definition, words, indicator_sources(key)),
        "window": words.window, "amount_label": amount_field[1] if amount_field else "",
        "shown": len(records), "more": explanation.records_total > len(records),
    }
    return render_page(request, "web/explain.html", context, nav="figures")
