"""The comparison as an Excel workbook: one row per park, one column per figure, numbers as numbers."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

__all__ = ["write_xlsx"]


def write_xlsx(result: dict[str, Any], target: str | Path | IO[bytes], *, names: dict[str, str] | None = None) -> None:
    """`names`: key → Chinese name for the headers (the key itself otherwise)."""
    names = names or {}
    wb = Workbook()
    ws = wb.active
    ws.title = f"园区比较{result['period']}"
    units = {key: next((row["figures"][key]["unit"] for row in result["parks"]), "") for key in result["keys"]}
    header = ["园区代码", "园区"] + [
        f"{names.get(key, key)}（{units[key]}）" if units[key] else names.get(key, key) for key in result["keys"]]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in result["parks"]:
        values: list[Any] = [row["code"], row["name"]]
        for key in result["keys"]:
            value = row["figures"][key]["value"]
            try:
                values.append(float(Decimal(value)) if value is not None else None)
            except ArithmeticError:
                values.append(value)  # a name-valued figure
        ws.append(values)
    ws.column_dimensions["B"].width = 28
    wb.save(target)
