"""The import template: an empty workbook per kind that the importer accepts back once filled in.

Each kind's sheet (named by its Chinese name, or its key where Excel forbids the name) has
the Chinese labels in row 1 (required ones marked `*`, each with a note: type, unit, choices)
and the field keys in row 2, which the importer recognises and skips. Choice and yes/no
columns get dropdowns; date columns a date format; month, code and reference columns are
text (so Excel turns neither `2022-09` into a date nor `0610` into 610). A first sheet
`说明` explains how to fill it in; the importer ignores it.
"""
from __future__ import annotations

__all__ = ["write_template", "template_workbook", "sheet_title"]

import re
from collections.abc import Iterable
from pathlib import Path

from django.db import models
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parkledger.core.kinds import data_fields, kind_models
from parkledger.dataio.exporting import parse_kinds
from parkledger.dataio.labels import choice_labels, field_label, kind_label

TEMPLATE_ROWS = 2000  # rows that get formats and dropdowns
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_KEY_FONT = Font(italic=True, color="808080", size=9)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

INSTRUCTIONS = [
    "园区台账导入模板",
    "",
    "1. 每张工作表是一种台账，表名就是台账名称，不要改动。不需要的表可以删除。",
    "2. 第1行是中文表头（带*的为必填列），第2行是系统用的列标识：两行都不要改动，数据从第3行开始填写。",
    "3. 日期写成 2022-09-30，月份写成 2022-09，金额单位见表头批注（一般为万元），不要填公式、不要合并单元格。",
    "4. 选项列和是/否列可从下拉框选择；是/否也可填 true/false、1/0。",
    "5. 引用其他台账的列（园区代码、统一社会信用代码、项目编号等）须引用数据库中已有或本文件中同时导入的记录。",
    "6. 按自然键新增或更新：已有记录（如同一企业同一月份）会被更新，不会重复。",
    "7. 填好后在系统的“数据导入”页面上传本文件，先点“预检”：有错误时会列出每个错误所在的表、行、列，一行都不会写入；"
    "没有错误时会列出将新增和修改的记录，核对无误后点“确认导入”。",
]


def sheet_title(kind: str) -> str:
    """The kind's Chinese name as a sheet title: characters Excel does not allow there (`/`) become
    `、` (the importer reads that name too); the key only for a name over 31 characters."""
    label = _BAD_TITLE.sub("、", kind_label(kind))
    return kind if len(label) > 31 else label


def _note(field: models.Field) -> str:
    lines = [f"{field_label(field)}（{field.name}）"]
    if isinstance(field, models.BooleanField):
        lines.append("是/否（也可填 true/false、1/0）")
    elif isinstance(field, models.DateField):
        lines.append("日期，如 2022-09-30")
    elif field.name == "month":
        lines.append("月份，如 2022-09")
    elif isinstance(field, models.DecimalField):
        lines.append("数字" + (f"，单位：{field.help_text}" if field.help_text else ""))
    elif isinstance(field, models.IntegerField):
        lines.append("整数")
    elif isinstance(field, models.ForeignKey):
        lines.append(f"引用：{kind_label(field.related_model.kind_key)}的{field_label(field.target_field)}")
    if field.choices:
        lines.append("可选：" + "、".join(f"{label}（{key}）" for key, label in choice_labels(field)))
    elif field.help_text and not isinstance(field, models.DecimalField):
        lines.append(str(field.help_text))
    if not field.blank:
        lines.append("必填")
    return "\n".join(lines)


def _is_required(field: models.Field) -> bool:
    """Required columns (`*`): those without a default, and every yes/no (规上), which must be answered."""
    if isinstance(field, models.BooleanField) and not field.null:
        return True
    return not field.blank and not field.has_default() and not field.null


def _add_kind_sheet(wb: Workbook, kind: str) -> None:
    model = kind_models()[kind]
    ws = wb.create_sheet(title=sheet_title(kind))
    fields = data_fields(model)
    last_row = TEMPLATE_ROWS + 2
    yes_no = '"是,否"'  # both are among the words the importer reads as booleans
    for col, field in enumerate(fields, start=1):
        letter = get_column_letter(col)
        required = _is_required(field)
        head = ws.cell(row=1, column=col, value=field_label(field) + ("*" if required else ""))
        head.font = _REQUIRED_FONT if required else _HEADER_FONT
        head.fill = _HEADER_FILL
        head.alignment = Alignment(horizontal="center")
        comment = Comment(_note(field), "ParkLedger")
        comment.width, comment.height = 260, 120
        head.comment = comment
        key = ws.cell(row=2, column=col, value=field.name)
        key.font = _KEY_FONT
        ws.column_dimensions[letter].width = max(12, min(40, len(field_label(field)) * 2 + 4))
        cells = f"{letter}3:{letter}{last_row}"
        if field.choices:
            labels = [label for _key, label in choice_labels(field)]
            formula = '"' + ",".join(labels) + '"'
            if len(formula) <= 255:
                dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                    errorTitle="无效的选项", error="请从下拉框中选择")
                dv.add(cells)
                ws.add_data_validation(dv)
        elif isinstance(field, models.BooleanField):
            dv = DataValidation(type="list", formula1=yes_no, allow_blank=True, showErrorMessage=True,
                                errorTitle="无效的值", error="请选择 是 或 否")
            dv.add(cells)
            ws.add_data_validation(dv)
        if isinstance(field, models.DateField):
            number_format = "yyyy-mm-dd"
            dv = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)",
                                formula2="DATE(2100,12,31)", allow_blank=True, showErrorMessage=True,
                                errorTitle="无效的日期", error="请填写日期，如 2022-09-30")
            dv.add(cells)
            ws.add_data_validation(dv)
        elif isinstance(field, models.DecimalField):
            number_format = "General"
        elif isinstance(field, models.IntegerField | models.BooleanField):
            number_format = "General"
        else:
            number_format = "@"  # text: months, codes, references
        ws.column_dimensions[letter].number_format = number_format
    ws.freeze_panes = "A3"


def template_workbook(kinds: str | Iterable[str] | None = None) -> Workbook:
    """The template workbook (all kinds, or those named)."""
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    for row, line in enumerate(INSTRUCTIONS, start=1):
        notes.cell(row=row, column=1, value=line).font = _HEADER_FONT if row == 1 else Font()
    notes.column_dimensions["A"].width = 120
    for kind in parse_kinds(kinds):
        _add_kind_sheet(wb, kind)
    return wb


def write_template(path: str | Path, *, kinds: str | Iterable[str] | None = None) -> int:
    """Write the template to `path`; returns the number of kind sheets."""
    wb = template_workbook(kinds)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return len(wb.sheetnames) - 1
