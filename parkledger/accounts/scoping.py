"""Which park a record belongs to, and the park tree (ancestors, descendants, cities)."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from parkledger.core.models import Park, descendants, park_children

__all__ = ["record_park_code", "park_parents", "park_ancestors", "park_descendants", "park_filter"]


def _follow(obj: Any, path: str) -> Any:
    """The value at an ORM path (`uscc__park` → obj.uscc.park_id; the last step reads the raw column)."""
    current = obj
    parts = path.split("__")
    for part in parts[:-1]:
        try:
            current = getattr(current, part)
        except ObjectDoesNotExist:
            return None
        if current is None:
            return None
    last = parts[-1]
    try:
        fld = current._meta.get_field(last)
    except Exception:
        return getattr(current, last, None)
    return getattr(current, fld.attname, None)


def record_park_code(obj: models.Model) -> str | None:
    """The code of the park a record belongs to (milestones: their subject's park)."""
    path = getattr(obj, "park_path", None)
    if path:
        return _follow(obj, path)
    subject_model = getattr(obj, "subject_model", None)
    if callable(subject_model) and getattr(obj, "subject", None):
        try:
            model = subject_model()
        except KeyError:
            return None
        subject = model._base_manager.filter(code=obj.subject).first()
        return record_park_code(subject) if subject is not None else None
    return None


def park_parents() -> dict[str, str | None]:
    """code → parent code, for every park (one query; the park table is small)."""
    return dict(Park.objects.values_list("code", "parent_id"))


def park_ancestors(code: str, parents: dict[str, str | None] | None = None) -> list[str]:
    """`code` and every park above it."""
    parents = parents if parents is not None else park_parents()
    chain: list[str] = []
    current: str | None = code
    while current and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def park_descendants(codes: list[str], parents: dict[str, str | None] | None = None) -> list[str]:
    """The given parks and every park below them, in code order."""
    parents = parents if parents is not None else park_parents()
    children = park_children(parents.items())
    return sorted({below for code in codes if code in parents for below in descendants(children, code)})


def _path_filter(model: type[models.Model], path: str, codes: list[str]) -> Q:
    """`path__in=codes`, with each reference followed as an `IN (SELECT …)` on the record's own
    foreign key column instead of a join (`uscc__in=Enterprise.objects.filter(park__in=codes)
    .values("uscc")`): the planner then finds the scoped records through the key's index, as
    narrow as the scope is, whatever order the list asks for."""
    first, _sep, rest = path.partition("__")
    if not rest:
        return Q(**{f"{first}__in": codes})
    fld = model._meta.get_field(first)
    related = fld.related_model
    keys = related._base_manager.filter(_path_filter(related, rest, codes)).values(fld.target_field.name)
    return Q(**{f"{first}__in": keys})


def park_filter(model: type[models.Model], codes: list[str]) -> Q:
    """A Q selecting a kind's records whose park is one of `codes` (milestones through their subject)."""
    path = getattr(model, "park_path", "")
    if path == "code":
        return Q(code__in=codes)
    if path:
        return _path_filter(model, path, codes)
    subject_field = getattr(model, "subject_model", None)
    if subject_field is None:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    kind_field = model._meta.get_field("subject_kind")
    for subject_kind, _label in kind_field.choices:
        subject_model = model(subject_kind=subject_kind).subject_model()
        subject_codes = subject_model._base_manager.filter(park_filter(subject_model, codes)).values("code")
        condition |= Q(subject_kind=subject_kind, subject__in=subject_codes)
    return condition
