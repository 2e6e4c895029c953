"""A mapping of source columns to fields: proposed from the labels, or saved and reused.

Each column gets a field (or none), the unit its numbers are in and how they are read:
`month` (当月), `cumulative` (本月累计, e.g. `1-10月累计` for October) or `previous_cumulative`
(上月累计, e.g. `1-9月累计` beside it, used to turn 累计 into 当月). Columns of last year's
figures, growth rates and shares (上年同期, 同比, 增速, 占比) are not imported.
When a field has both a 当月 and a 累计 column, the 当月 column is imported and the 累计 one only shown.
"""
from __future__ import annotations

__all__ = ["ColumnMapping", "Mapping", "propose", "guess_kind", "READINGS", "field_choices", "synonym_table"]

import re
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.dataio.labels import field_label
from parkledger.dataio.mapping.header import HeaderBlock, SourceColumn
from parkledger.dataio.mapping.synonyms import ENTERPRISE_NAME, IGNORED_LABELS, SERIAL_LABELS, SYNONYMS
from parkledger.dataio.mapping.text import fold, fold_dashes
from parkledger.dataio.mapping.units import UNIT_FACTORS, ledger_unit, unit_in, units_for

READINGS = ("month", "cumulative", "previous_cumulative")
_NOT_IMPORTED = re.compile(r"(上年|去年|同期|同比|环比|增长|增速|增幅|增减|比上年|占比|比重|排名|位次)")
_RANGE = re.compile(r"(\d{1,2})-(\d{1,2})月")
_BRACKETS = re.compile(r"\([^()]*\)")


@dataclass
class ColumnMapping:
    """How one source column is read; `field` empty = not imported (`note` says why)."""

    index: int
    letter: str
    header: str
    field: str = ""
    unit: str = ""
    reading: str = "month"
    candidates: list[str] = dc_field(default_factory=list)
    note: str = ""
    months: int | None = None  # N of a `1-N月累计` header

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in ("candidates", "note")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnMapping:
        return cls(index=int(data["index"]), letter=str(data.get("letter", "")), header=str(data.get("header", "")),
                   field=str(data.get("field") or ""), unit=str(data.get("unit") or ""),
                   reading=str(data.get("reading") or "month"), months=data.get("months"))


@dataclass
class Mapping:
    """A kind's mapping of a header block: the columns, the month when no column gives it."""

    kind: str
    columns: list[ColumnMapping]
    month: str | None = None
    signature: str = ""
    name: str = ""  # the saved mapping it came from

    def used(self) -> list[ColumnMapping]:
        return [col for col in self.columns if col.field]

    def columns_for(self, field_name: str, reading: str | None = None) -> list[ColumnMapping]:
        return [col for col in self.columns if col.field == field_name and (reading is None or col.reading == reading)]

    def letter_of(self, field_name: str) -> str:
        cols = self.columns_for(field_name, "month") or self.columns_for(field_name)
        return cols[0].letter if cols else ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "signature": self.signature, "columns": [col.as_dict() for col in self.columns]}

    def problems(self) -> list[str]:
        """What keeps this mapping from being used: missing required fields, ambiguous or doubled columns."""
        model = kind_models()[self.kind]
        fields = {fld.name: fld for fld in data_fields(model)}
        found: list[str] = []
        for col in self.columns:
            if col.candidates and not col.field:
                names = "、".join(_field_name(self.kind, c) for c in col.candidates)
                found.append(_("%(col)s列“%(h)s”对应哪一项不确定（可能是：%(c)s）") % {
                    "col": col.letter, "h": col.header, "c": names})
        for col in self.used():
            fld = fields.get(col.field)
            if fld is not None and _numeric(fld) and col.unit and col.unit not in units_for(fld):
                found.append(_("%(col)s列的单位“%(u)s”不能换算为“%(f)s”的单位%(t)s") % {
                    "col": col.letter, "u": col.unit, "f": field_label(fld), "t": ledger_unit(fld)})
            if col.reading not in ("", *READINGS):
                found.append(_("%(col)s列的读法不对") % {"col": col.letter})
        seen: dict[tuple[str, str], ColumnMapping] = {}
        for col in self.used():
            key = (col.field, col.reading if col.field in fields and _numeric(fields[col.field]) else "")
            if key in seen:
                found.append(_("%(a)s列和%(b)s列都对应“%(f)s”，请只保留一列") % {
                    "a": seen[key].letter, "b": col.letter, "f": _field_name(self.kind, col.field)})
            seen[key] = col
        mapped = {col.field for col in self.used()}
        for name in required_keys(model):
            if name in mapped:
                continue
            if name == "uscc" and ENTERPRISE_NAME in mapped:
                continue
            if name == "month" and self.month:
                continue
            if name == "month":
                found.append(_("没有月份：表中没有月份列，标题里也没有写明，请指定月份"))
            elif name == "uscc":
                found.append(_("没有“统一社会信用代码”或“企业名称”列，无法对应企业"))
            else:
                found.append(_("缺少必填项“%(f)s”的列") % {"f": _field_name(self.kind, name)})
        keys = set(model.natural_key_fields) | {ENTERPRISE_NAME}
        if not any(col.field not in keys for col in self.used()) and not found:
            found.append(_("除企业和月份外没有可导入的列"))
        return found


def _numeric(fld: models.Field) -> bool:
    return isinstance(fld, models.DecimalField | models.IntegerField) and not isinstance(fld, models.BooleanField)


def required_keys(model) -> list[str]:
    """Fields a mapping must give: the natural key and fields without a default (park comes from the import)."""
    names = list(model.natural_key_fields)
    for fld in data_fields(model):
        if not fld.blank and not fld.has_default() and not fld.null and fld.name not in names:
            names.append(fld.name)
    return [name for name in names if name not in ("park", "code") or not _has_park(model)]


def _has_park(model) -> bool:
    return any(fld.name == "park" for fld in data_fields(model))


def _field_name(kind: str, name: str) -> str:
    if name == ENTERPRISE_NAME:
        return _("企业名称")
    try:
        return field_label(kind_models()[kind]._meta.get_field(name))
    except Exception:
        return name


def field_choices(kind: str) -> list[tuple[str, str]]:
    """(key, Chinese label) of every field a column may be mapped to, the enterprise name included."""
    model = kind_models()[kind]
    choices = [(fld.name, field_label(fld)) for fld in data_fields(model)]
    if any(fld.name == "uscc" for fld in data_fields(model)) and kind != "enterprise":
        choices.insert(1, (ENTERPRISE_NAME, str(_("企业名称"))))
    return choices


def _bare(text: str) -> str:
    return _BRACKETS.sub("", fold(text)).lower()


def synonym_table(kind: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Folded label → field key: field keys, Chinese labels, the synonym data, then `extra` (saved mappings)."""
    model = kind_models()[kind]
    table: dict[str, str] = {}
    for fld in data_fields(model):
        table[fld.name.lower()] = fld.name
        table.setdefault(_bare(field_label(fld)), fld.name)
    for name, words in SYNONYMS.get(kind, {}).items():
        for word in words:
            table[_bare(word)] = name
    if kind != "enterprise" and "uscc" in table.values():
        for word in SYNONYMS["enterprise_month"][ENTERPRISE_NAME]:
            table.setdefault(_bare(word), ENTERPRISE_NAME)
    for label, name in (extra or {}).items():
        table.setdefault(_bare(label), name)
    return table


def _match_part(part: str, table: dict[str, str]) -> set[str]:
    bare = _bare(part)
    if not bare:
        return set()
    if bare in table:
        return {table[bare]}
    best, found = 0, set()
    for word, name in table.items():
        if len(word) >= 2 and word in bare and not word.isascii():
            if len(word) > best:
                best, found = len(word), {name}
            elif len(word) == best:
                found.add(name)
    return found


def _reading(col: SourceColumn, month: str | None) -> tuple[str, int | None, str]:
    """(reading, N of 1-N月, note when the column is not imported)."""
    texts = [fold_dashes(part) for part in col.folded]
    joined = "/".join(texts)
    if _NOT_IMPORTED.search(joined):
        return "", None, _("上年同期、增速、占比等列不导入")
    months = None
    for text in texts:
        match = _RANGE.search(text)
        if match:
            months = int(match.group(2))
    if months is None and not any("累计" in t or "本年" in t for t in texts):
        return "month", None, ""
    target = int(month[5:7]) if month else None
    if months is None or target is None or months == target:
        return "cumulative", months, ""
    if months == target - 1:
        return "previous_cumulative", months, ""
    return "", months, _("累计到%(n)d月，与导入月份%(m)s不符") % {"n": months, "m": month}


def propose(kind: str, block: HeaderBlock, month: str | None, extra: dict[str, str] | None = None) -> Mapping:
    """The mapping the labels suggest (see the module docstring)."""
    model = kind_models()[kind]
    fields = {fld.name: fld for fld in data_fields(model)}
    table = synonym_table(kind, extra)
    columns: list[ColumnMapping] = []
    for col in block.columns:
        entry = ColumnMapping(index=col.index, letter=col.letter, header=col.path)
        columns.append(entry)
        top = _bare(col.parts[0])
        if top in SERIAL_LABELS or top in IGNORED_LABELS:
            entry.note = _("序号、备注等列不导入")
            continue
        found: set[str] = set()
        for part in col.parts:
            found = _match_part(part, table)
            if found:
                break
        if not found:
            entry.note = _("没有对应的字段")
            continue
        if len(found) > 1:
            entry.candidates = sorted(found)
            continue
        name = found.pop()
        fld = fields.get(name)
        if fld is not None and _numeric(fld):
            reading, entry.months, note = _reading(col, month)
            if not reading:
                entry.note = note
                continue
            unit = None
            for part in reversed(col.parts):
                unit = unit_in(part)
                if unit:
                    break
            target = ledger_unit(fld)
            if unit is None:
                unit = block.unit if block.unit and target and UNIT_FACTORS.get(target, ("",))[0] in ("cny", "usd") \
                    and UNIT_FACTORS[block.unit][0] == UNIT_FACTORS[target][0] else target
            if target and unit not in units_for(fld):
                entry.note = _("单位“%(u)s”与“%(f)s”的单位%(t)s不符") % {"u": unit, "f": field_label(fld), "t": target}
                continue
            entry.unit, entry.reading = unit or "", reading
        else:
            entry.reading = ""
        entry.field = name
    mapping = Mapping(kind=kind, columns=columns, month=month, signature=block.signature)
    if month is None:
        _pair_cumulative_columns(mapping)
    _prefer_month_columns(mapping, fields)
    return mapping


def _pair_cumulative_columns(mapping: Mapping) -> None:
    """Month unknown: of `1-9月累计` and `1-10月累计` beside each other, the later is this month's."""
    for name in {col.field for col in mapping.used()}:
        cols = [col for col in mapping.columns_for(name, "cumulative") if col.months]
        if len(cols) < 2:
            continue
        last = max(col.months for col in cols)
        for col in cols:
            if col.months == last - 1:
                col.reading = "previous_cumulative"
            elif col.months != last:
                col.field, col.note = "", _("累计到%(n)d月，不是本月或上月的累计") % {"n": col.months}


def _prefer_month_columns(mapping: Mapping, fields: dict[str, models.Field]) -> None:
    """A field with a 当月 column keeps its 累计 columns only for show (not imported)."""
    for name in {col.field for col in mapping.used()}:
        if mapping.columns_for(name, "month") and name in fields and _numeric(fields[name]):
            for col in mapping.columns_for(name):
                if col.reading in ("cumulative", "previous_cumulative"):
                    col.field, col.note = "", _("已有当月列，累计列不导入")


def guess_kind(block: HeaderBlock) -> str | None:
    """The kind whose labels match most columns (enterprise_month first on a tie), or None."""
    best, best_kind = 0, None
    for kind in [*SYNONYMS, *(k for k in kind_models() if k not in SYNONYMS)]:
        table = synonym_table(kind)
        score = sum(1 for col in block.columns if any(_match_part(part, table) for part in col.parts))
        if score > best:
            best, best_kind = score, kind
    return best_kind if best >= 2 else None
