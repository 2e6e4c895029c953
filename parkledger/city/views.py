"""The city pages: 园区比较 (figures of the parks side by side) and 全市概况 (the city dashboard).

A user sees the parks whose figures he may see (`figure_park_codes`): a city user every park of his
city, a park's staff only their own park (so the comparison never shows him another park).
"""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parkledger.accounts.permissions import figure_park_codes
from parkledger.city.compare import CompareError, city_figures, compare, ranks, top_level_parks
from parkledger.city.export import write_xlsx
from parkledger.city.selectors import ALARM_TYPES, city_alarms, monthly_output, permu_grades, top_enterprises
from parkledger.core.models import Park
from parkledger.indicators.registry import all_indicators, resolve
from parkledger.web.views.base import render_page, selection_of

DEFAULT_KEYS = ("econ.output", "econ.above_scale_value_added", "econ.fai", "invest.signed")
HEADLINE_KEYS = ("econ.output", "econ.above_scale_value_added", "econ.fai", "econ.industrial_investment",
                 "econ.fiscal_revenue_total", "invest.signed")
MAX_KEYS = 20


def visible_parks(user: Any, city: str | None) -> tuple[list[Park], list[str], str]:
    """(the top-level parks of `city` the user may see, the cities he may see, the chosen city)."""
    codes = set(figure_park_codes(user))
    parks = [p for p in top_level_parks() if p.code in codes]
    cities = sorted({p.city for p in parks if p.city})
    chosen = city if city in cities else (cities[0] if cities else "")
    return [p for p in parks if p.city == chosen or not chosen], cities, chosen


def _scope(request: HttpRequest) -> tuple[Any, list[Park], list[str], str]:
    """(the selection, the visible parks of the asked city, the cities, the city); 403 without parks."""
    sel = selection_of(request)
    parks, cities, city = visible_parks(request.user, request.GET.get("city"))
    if not parks:
        raise PermissionDenied(_("您的账号没有可比较的园区"))
    return sel, parks, cities, city


def _names() -> dict[str, str]:
    return {ind.key: str(ind.name) for ind in all_indicators()}


def _known(key: str) -> bool:
    try:
        resolve(key)
    except KeyError:
        return False
    return True


def _chosen_keys(request: HttpRequest) -> list[str]:
    asked = request.GET.getlist("keys") or [k for k in request.GET.get("k", "").split(",") if k]
    keys = [k for k in dict.fromkeys(asked) if _known(k)][:MAX_KEYS]
    return keys or list(DEFAULT_KEYS)


def _optional_key(key: str) -> str | None:
    return key if _known(key) else None


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except ArithmeticError:
        return None


def _catalogue() -> list[tuple[str, list[tuple[str, str]]]]:
    """Indicators to pick from, grouped by chapter (parameterised ones left out)."""
    from parkledger.accounts.roles import Chapter

    labels = dict(Chapter.choices)
    groups: dict[str, list[tuple[str, str]]] = {}
    for ind in all_indicators():
        if ind.parameterised:
            continue
        groups.setdefault(str(labels.get(ind.chapter, ind.chapter)), []).append((ind.key, str(ind.name)))
    return list(groups.items())


@login_required
@require_GET
def compare_page(request: HttpRequest) -> HttpResponse:
    sel, parks, cities, city = _scope(request)
    keys = _chosen_keys(request)
    period = sel.period.key
    extras = [k for key in keys for k in (_optional_key(f"{key}.yoy"), _optional_key(f"plan.progress[{key}]")) if k]
    try:
        result = compare(period, keys + extras, parks)
    except CompareError as exc:
        raise PermissionDenied(str(exc)) from exc
    names = _names()
    totals = city_figures(parks, period, keys) if len(parks) > 1 else None
    columns = []
    for index, key in enumerate(keys, start=1):
        rank = ranks(result, key)
        values = [_number(row["figures"][key]["value"]) for row in result["parks"]]
        numbers = [v for v in values if v is not None]
        unit = result["parks"][0]["figures"][key]["unit"]
        columns.append({
            "key": key, "name": names.get(key, key), "unit": unit, "rank": rank, "chart_id": f"rank-{index}",
            "yoy": _optional_key(f"{key}.yoy"), "progress": _optional_key(f"plan.progress[{key}]"),
            "total": totals[key].text if totals is not None and totals[key].text is not None else "—",
            "average": f"{(sum(numbers) / len(numbers)).quantize(Decimal('0.01'))}" if numbers else "—",
            "chart": {"title": names.get(key, key), "unit": unit,
                      "parks": [row["name"] for row in result["parks"]],
                      "values": [str(v) if v is not None else None for v in values]},
        })
    sort_key = request.GET.get("sort") if request.GET.get("sort") in keys else ""
    rows = list(result["parks"])
    if sort_key:
        rows.sort(key=lambda row: (_number(row["figures"][sort_key]["value"]) is None,
                                   -(_number(row["figures"][sort_key]["value"]) or 0)))
    x_key = request.GET.get("x") if request.GET.get("x") in keys else keys[0]
    y_key = request.GET.get("y") if request.GET.get("y") in keys else (keys[1] if len(keys) > 1 else keys[0])
    scatter = {"x": names.get(x_key, x_key), "y": names.get(y_key, y_key), "points": [
        {"name": row["name"], "x": row["figures"][x_key]["value"], "y": row["figures"][y_key]["value"]}
        for row in result["parks"]]}
    query = urlencode([("city", city), *[("keys", k) for k in keys]])
    return render_page(request, "city/compare.html", {
        "parks": parks, "cities": cities, "city": city, "keys": keys, "columns": columns, "rows": rows,
        "catalogue": _catalogue(), "period": period, "sort": sort_key, "x_key": x_key, "y_key": y_key,
        "scatter": scatter, "query": query, "names": names,
    }, nav="city")


@login_required
@require_GET
def compare_export(request: HttpRequest) -> HttpResponse:
    sel, parks, _cities, city = _scope(request)
    result = compare(sel.period.key, _chosen_keys(request), parks)
    buffer = BytesIO()
    write_xlsx(result, buffer, names=_names())
    from parkledger.audit.import_hooks import audit_export

    audit_export(kinds="compare", park=city, fmt="xlsx", rows=len(parks), user=request.user,
                 target=f"compare {sel.period.key}")
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"园区比较-{city or '全部'}-{sel.period.key}.xlsx"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def city_dashboard(request: HttpRequest) -> HttpResponse:
    sel, parks, cities, city = _scope(request)
    period = sel.period.key
    names = _names()
    headline_keys = [k for k in HEADLINE_KEYS if _known(k)]
    city_set = city_figures(parks, period, headline_keys + [k for k in (f"{h}.yoy" for h in headline_keys)
                                                            if _known(k)])
    per_park = compare(period, headline_keys, parks)
    headlines = []
    for key in headline_keys:
        total = _number(city_set[key].value)
        shares = []
        for row in per_park["parks"]:
            value = _number(row["figures"][key]["value"])
            share = f"{(value * 100 / total).quantize(Decimal('0.1'))}%" if value is not None and total else "—"
            shares.append({"name": row["name"], "code": row["code"], "text": row["figures"][key]["text"] or "—",
                           "share": share})
        yoy_key = f"{key}.yoy"
        headlines.append({"key": key, "name": names.get(key, key), "text": city_set[key].text or "—",
                          "unit": city_set[key].unit,
                          "yoy": city_set[yoy_key].text if _known(yoy_key) and city_set[yoy_key].text else None,
                          "shares": shares})
    year = sel.period.year
    return render_page(request, "city/dashboard.html", {
        "city": city, "cities": cities, "parks": parks, "headlines": headlines, "period": period,
        "trend": monthly_output(parks, sel.period), "grades": permu_grades(parks, year - 1),
        "grade_year": year - 1, "top": top_enterprises(parks, year - 1),
        "alarm_types": ALARM_TYPES, "alarm_rows": alarm_table(request.user, parks, sel),
    }, nav="city")


def alarm_table(user: Any, parks: list[Park], sel: Any) -> list[dict[str, Any]]:
    """One row per park: its count of every alarm type, each linking to the park's list of those
    records (the park dashboard's alarm links) when the user may read that ledger in that park."""
    from parkledger.web import access

    counts = city_alarms(parks, sel.period, sel.as_of, lambda kind, qs: access.scope(user, kind, qs))
    rows = []
    for park in parks:
        cells = []
        for alarm in ALARM_TYPES:
            url = None
            if access.can(user, alarm.kind, "view", park.code):
                query = urlencode({"park": park.code, "period": sel.period.key, "preset": alarm.preset})
                url = f"{reverse('web:ledger_list', args=[alarm.kind])}?{query}"
            cells.append({"key": alarm.key, "count": counts[alarm.key][park.code], "url": url})
        rows.append({"code": park.code, "name": park.short_name or park.name, "cells": cells,
                     "total": sum(c["count"] for c in cells)})
    return rows


@login_required
@require_GET
def city_report(request: HttpRequest) -> HttpResponse:
    """The city report (城市园区经济运行情况) of the visible parks, as Word (or PDF, HTML, Markdown)."""
    from django.utils.http import content_disposition_header

    from parkledger.audit.import_hooks import audit_export
    from parkledger.city.report import build_city_report
    from parkledger.reports.renderers import CONTENT_TYPES, EXTENSIONS
    from parkledger.reports.services import render

    sel = selection_of(request)
    parks, _cities, city = visible_parks(request.user, request.GET.get("city"))
    if len(parks) < 2:
        raise PermissionDenied(_("城市报告需要能查看本市两个以上园区"))
    fmt = request.GET.get("fmt", "docx")
    if fmt not in ("docx", "pdf", "html", "md", "txt"):
        fmt = "docx"
    document = build_city_report(city, parks, sel.period.key)
    content = render(document, fmt)
    audit_export(kinds="city_report", park=city, fmt=fmt, rows=len(parks), user=request.user,
                 target=f"city report {city} {sel.period.key}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{city}园区经济运行情况-{sel.period.key}.{EXTENSIONS[fmt]}")
    return response
