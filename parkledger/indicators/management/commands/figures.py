"""`parkledger figures`: every figure of a park and period, as JSON or a table, or explained."""
from __future__ import annotations

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from parkledger.indicators.engine import compute_figures, explain_figure
from parkledger.indicators.types import Explanation, FigureSet, plain_decimal

__all__ = ["Command", "text_width", "pad", "render_table", "render_explanation"]


def text_width(text: str) -> int:
    """Display width in a terminal: wide and full-width (CJK) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def _row_name(key: str, name: str, base_key: str) -> str:
    if key != base_key and "[" in key:
        return f"{name}[{key[key.index('[') + 1:-1]}]"
    return name


def render_table(figures: FigureSet) -> str:
    """Chinese name, display text and unit in aligned columns (numbers right-aligned; names, which
    can be long, left-aligned and not counted in the column width; undefined figures show their reason)."""
    header = ("指标", "数值", "单位", "说明")
    rows = [
        (
            _row_name(key, fig.name, fig.base_key),
            fig.text if fig.text is not None else "—",
            fig.unit,
            "" if fig.value is not None else f"无法计算：{fig.reason}",
            fig.is_name,
        )
        for key, fig in figures.items()
    ]
    name_w = max(text_width(r[0]) for r in [header, *rows])
    value_w = max([text_width(header[1])] + [text_width(r[1]) for r in rows if not r[4]])
    unit_w = max(text_width(r[2]) for r in [header, *rows])
    lines = []
    for name, value, unit, note, is_name in [(*header, False), *rows]:
        if is_name:
            lines.append(f"{pad(name, name_w)}  {value}")
            continue
        cells = [pad(name, name_w), " " * (value_w - text_width(value)) + value, pad(unit, unit_w), note]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render_explanation(ex: Explanation) -> str:
    if ex.value is None:
        value = f"无法计算：{ex.reason}"
    elif isinstance(ex.value, str):
        value = ex.value
    else:
        value = f"{ex.text} {ex.unit}".rstrip() + f"（精确值 {plain_decimal(ex.value)}）"
    lines = [
        f"{ex.key}  {ex.name}",
        f"定义：{ex.definition}",
        f"期间：{ex.window}",
        f"数值：{value}",
        f"记录：共 {ex.records_total} 条" + (f"，列出前 {len(ex.records)} 条" if ex.records_total > len(ex.records) else ""),
    ]
    kind_w = max([text_width(r.kind) for r in ex.records] or [0])
    key_w = max([text_width(r.natural_key) for r in ex.records] or [0])
    lines.extend(f"  {pad(r.kind, kind_w)}  {pad(r.natural_key, key_w)}  {r.label}".rstrip() for r in ex.records)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "输出园区某期的全部指标（JSON或表格），或解释指标的口径与来源记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--park", required=True, help="园区代码，如 ECO")
        parser.add_argument("--period", required=True, help="报告期 YYYY-MM，如 2022-09")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument("--keys", default="", help="只输出这些指标，逗号分隔")
        parser.add_argument("--explain", nargs="+", metavar="KEY", help="解释这些指标：定义、期间与来源记录")

    def handle(self, *args, park: str, period: str, format: str, keys: str, explain: list[str] | None,
               **options) -> None:
        try:
            if explain:
                self.stdout.write("\n\n".join(
                    render_explanation(explain_figure(park, period, key)) for key in explain
                ))
                return
            wanted = [k.strip() for k in keys.split(",") if k.strip()] or None
            figures = compute_figures(park, period, wanted)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except DatabaseError as exc:
            raise CommandError(f"数据库不可用或尚未迁移（parkledger migrate）：{exc}") from exc
        if format == "json":
            self.stdout.write(json.dumps(figures.to_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(figures))
