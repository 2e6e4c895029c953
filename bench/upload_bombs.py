"""Time and peak memory of the import preview (a dry run) for hostile uploads.

    .venv/bin/python bench/upload_bombs.py [--csv-mb 49] [--xlsx-rows 1000000] [--only csv|xlsx]

Builds the files in a temporary folder (a CSV of junk rows under a valid 企业月报 header, and
an .xlsx whose sheet holds a million rows, written as raw XML so that building it is quick),
then previews each in a fresh child process as the web page does (`import_upload(...,
dry_run=True)`) and prints the wall time and the child's peak resident memory above what
it held before the preview. Uses the database of DATABASE_URL (the demo's by default).
"""
from __future__ import annotations

import argparse
import random
import string
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import measure_in_child  # noqa: E402

HEADER = "uscc,month,above_scale,output_value,value_added,revenue,tax,energy_tce,employees,rd_expense\n"


def junk_csv(path: Path, megabytes: float) -> Path:
    """A 企业月报 CSV whose data rows are random text: every cell is an error."""
    rnd = random.Random(11)
    alphabet = string.ascii_letters + string.digits + "中文乱码"
    words = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(8, 16))) for _ in range(5000)]
    target = int(megabytes * (1 << 20))
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        written = len(HEADER)
        while written < target:
            line = ",".join(rnd.choice(words) for _ in range(10)) + "\n"
            out.write(line)
            written += len(line.encode())
    return path


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def big_xlsx(path: Path, rows: int) -> Path:
    """An .xlsx with one 企业月报 sheet of `rows` data rows (inline strings and numbers)."""
    head = HEADER.strip().split(",")
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="enterprise_month" sheetId="1" r:id="rId1"/></sheets></workbook>')
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            cells = "".join(f'<c r="{_column(i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(head))
            sheet.write(f'<row r="1">{cells}</row>'.encode())
            batch = []
            for number in range(2, rows + 2):
                uscc = f"91330000{number:010d}"
                batch.append(
                    f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{uscc}</t></is></c>'
                    f'<c r="B{number}" t="inlineStr"><is><t>2024-01</t></is></c>'
                    f'<c r="D{number}"><v>{number % 997}.5</v></c><c r="I{number}"><v>{number % 50}</v></c></row>')
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def measure(path: Path) -> tuple[float, int, str]:
    """(seconds, peak MiB above the starting RSS, first issue) of a dry-run import in a child process."""

    def run(_state) -> str:
        from parkledger.dataio.importing import import_upload

        with path.open("rb") as fileobj:
            result = import_upload(fileobj, path.name, dry_run=True, max_bytes=1 << 40)
        first = str(result.issues[0]) if result.issues else "ok"
        lines = result.issue_lines()
        return f"{first} | {lines[-1] if lines else ''}"

    return measure_in_child(lambda: None, run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=49)
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["csv", "xlsx"])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="upload-bombs-") as tmp:
        files = []
        if args.only in (None, "csv"):
            files.append(junk_csv(Path(tmp) / "enterprise_month.csv", args.csv_mb))
        if args.only in (None, "xlsx"):
            files.append(big_xlsx(Path(tmp) / "bomb.xlsx", args.xlsx_rows))
        for path in files:
            size = path.stat().st_size / (1 << 20)
            seconds, peak, first = measure(path)
            print(f"{path.name:24} {size:7.1f} MB  {seconds:7.1f} s  peak +{peak} MB  {first[:160]}", flush=True)


if __name__ == "__main__":
    main()
