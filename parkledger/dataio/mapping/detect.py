"""Is an uploaded file in the import template's format, or a sheet to be mapped first?"""
from __future__ import annotations

__all__ = ["is_template_file"]

from pathlib import Path

from parkledger.dataio.labels import kind_for_name


def is_template_file(path: str | Path, name: str) -> bool:
    """A template file: a `<kind>.csv`, or an .xlsx with a sheet named by a kind.

    A damaged .xlsx counts as a template file: the template importer says what is wrong with it.
    .xls and .ods files, CSVs named otherwise and workbooks without a kind's sheet are mapped.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return kind_for_name(Path(name).stem) is not None
    if suffix not in (".xlsx", ".xlsm"):
        return False
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # CalamineError, or a panic of the Rust reader
        return True
    try:
        return any(kind_for_name(sheet) for sheet in workbook.sheet_names)
    finally:
        workbook.close()
