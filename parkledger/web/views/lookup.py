"""`/lookup/<kind>/?q=`: the choices of a reference picker (enterprise by name or code, inspection
by enterprise and date, project by name), in the user's parks, as a small JSON list."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, JsonResponse

from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise
from parkledger.web import access
from parkledger.web.selectors import in_parks

LIMIT = 20


def _label(obj: models.Model) -> str:
    """What a picker shows of a record: its name, or for an inspection its enterprise and date."""
    if hasattr(obj, "inspected_on"):
        return f"{obj.uscc.name} {obj.inspected_on:%Y-%m-%d} {obj.campaign}".strip()
    return getattr(obj, "name", "") or str(obj)


def _key_field(model: type[models.Model]) -> str:
    return "uscc" if model is Enterprise else "code"


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _has_name(model: type[models.Model]) -> bool:
    return _has_field(model, "name")


@login_required
def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    model = kind_models().get(kind)
    if model is not None and model is not Enterprise and not _has_field(model, "code"):
        model = None  # a kind nothing refers to by a code (a monthly return): no picker
    if model is None or not access.can(request.user, kind, "view"):
        return JsonResponse({"results": []}, status=404 if model is None else 403)
    term = request.GET.get("q", "").strip()[:60]
    key = _key_field(model)
    qs = access.scope(request.user, kind, model.objects.all())
    codes = access.visible_park_codes(request.user)
    if codes is not None:
        qs = qs.filter(in_parks(model, codes))
    if hasattr(model, "inspected_on"):
        qs = qs.select_related("uscc")
        if term:
            qs = qs.filter(Q(uscc__name__icontains=term) | Q(uscc__uscc__icontains=term) | Q(code__icontains=term)
                           | Q(inspected_on__icontains=term))
        qs = qs.order_by("-inspected_on", "code")
    elif _has_name(model):
        if term:
            qs = qs.filter(Q(name__icontains=term) | Q(**{f"{key}__icontains": term}))
        qs = qs.order_by("name")
    else:
        if term:
            qs = qs.filter(**{f"{key}__icontains": term})
        qs = qs.order_by(key)
    results = [{"value": getattr(obj, key), "label": _label(obj)} for obj in qs[:LIMIT]]
    return JsonResponse({"results": results})
