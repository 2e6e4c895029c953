"""首页/驾驶舱: headline figures, monthly trends, the investment pipeline and alarms."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parkledger.core.models import EnterpriseMonth, ParkMonth
from parkledger.investment.models import InvestmentProject
from parkledger.lib.periods import month_key
from parkledger.web import access, figcache
from parkledger.web.selectors import (
    alarms,
    headline_figures,
    monthly_series,
    park_codes,
    pipeline_funnel,
    time_progress,
)
from parkledger.web.views.base import render_page, selection_of


def _month_links(kind: str, park: str, year: int) -> list[str]:
    base = reverse("web:ledger_list", args=[kind])
    return [
        f"{base}?park={park}&month_after={month_key(year, m)}&month_before={month_key(year, m)}"
        for m in range(1, 13)
    ]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    sel = selection_of(request)
    if sel.park is None:
        return render_page(request, "web/dashboard.html", {"empty": True}, nav="dashboard")
    if not access.can_see_park_figures(request.user, sel.park_code):
        # an enterprise user: his returns to file first (我的填报), else his own ledgers, not the park's figures
        from parkledger.filing.services import has_open_filing

        if has_open_filing(request.user):
            return redirect("filing:mine")
        return render_page(request, "web/dashboard.html", {"own_only": True, "kind_links": _own_kinds(request.user)},
                           nav="dashboard")
    # per user (what a user sees depends on his roles), per park and period, and per generation of
    # the figures cache (a ledger write in this process starts a new one)
    key = (f"web:dashboard:{figcache.generation()}:{request.user.pk}:{sel.park_code}:{sel.period.key}:"
           f"{sel.as_of.isoformat()}:{get_language()}")

    def compute() -> tuple[dict, str]:
        data = dashboard_data(request.user, sel)
        # the page's body (figures, charts, pipeline, alarms) is kept rendered: it holds no
        # per-request value (no form, no token), only what the key names
        body = render_to_string("web/partials/dashboard_body.html", {**data, "sel": sel})
        return data, mark_safe(body)  # noqa: S308  (rendered by our own template, escaped)

    data, body = figcache.cached(key, compute)
    from parkledger.filing.services import dashboard_card

    filing = dashboard_card(request.user, sel.park_code, sel.period.key)
    return render_page(request, "web/dashboard.html", {**data, "body": body, "filing": filing}, nav="dashboard")


def _own_kinds(user) -> list[tuple[str, str]]:
    """(kind, name) of the ledgers an enterprise user may open."""
    from parkledger.core.kinds import kind_models

    return [(kind, model._meta.verbose_name_plural) for kind, model in kind_models().items()
            if access.can(user, kind, "view")]


def dashboard_data(user, sel) -> dict:
    """Everything the dashboard shows for a user, park and period."""
    codes = park_codes(sel.park_code)
    year = sel.period.year
    series = monthly_series(
        codes, sel.period,
        enterprise_qs=access.scope(user, "enterprise_month", EnterpriseMonth.objects.all()),
        park_month_qs=access.scope(user, "park_month", ParkMonth.objects.all()),
    )
    months = [_("%(m)s月") % {"m": m} for m in range(1, 13)]
    charts = [
        {
            "id": f"chart-{name}", "name": name, "title": title, "months": months, "unit": _("亿元"), "this_year": str(year), "last_year": str(year - 1),
            "this": series[name]["this"], "last": series[name]["last"],
            "links_this": _month_links(kind, sel.park_code, year),
            "links_last": _month_links(kind, sel.park_code, year - 1),
        }
        for name, title, kind in (
            ("output", _("工业总产值（当月）"), "enterprise_month"),
            ("fai", _("固定资产投资（当月）"), "park_month"),
            ("fiscal", _("财政总收入（当月）"), "park_month"),
        )
    ]
    funnel = pipeline_funnel(codes, sel.as_of, qs=access.scope(user, "investment_project",
                                                                 InvestmentProject.objects.all()))
    list_url = reverse("web:ledger_list", args=["investment_project"])
    for stage in funnel:
        stage["url"] = f"{list_url}?park={sel.park_code}&preset=reached_{stage['key']}"
    return {
        "headlines": headline_figures(sel.park_code, sel.period),
        "time_progress": time_progress(sel.period),
        "charts": charts,
        "funnel": funnel,
        "alarms": alarms(codes, sel.period, sel.as_of, lambda kind, qs: access.scope(user, kind, qs)),
    }
