"""Saved mappings: stored under a name, found again by header signature, exported as JSON."""
from __future__ import annotations

__all__ = ["saved_for", "save_mapping", "load_mapping", "mapping_json", "extra_synonyms", "from_json"]

import json
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from parkledger.dataio.mapping.proposal import ColumnMapping, Mapping
from parkledger.dataio.models import SavedMapping


def _mapping_of(saved: SavedMapping) -> Mapping:
    return Mapping(kind=saved.kind, columns=[ColumnMapping.from_dict(c) for c in saved.columns or []],
                   signature=saved.signature, name=saved.name)


def _visible(park: str | None):
    """Mappings of the park, and those saved without a park."""
    query = Q(park__isnull=True)
    if park:
        query |= Q(park_id=park)
    return SavedMapping.objects.filter(query)


def saved_for(kind: str, signature: str, park: str | None) -> Mapping | None:
    """The latest saved mapping of this kind for this header block (the park's own first)."""
    found = list(_visible(park).filter(kind=kind, signature=signature).order_by("-updated_at"))
    found.sort(key=lambda m: m.park_id != park)
    return _mapping_of(found[0]) if found else None


def extra_synonyms(kind: str, park: str | None) -> dict[str, str]:
    """Header label → field from the saved mappings of the kind: the labels users taught the reader."""
    extra: dict[str, str] = {}
    for columns in _visible(park).filter(kind=kind).values_list("columns", flat=True):
        for col in columns or []:
            if col.get("field") and col.get("header"):
                extra.setdefault(str(col["header"]).split(" / ")[0], col["field"])
    return extra


def save_mapping(name: str, mapping: Mapping, *, park: str | None = None, user: Any = None) -> SavedMapping:
    """Store (or replace) the mapping under `name`; ValueError when another park's mapping has that name."""
    other = SavedMapping.objects.filter(name=name).exclude(park_id=park or None).first()
    if other is not None and (other.park_id or park):
        raise ValueError(_("名称“%(n)s”已被另一个园区的映射使用，请换一个名称") % {"n": name})
    saved, _created = SavedMapping.objects.update_or_create(name=name, defaults={
        "kind": mapping.kind, "signature": mapping.signature, "park_id": park or None,
        "columns": [col.as_dict() for col in mapping.columns], "created_by": user if getattr(user, "pk", None) else None,
    })
    return saved


def mapping_json(saved: SavedMapping) -> dict[str, Any]:
    return {"name": saved.name, "kind": saved.kind, "park": saved.park_id, "signature": saved.signature,
            "columns": saved.columns}


def from_json(data: Any) -> Mapping:
    """A mapping from its JSON (as `parkledger mapping export` writes it); ValueError when malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list) or not data.get("kind"):
        raise ValueError(_("映射文件格式不对：应为含kind和columns的JSON对象"))
    try:
        columns = [ColumnMapping.from_dict(c) for c in data["columns"]]
    except (KeyError, TypeError, ValueError):
        raise ValueError(_("映射文件格式不对：每一列应有index、field、unit、reading")) from None
    return Mapping(kind=str(data["kind"]), columns=columns, signature=str(data.get("signature", "")),
                   name=str(data.get("name", "")))


def load_mapping(ref: str, park: str | None = None) -> Mapping:
    """A mapping by saved name or from a `.json` file; ValueError says why not."""
    path = Path(ref)
    if ref.lower().endswith(".json") or path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(_("无法读取映射文件%(f)s：%(e)s") % {"f": ref, "e": exc}) from None
        return from_json(data)
    saved = _visible(park).filter(name=ref).first() or SavedMapping.objects.filter(name=ref).first()
    if saved is None:
        raise ValueError(_("没有名为“%(n)s”的映射（parkledger mapping list 列出已保存的映射）") % {"n": ref})
    return _mapping_of(saved)
