"""A mapped import: read any sheet, map it, convert it, hand the rows to the importer, report in source coordinates.

The rows go through `parkledger.dataio.importing.import_rows`, the importer's public entry, so
validation, closed months, permissions, the audit log and all-or-nothing are the template
import's. The importer names a row by its position and a column by its field key; both are
mapped back to the source: sheet, Excel row number, column letter. When the reader itself
finds problems, the rows it could read are still checked by the importer (a dry run), so one
pass lists every problem; nothing is written.
"""
from __future__ import annotations

__all__ = ["ReadSheet", "read_source", "mapped_import", "MappingNeeded", "resolve_mapping", "apply_issues"]

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from parkledger.core.kinds import kind_models
from parkledger.dataio.importing import _fewer_collections, import_rows
from parkledger.dataio.issues import ImportIssue, ImportResult
from parkledger.dataio.labels import column_map, normalise_name
from parkledger.dataio.mapping.convert import ConvertedRows, convert_rows
from parkledger.dataio.mapping.grid import ReadError, read_grids
from parkledger.dataio.mapping.header import (
    HeaderBlock,
    HeaderError,
    find_header,
    label_vocabulary,
    month_in_texts,
)
from parkledger.dataio.mapping.proposal import Mapping, guess_kind, propose
from parkledger.dataio.mapping.synonyms import ENTERPRISE_NAME


class MappingNeeded(Exception):
    """The proposed mapping cannot be used as is; `problems` say why, `mapping` is the proposal."""

    def __init__(self, mapping: Mapping, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.mapping = mapping
        self.problems = problems


@dataclass
class ReadSheet:
    """What the reader understood of a file: its header blocks (sheets), the month it names, the errors."""

    source: str
    blocks: list[HeaderBlock] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    month: str | None = None

    @property
    def block(self) -> HeaderBlock:
        return self.blocks[0]


def known_labels(kind: str | None, park: str | None, mapping: Mapping | None = None) -> list[str]:
    """Header texts users taught the reader: the given mapping's and the kind's saved mappings'."""
    from parkledger.dataio.mapping.saved import extra_synonyms

    labels = [part for col in (mapping.columns if mapping else []) if col.field for part in col.header.split(" / ")]
    if kind:
        labels.extend(extra_synonyms(kind, park))
    return labels


def read_source(path: str | Path, kind: str | None = None, labels: list[str] = ()) -> ReadSheet:
    """The header blocks of every sheet that has one (all with the same header), or why there are none.

    `labels`: header texts that count as known labels besides the synonym data (`known_labels`).
    """
    target = Path(path)
    found = ReadSheet(source=target.name)
    try:
        grids = read_grids(target)
    except ReadError as exc:
        found.errors.append(ImportIssue(target.name, None, "", str(exc)))
        return found
    vocabulary = label_vocabulary([kind] if kind else None, labels)
    failures: list[HeaderError] = []
    for grid in grids:
        if not any(any(cell not in (None, "") for cell in row) for row in grid.rows):
            continue
        try:
            block = find_header(grid, vocabulary)
        except HeaderError as exc:
            failures.append(exc)
            if exc.row is not None:  # two header blocks: the sheet is not understood
                found.errors.append(ImportIssue(exc.sheet, exc.row, "", exc.reason))
            continue
        if found.blocks and block.signature != found.blocks[0].signature:
            found.errors.append(ImportIssue(block.sheet, block.first_row, "", _(
                "表头与工作表“%(other)s”不同：一次只能导入表头相同的工作表") % {"other": found.blocks[0].sheet}))
            continue
        found.blocks.append(block)
    if not found.blocks and not found.errors:
        if failures:
            found.errors.extend(ImportIssue(f.sheet, f.row, "", f.reason) for f in failures)
        else:
            found.errors.append(ImportIssue(target.name, None, "", _("文件中没有数据")))
    if found.blocks:
        found.month = month_in_texts(found.block.above)
    return found


def resolve_mapping(sheet: ReadSheet, kind: str | None, *, month: str | None = None, park: str | None = None,
                    mapping: Mapping | None = None) -> Mapping:
    """The mapping to use: the one given, else a saved one with the same header block, else the proposal."""
    from parkledger.dataio.mapping.saved import extra_synonyms, saved_for

    block = sheet.block
    kind = kind or (mapping.kind if mapping else None) or guess_kind(block)
    if kind is None or kind not in kind_models():
        raise MappingNeeded(Mapping(kind="", columns=[]), [_("无法判断台账类型，请选择")])
    month = month or sheet.month
    if mapping is None:
        mapping = saved_for(kind, block.signature, park)
    if mapping is not None:
        return _fit_saved(mapping, block, kind, month)
    return propose(kind, block, month, extra_synonyms(kind, park))


def _fit_saved(saved: Mapping, block: HeaderBlock, kind: str, month: str | None) -> Mapping:
    """A saved mapping on this block: its choices by column position, its readings kept."""
    from parkledger.dataio.mapping.proposal import ColumnMapping

    by_index = {col.index: col for col in saved.columns}
    columns = []
    for col in block.columns:
        old = by_index.get(col.index)
        entry = ColumnMapping(index=col.index, letter=col.letter, header=col.path)
        if old is not None:
            entry.field, entry.unit, entry.reading, entry.months = old.field, old.unit, old.reading, old.months
        if not entry.field:
            entry.note = _("所用映射中不导入")
        columns.append(entry)
    return Mapping(kind=kind, columns=columns, month=month or saved.month, signature=block.signature,
                   name=saved.name)


def _issue_column(mapping: Mapping, column: str) -> str:
    """The importer's column (a field key or label) → the source column letter."""
    if not column:
        return ""
    model = kind_models()[mapping.kind]
    fld = column_map(model).get(normalise_name(column))
    name = fld.name if fld is not None else column
    letter = mapping.letter_of(name)
    if not letter and name == "uscc":
        letter = mapping.letter_of(ENTERPRISE_NAME)
    return letter or column


def apply_issues(result: ImportResult, converted: ConvertedRows, mapping: Mapping, source: str) -> list[ImportIssue]:
    """The importer's issues in source coordinates."""
    issues = []
    for issue in result.issues:
        if issue.row is not None and 1 <= issue.row <= len(converted.origins):
            sheet, row = converted.origins[issue.row - 1]
        elif issue.row == 0 and converted.header_at:  # the header: a column the mapping lacks
            sheet, row = converted.header_at
        else:
            sheet, row = (source if issue.row is None else issue.sheet), issue.row
        issues.append(ImportIssue(sheet, row, _issue_column(mapping, issue.column), issue.reason))
    return issues


def convert_sheet(sheet: ReadSheet, mapping: Mapping, park: str | None) -> ConvertedRows:
    converted = ConvertedRows()
    for block in sheet.blocks:
        convert_rows(block, mapping, park=park, out=converted)
    return converted


def mapped_import(
    path: str | Path, kind: str | None = None, *, month: str | None = None, mapping: Mapping | None = None,
    park: str | None = None, dry_run: bool = False, user: Any = None, sheet: ReadSheet | None = None,
) -> tuple[ImportResult, Mapping | None]:
    """Import a non-template file (see the module docstring); `MappingNeeded` when the mapping is incomplete."""
    with _fewer_collections():  # as the importer does while it reads and checks a template's rows
        return _mapped_import(path, kind, month=month, mapping=mapping, park=park, dry_run=dry_run, user=user,
                              sheet=sheet)


def _mapped_import(
    path: str | Path, kind: str | None, *, month: str | None, mapping: Mapping | None, park: str | None,
    dry_run: bool, user: Any, sheet: ReadSheet | None,
) -> tuple[ImportResult, Mapping | None]:
    sheet = sheet or read_source(path, kind or (mapping.kind if mapping else None),
                                 known_labels(kind or (mapping.kind if mapping else None), park, mapping))
    source = sheet.source
    if sheet.errors or not sheet.blocks:
        return ImportResult(issues=sheet.errors, source=source), None
    chosen = resolve_mapping(sheet, kind, month=month, park=park, mapping=mapping)
    problems = chosen.problems()
    if problems:
        raise MappingNeeded(chosen, problems)
    converted = convert_sheet(sheet, chosen, park)
    if not converted.rows and not converted.issues:
        return ImportResult(issues=[ImportIssue(source, None, "", _("表头下面没有数据行"))], source=source), chosen
    reader_issues = [ImportIssue(s, r, c, reason) for s, r, c, reason in converted.issues]
    if converted.rows:
        result = import_rows(chosen.kind, converted.rows, park=park, dry_run=dry_run or bool(reader_issues),
                             user=user)
    else:
        result = ImportResult(source=source)
    issues = reader_issues + apply_issues(result, converted, chosen, source)
    issues.sort(key=lambda i: (i.sheet != source, -1 if i.row is None else i.row, i.column))
    result.issues = issues
    result.source = source
    result.rows = len(converted.rows) + converted.bad_rows
    result.origins = converted.origins  # the importer's row n is origins[n - 1] (the web preview reads it)
    if issues:
        result.counts = {}
    return result, chosen
