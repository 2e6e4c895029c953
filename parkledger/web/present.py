"""How a person reads a record: its title by names, field values with units, its change history.

- `record_title(obj)`: `余姚市瑞泽仪器仪表有限公司 2022年12月`, never only a generated code;
- `month_text("2022-12")`: `2022年12月`;
- `snapshot_text(field, value)`: a value of an audit snapshot as the pages show it
  (`19.91 万元`, `是`, `重大`);
- `record_changes(model, pk)`: one record's history, newest first, each entry with who, when,
  where the change came from (`导入：文件名.xlsx`, `API`, `表单`) and the changed fields by label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from parkledger.core.kinds import data_fields
from parkledger.dataio.cells import format_decimal

__all__ = [
    "record_title", "month_text", "snapshot_text", "decimal_text", "unit_of", "change_source",
    "HistoryEntry", "record_changes", "COUNTRY_NAMES", "country_name",
]

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

# Countries an enterprise of a park is registered in (ISO 3166 alpha-2 → Chinese name).
COUNTRY_NAMES = {
    "CN": "中国", "HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾", "US": "美国", "JP": "日本", "KR": "韩国",
    "DE": "德国", "FR": "法国", "GB": "英国", "IT": "意大利", "NL": "荷兰", "SG": "新加坡", "CZ": "捷克",
    "PL": "波兰", "HU": "匈牙利", "SK": "斯洛伐克", "RO": "罗马尼亚", "BG": "保加利亚", "RS": "塞尔维亚",
    "HR": "克罗地亚", "SI": "斯洛文尼亚", "GR": "希腊", "AT": "奥地利", "CH": "瑞士", "SE": "瑞典",
    "FI": "芬兰", "DK": "丹麦", "NO": "挪威", "ES": "西班牙", "BE": "比利时", "CA": "加拿大", "AU": "澳大利亚",
    "IL": "以色列", "IN": "印度", "TH": "泰国", "MY": "马来西亚", "VN": "越南", "ID": "印度尼西亚",
}


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get((code or "").upper(), code or "")


def month_text(value: str) -> str:
    """`2022-12` → `2022年12月` (anything else unchanged)."""
    match = _MONTH_RE.match(value or "")
    if not match:
        return value
    return _("%(year)s年%(month)s月") % {"year": match.group(1), "month": int(match.group(2))}


def unit_of(fld: models.Field) -> str:
    """The unit of a number field (kept in its help text: `万元`, `吨标准煤`), else ``."""
    if isinstance(fld, models.DecimalField):
        return str(fld.help_text or "")
    return ""


def decimal_text(value: Any, places: int | None = None) -> str:
    """A decimal with the field's places when given (`19.9100` → `19.91`), thousands grouped."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is None:
        text = format_decimal(number)
        whole, _sep, frac = text.partition(".")
        return f"{int(whole):,}" + (f".{frac}" if frac else "") if whole.lstrip("-").isdigit() else text
    shown = min(places, 2)
    return f"{number:,.{shown}f}"


def _related_name(obj: models.Model, fld: models.ForeignKey) -> str:
    related = getattr(obj, fld.name, None)
    if related is None:
        return ""
    name = getattr(related, "name", "") or ""
    if not name and hasattr(related, "uscc_id"):  # an inspection: its enterprise's name
        ent = getattr(related, "uscc", None)
        name = getattr(ent, "name", "") if ent is not None else ""
    return name


def record_title(obj: models.Model) -> str:
    """A record's title in the names people use: codes of references replaced by names, months
    written out; a record known only by a generated code gets its describing text."""
    text = str(obj)
    fields = data_fields(type(obj))
    code_field = next((f for f in fields if f.name == "code"), None)
    if code_field is not None and getattr(type(obj), "has_generated_code", lambda: False)() and text == obj.code:
        describing = [getattr(obj, name, "") for name in ("name", "description", "subject", "title")]
        text = next((str(v) for v in describing if v), text)
    for fld in fields:
        value = getattr(obj, fld.attname, None)
        if value in (None, ""):
            continue
        if isinstance(fld, models.ForeignKey):
            code = str(value)
            if code in text:
                name = _related_name(obj, fld)
                if name and name not in text:
                    text = text.replace(code, name, 1)
        elif fld.name == "month" and str(value) in text:
            text = text.replace(str(value), month_text(str(value)), 1)
    return text


def snapshot_text(fld: models.Field, value: Any, names: dict[tuple[type, str], str] | None = None) -> str:
    """A snapshot value (codes, decimal strings, choice keys) as the pages show it, with its unit."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(fld, models.ForeignKey):
        name = (names or {}).get((fld.related_model, str(value)), "")
        return f"{name}（{value}）" if name else str(value)
    if fld.choices:
        return str(dict(fld.flatchoices).get(value, value))
    if isinstance(fld, models.BooleanField) or isinstance(value, bool):
        truthy = value if isinstance(value, bool) else str(value).lower() in ("true", "1")
        return _("是") if truthy else _("否")
    if isinstance(fld, models.DecimalField):
        text = decimal_text(value, fld.decimal_places)
        unit = unit_of(fld)
        return f"{text} {unit}" if unit else text
    if fld.name == "month":
        return month_text(str(value))
    if fld.name == "country":
        return country_name(str(value))
    return str(value)


def change_source(detail: Any) -> str:
    """Where a change came from, from an audit entry's detail: `导入：文件名.xlsx`, `API`, `表单`."""
    detail = detail if isinstance(detail, dict) else {}
    via = str(detail.get("via") or "").lower()
    source = str(detail.get("source") or detail.get("file") or "")
    if via == "import" or (source and via not in ("api", "form")):
        name = PurePath(source.replace("\\", "/")).name if source else ""
        return _("导入：%(name)s") % {"name": name} if name else _("导入")
    if via == "api":
        return "API"
    if via == "shell":
        return _("命令行")
    return _("表单")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    time: datetime
    username: str
    action: str
    source: str
    changes: list[Change] = field(default_factory=list)


def _names_for(model: type[models.Model], entries: list, changes_of) -> dict[tuple[type, str], str]:
    """The names of every record the entries' references point to (one query per referenced model)."""
    wanted: dict[tuple[type, str], set[str]] = {}
    refs = {f.name: f for f in data_fields(model) if isinstance(f, models.ForeignKey)}
    for entry in entries:
        for name, before, after in changes_of(entry):
            fld = refs.get(name)
            if fld is None:
                continue
            for value in (before, after):
                if value not in (None, ""):
                    wanted.setdefault((fld.related_model, fld.target_field.attname), set()).add(str(value))
    names = {}
    for (related, key), codes in wanted.items():
        if not any(f.name == "name" for f in related._meta.get_fields()):
            continue
        for code, name in related._base_manager.filter(**{f"{key}__in": codes}).values_list(key, "name"):
            names[(related, str(code))] = name
    return names


def record_changes(model: type[models.Model], pk: Any) -> list[HistoryEntry]:
    """One record's history, newest first, in business language (empty without the audit log)."""
    try:
        from parkledger.audit.log import entry_changes, record_history
    except ImportError:
        return []
    entries = list(record_history(model, pk)[:200])
    generated = getattr(model, "has_generated_code", lambda: False)()
    fields = {f.name: f for f in data_fields(model) if not (generated and f.name == "code")}
    names = _names_for(model, entries, entry_changes)
    history = []
    for entry in entries:
        changes = []
        for name, before, after in entry_changes(entry):
            fld = fields.get(name)
            if fld is None:
                continue
            changes.append(Change(
                label=str(fld.verbose_name),
                before="" if entry.before is None else snapshot_text(fld, before, names),
                after="" if entry.after is None else snapshot_text(fld, after, names),
            ))
        history.append(HistoryEntry(
            time=entry.time, username=entry.username, action=entry.get_action_display(),
            source=change_source(entry.detail), changes=changes,
        ))
    return history
