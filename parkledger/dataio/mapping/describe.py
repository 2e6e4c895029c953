"""A mapping in words, for the command line: one line per source column."""
from __future__ import annotations

__all__ = ["READING_LABELS", "describe_column", "describe_mapping", "unmapped_help"]

from django.utils.translation import gettext as _

from parkledger.dataio.mapping.proposal import ColumnMapping, Mapping, _field_name, field_choices


def reading_labels() -> dict[str, str]:
    return {"month": _("当月"), "cumulative": _("本月累计"), "previous_cumulative": _("上月累计"), "": ""}


READING_LABELS = reading_labels


def describe_column(kind: str, col: ColumnMapping) -> str:
    if not col.field:
        why = col.note or (_("可能是：%(c)s") % {"c": "、".join(_field_name(kind, c) for c in col.candidates)}
                           if col.candidates else _("没有对应的字段"))
        return _("  %(letter)s列 %(header)s → 不导入（%(why)s）") % {"letter": col.letter, "header": col.header, "why": why}
    parts = [f"{_field_name(kind, col.field)}（{col.field}）"]
    if col.unit:
        parts.append(col.unit)
    if col.reading and col.reading != "month":
        parts.append(reading_labels()[col.reading])
    return _("  %(letter)s列 %(header)s → %(what)s") % {
        "letter": col.letter, "header": col.header, "what": "，".join(parts)}


def describe_mapping(mapping: Mapping) -> list[str]:
    head = _("列对应（%(kind)s%(name)s%(month)s）：") % {
        "kind": mapping.kind,
        "name": _("，已保存的映射“%(n)s”") % {"n": mapping.name} if mapping.name else "",
        "month": _("，月份%(m)s") % {"m": mapping.month} if mapping.month else "",
    }
    return [head, *(describe_column(mapping.kind, col) for col in mapping.columns)]


def unmapped_help(mapping: Mapping) -> list[str]:
    """The columns not mapped and the fields still free (what `--mapping` could assign)."""
    if not mapping.kind:
        return []
    used = {col.field for col in mapping.used()}
    free = [f"{label}（{key}）" for key, label in field_choices(mapping.kind) if key not in used]
    lines = [describe_column(mapping.kind, col) for col in mapping.columns if not col.field]
    if free:
        lines.append(_("  尚未对应的字段：%(f)s") % {"f": "、".join(free)})
    return lines
