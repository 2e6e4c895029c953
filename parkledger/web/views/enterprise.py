"""一企一档: everything the ledgers hold about one enterprise, and the enterprise search."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from parkledger.core.filtersets import filterset_for
from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise, EnterpriseMonth
from parkledger.web import access
from parkledger.web.present import country_name
from parkledger.web.selectors import enterprise_returns, enterprise_sections, returns_chart
from parkledger.web.tables import cell_text, is_case_kind, list_fields, related_for_list
from parkledger.web.views.base import render_page, selection_of
from parkledger.web.views.ledgers import _rows, list_columns, own_enterprises


def _visible_enterprises(user):
    """The enterprises the user may look up: those of his parks, or an enterprise user's own."""
    own = own_enterprises(user)
    if own:
        return Enterprise.objects.filter(uscc__in=own)
    return access.scope(user, "enterprise", Enterprise.objects.all())


@login_required
def enterprise_index(request: HttpRequest) -> HttpResponse:
    """Find an enterprise by name or code in the selected park."""
    sel = selection_of(request)
    data = request.GET.copy()
    data.setdefault("park", sel.park_code)
    base = _visible_enterprises(request.user).select_related("park")
    if own_enterprises(request.user):
        data.pop("park", None)  # an enterprise user sees his enterprise wherever it is registered
    filterset = filterset_for("enterprise")(data, queryset=base)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render_page(request, "web/enterprise_index.html", {"page": page, "filterset": filterset},
                       nav="enterprises")


@login_required
def enterprise_profile(request: HttpRequest, uscc: str) -> HttpResponse:
    """The 360 page of one enterprise."""
    ent = get_object_or_404(_visible_enterprises(request.user).select_related("park"), uscc=uscc)
    if not (access.can(request.user, "enterprise", "view", ent.park_id) or ent.uscc in own_enterprises(request.user)):
        raise PermissionDenied
    sel = selection_of(request)
    user = request.user
    returns = enterprise_returns(uscc, access.scope(user, "enterprise_month", EnterpriseMonth.objects.all()))
    labels = {attr: str(EnterpriseMonth._meta.get_field(attr).verbose_name) for attr in ("output_value", "revenue", "tax")}
    labels["unit"] = _("万元")
    sections = []
    for kind, records in enterprise_sections(uscc, lambda k, qs: access.scope(user, k, qs), related_for_list):
        model = kind_models()[kind]
        fields = [f for f in list_fields(kind) if f.name not in ("uscc", "employer_uscc")]
        sections.append({
            "kind": kind, "title": model._meta.verbose_name_plural, "fields": fields, "columns": list_columns(fields),
            "rows": _rows(records, fields, sel.as_of, kind), "is_case": is_case_kind(model),
            "count": len(records),
        })
    em_fields = [EnterpriseMonth._meta.get_field(n) for n in
                 ("month", "above_scale", "output_value", "value_added", "revenue", "tax", "energy_tce", "employees")]
    return_rows = [[cell_text(r, f) for f in em_fields] for r in reversed(returns[-24:])]
    grades = next(s["rows"] for s in sections if s["kind"] == "permu_evaluation")
    context = {
        "ent": ent, "country": country_name(ent.country), "chart": returns_chart(returns, labels), "returns_count": len(returns),
        "em_fields": em_fields, "return_rows": return_rows,
        "sections": [s for s in sections if s["rows"]], "empty_sections": [s for s in sections if not s["rows"]],
        "grades": sorted((row["obj"] for row in grades), key=lambda g: g.year),
    }
    return render_page(request, "web/enterprise.html", context, nav="enterprises")
