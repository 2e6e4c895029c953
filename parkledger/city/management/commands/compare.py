"""`parkledger compare --period P --keys K1,K2 [--parks A,B | --city 宁波] --format json|table|xlsx`."""
from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.city.compare import CompareError, compare, ranks, top_level_parks
from parkledger.city.export import write_xlsx
from parkledger.city.names import indicator_header, indicator_name
from parkledger.indicators.management.commands.figures import pad, text_width


class Command(BaseCommand):
    help = "Compare parks: every park's figures for the same keys and period (sub-parks rolled up)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--keys", required=True, help="comma-separated indicator keys")
        parser.add_argument("--parks", help="comma-separated park codes (default: every top-level park)")
        parser.add_argument("--city", help="the top-level parks of this city (e.g. 宁波)")
        parser.add_argument("--format", choices=("json", "table", "xlsx"), default="json")
        parser.add_argument("-o", "--output", help="the .xlsx file (with --format xlsx)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            parks = top_level_parks(codes=opts["parks"].split(",") if opts.get("parks") else None,
                                    city=opts.get("city"))
            if not parks:
                raise CompareError("没有可比较的园区")
            result = compare(opts["period"], opts["keys"].split(","), parks)
        except CompareError as exc:
            raise CommandError(str(exc)) from None
        if opts["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        elif opts["format"] == "xlsx":
            if not opts.get("output"):
                raise CommandError("--format xlsx 需要 -o 文件名.xlsx")
            write_xlsx(result, opts["output"], names={key: indicator_name(key) for key in result["keys"]})
            self.stdout.write(f"已写出 {opts['output']}")
        else:
            self.stdout.write(render_table(result))


def render_table(result: dict[str, Any]) -> str:
    """One block per indicator, headed by its Chinese name and unit: parks with value text and rank,
    aligned (the keys are in the JSON output only)."""
    lines = []
    for key in result["keys"]:
        rank = ranks(result, key)
        unit = next((row["figures"][key]["unit"] for row in result["parks"]), "")
        lines.append(indicator_header(key, unit))
        width = max([text_width(row["name"]) for row in result["parks"]] + [4])
        for row in result["parks"]:
            fig = row["figures"][key]
            text = fig["text"] if fig["text"] is not None else "—"
            place = f"第{rank[row['code']]}名" if row["code"] in rank else ""
            lines.append(f"  {pad(row['name'], width)}  {text:>14}  {place}")
    return "\n".join(lines)
