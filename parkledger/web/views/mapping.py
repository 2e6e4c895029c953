"""数据导入 → 列对应: a sheet not in the template's format is mapped to a kind's fields, previewed, applied.

The upload stays where the import page stored it (`parkledger.web.uploads`, the same session
token). The screen shows each source column with its full header path and dropdowns for the
field, the unit and the reading (当月 / 本月累计 / 上月累计), the first rows as written beside
them as converted, and the usual preview; the mapping can be saved under a name and is then
proposed for the next file with the same header block.

Writes go through the importer with the request's user (the write gate's checks of every row,
closed months, audit log); the screen is for users who may import some kind (the gate's mark),
and saving a mapping needs the import permission on the kind in the selected park (the gate's
refusal, audited).
Large mapped files are imported in the request (the background jobs take template files only).
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from parkledger.accounts import gate
from parkledger.core.kinds import kind_models
from parkledger.dataio.mapping import MappingNeeded, mapped_import, read_source, resolve_mapping
from parkledger.dataio.mapping.convert import convert_rows
from parkledger.dataio.mapping.detect import is_template_file
from parkledger.dataio.mapping.proposal import READINGS, ColumnMapping, Mapping, field_choices, guess_kind
from parkledger.dataio.mapping.run import ReadSheet, known_labels
from parkledger.dataio.mapping.saved import save_mapping
from parkledger.dataio.mapping.units import UNIT_FACTORS
from parkledger.dataio.mapping.values import parse_month
from parkledger.web.import_preview import collecting
from parkledger.web.uploads import discard_upload, stored_upload
from parkledger.web.views.base import render_page, selection_of

__all__ = ["mapping_redirect", "mapping_page"]

SAMPLE_ROWS = 10


def mapping_redirect(request: HttpRequest, token: str, path: Path, name: str) -> HttpResponse | None:
    """The import page's hook: a file not in the template's format goes to the mapping screen."""
    if is_template_file(path, name):
        return None
    url = f"{reverse('web:import_mapping')}?{urlencode({'token': token})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _reading_choices() -> list[tuple[str, str]]:
    return [("month", _("当月")), ("cumulative", _("本月累计")), ("previous_cumulative", _("上月累计"))]


def _month_of(text: str) -> tuple[str | None, str]:
    """(YYYY-MM, '') or (None, the reason)."""
    text = (text or "").strip()
    if not text:
        return None, ""
    try:
        return parse_month(text), ""
    except ValueError as exc:
        return None, str(exc)


def _posted_mapping(request: HttpRequest, sheet: ReadSheet, kind: str, month: str | None) -> Mapping:
    """The mapping as the dropdowns say it; unknown values are dropped (a forged form gets nothing)."""
    fields = {key for key, _label in field_choices(kind)}
    columns = []
    for col in sheet.block.columns:
        field = request.POST.get(f"field_{col.index}", "")
        unit = request.POST.get(f"unit_{col.index}", "")
        reading = request.POST.get(f"reading_{col.index}", "month")
        columns.append(ColumnMapping(
            index=col.index, letter=col.letter, header=col.path, field=field if field in fields else "",
            unit=unit if unit in UNIT_FACTORS else "", reading=reading if reading in READINGS else "month"))
    return Mapping(kind=kind, columns=columns, month=month, signature=sheet.block.signature,
                   name=request.POST.get("loaded_name", "")[:100])


def _samples(sheet: ReadSheet, mapping: Mapping, park: str | None) -> dict:
    """The first rows as written and as converted (with the problems the reader finds in them)."""
    block = sheet.block
    head = replace(block, data=block.data[:SAMPLE_ROWS])
    used = list(mapping.used())
    try:
        converted = convert_rows(head, mapping, park=park)
    except (MappingNeeded, ValueError):  # e.g. a unit of another family: listed among the mapping's problems
        converted = None
    by_row = {}
    if converted is not None:
        for (_sheet, number), values in zip(converted.origins, converted.rows, strict=True):
            by_row[number] = values
    problems: dict[int, list[str]] = {}
    for _sheet, number, letter, reason in converted.issues if converted else []:
        problems.setdefault(number, []).append(f"{letter}：{reason}" if letter else reason)
    labels = dict(field_choices(mapping.kind))
    shown_fields = list(dict.fromkeys(col.field for col in used if col.field != "enterprise_name"))
    if "month" in labels and "month" not in shown_fields:  # the month the screen or the title gives
        shown_fields.insert(1 if shown_fields[:1] == ["uscc"] else 0, "month")
    rows = []
    for number, cells in head.data:
        values = by_row.get(number, {})
        rows.append({
            "number": number,
            "original": [_original(cells[c.index]) if c.index < len(cells) else "" for c in block.columns],
            "converted": [_shown(values.get(name)) for name in shown_fields],
            "problems": problems.get(number, []),
        })
    return {"columns": block.columns, "fields": [labels.get(name, name) for name in shown_fields], "rows": rows}


def _original(cell) -> str:
    """A source cell as the spreadsheet shows it: 1234.0 → 1234, a date as 2022-10-01."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return str(cell)


def _shown(value) -> str:
    if value is None:
        return ""
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@login_required
@gate.gated_view("import", any_kind=True)
def mapping_page(request: HttpRequest) -> HttpResponse:
    """GET: the proposed (or saved) mapping of an uploaded file; POST: change it, preview, save, apply."""
    token = request.POST.get("token") or request.GET.get("token", "")
    stored = stored_upload(request, token)
    if stored is None:
        messages.error(request, _("找不到待导入的文件，请重新上传。"))
        return redirect("web:import")
    path, name = stored
    park = selection_of(request).park_code or None
    kinds = kind_models()
    asked = request.POST.get("kind") or request.GET.get("kind") or ""
    kind = asked if asked in kinds else None
    month, month_error = _month_of(request.POST.get("month", ""))
    sheet = read_source(path, kind, known_labels(kind, park))
    context: dict = {"token": token, "file_name": name, "kinds": [(k, m._meta.verbose_name) for k, m in kinds.items()],
                     "readings": _reading_choices(), "units": list(UNIT_FACTORS), "month_error": month_error}
    if sheet.errors:
        context["read_errors"] = sheet.errors
        return render_page(request, "web/mapping.html", context, nav="import")
    kind = kind or guess_kind(sheet.block)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action and kind and request.POST.get("shown_kind") == kind:
            mapping = _posted_mapping(request, sheet, kind, month or sheet.month)
        else:
            mapping = resolve_mapping(sheet, kind, month=month, park=park)
    except MappingNeeded as exc:
        context.update({"kind": "", "problems": exc.problems, "month": month or sheet.month or ""})
        return render_page(request, "web/mapping.html", context, nav="import")
    problems = mapping.problems()
    context.update({
        "kind": mapping.kind, "month": mapping.month or "", "mapping": mapping, "problems": problems,
        "fields": field_choices(mapping.kind), "samples": _samples(sheet, mapping, park),
        "save_name": request.POST.get("save_name", "")[:100], "header_rows": (sheet.block.first_row, sheet.block.last_row),
        "sheet_name": sheet.block.sheet,
    })
    if action in ("save", "preview", "apply") and not problems:
        try:
            gate.check_kind(request.user, mapping.kind, "import", via="web", park=park)
        except gate.WriteRefused:
            messages.error(request, _("您没有在本园区导入“%(kind)s”的权限，没有保存或写入任何内容。") % {
                "kind": kinds[mapping.kind]._meta.verbose_name})
            return render_page(request, "web/mapping.html", context, status=403, nav="import")
        save_name = context["save_name"].strip()
        if save_name:
            try:
                save_mapping(save_name, mapping, park=park, user=request.user)
            except ValueError as exc:
                messages.error(request, str(exc))
            else:
                mapping.name = save_name
                messages.success(request, _("映射已保存为“%(n)s”，表头相同的文件以后将自动使用。") % {"n": save_name})
        if action in ("preview", "apply"):
            with collecting() as preview:
                result, _used = mapped_import(path, mapping.kind, month=mapping.month, mapping=mapping, park=park,
                                              dry_run=action == "preview", user=request.user, sheet=sheet)
            if action == "apply" and result.ok:
                discard_upload(request, token)
                total = result.created + result.updated
                messages.success(request, _("已导入“%(name)s”：新增 %(c)s 条、更新 %(u)s 条。") % {
                    "name": name, "c": result.created, "u": result.updated})
                if not total:
                    messages.info(request, _("没有需要写入的记录。"))
                return redirect("web:import")
            _source_rows(preview, getattr(result, "origins", []))
            context.update({
                "result": result, "file_name": name, "applied": False,
                "preview": [k for k in preview.kinds.values() if k.new_count or k.changed_count or k.unchanged_count],
                "preview_totals": preview, "can_apply": result.ok and action == "preview",
            })
    return render_page(request, "web/mapping.html", context, nav="import")


def _source_rows(preview, origins: list[tuple[str, int]]) -> None:
    """The preview's row numbers (positions in the importer) → the source file's Excel rows."""
    for kind in preview.kinds.values():
        for row in [*kind.new, *kind.changed]:
            number = row.get("row")
            if isinstance(number, int) and 1 <= number <= len(origins):
                row["row"] = origins[number - 1][1]
