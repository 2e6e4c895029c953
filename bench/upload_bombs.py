"""Time and peak memory of the import preview (a dry run) for hostile and for big clean uploads.

    .venv/bin/python bench/upload_bombs.py [--csv-mb 49] [--xlsx-rows 1000000] [--clean-rows 500000]
                                           [--only csv|xlsx|clean-csv|clean-xlsx] [--no-apply]

Builds the files in a temporary folder (a CSV of junk rows under a valid 企业月报 header, and
an .xlsx whose sheet holds a million rows, written as raw XML so that building it is quick),
then previews each in a fresh child process as the web page does (`import_upload(...,
dry_run=True)`) and prints the wall time and the child's peak resident memory above what
it held before the preview. Uses the database of DATABASE_URL (the demo's by default).

The clean cases: a 企业月报 CSV and an .xlsx of `--clean-rows` valid rows (the default row cap,
500,000: 4,167 enterprises × 120 months, one 规上 flag per enterprise-year), previewed into
a SQLite database of their own that holds their park and enterprises (imported before the
measurement starts), then imported for real (`dry_run=False`, unless `--no-apply`: the rows
and their audit entries are written, then the database is thrown away). Every hook stays on,
as on the web page. Goal: peak ≤ 300 MB above idle.
"""
from __future__ import annotations

import argparse
import os
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
    cells = "".join(f'<c r="{_column(i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(head))

    def data_rows():
        for number in range(2, rows + 2):
            uscc = f"91330000{number:010d}"
            yield (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{uscc}</t></is></c>'
                   f'<c r="B{number}" t="inlineStr"><is><t>2024-01</t></is></c>'
                   f'<c r="D{number}"><v>{number % 997}.5</v></c><c r="I{number}"><v>{number % 50}</v></c></row>')

    _write_sheet_xlsx(path, f'<row r="1">{cells}</row>', data_rows())
    return path


def _write_sheet_xlsx(path: Path, header_row: str, rows) -> None:
    """A workbook of one sheet named enterprise_month: the header row's and the data rows' XML."""
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
            sheet.write(header_row.encode())
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")


CLEAN_MONTHS = 120  # 2010-01 … 2019-12


def _clean_usccs(rows: int) -> list[str]:
    from parkledger.lib.uscc import make_uscc

    return [make_uscc(f"91330281{i:09d}") for i in range(-(-rows // CLEAN_MONTHS))]


def _clean_rows(rows: int) -> list[list[str]]:
    """Valid 企业月报 rows (as text cells): each enterprise's months in turn, one flag per year."""
    out = []
    for i, uscc in enumerate(_clean_usccs(rows)):
        for m in range(CLEAN_MONTHS):
            if len(out) >= rows:
                return out
            year = 2010 + m // 12
            flag = "true" if (i + year) % 3 == 0 else "false"
            out.append([uscc, f"{year}-{m % 12 + 1:02d}", flag, f"{(i * 7 + m) % 9000}.5", f"{m % 700}.25",
                        f"{(i + m) % 9500}", f"{m % 300}.1", f"{i % 800}", str(5 + (i + m) % 900), f"{m % 200}"])
    return out


def clean_csv(path: Path, rows: int) -> Path:
    """A 企业月报 CSV of `rows` valid rows (their enterprises must exist: `clean_database`)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        out.writelines(",".join(cells) + "\n" for cells in _clean_rows(rows))
    return path


def clean_xlsx(path: Path, rows: int) -> Path:
    """An .xlsx with one 企业月报 sheet of `rows` valid rows (inline strings and numbers, raw XML)."""
    data = _clean_rows(rows)
    head = HEADER.strip().split(",")
    numeric = {3, 4, 5, 6, 7, 8, 9}

    def row_xml(number: int, cells: list[str]) -> str:
        parts = []
        for i, value in enumerate(cells):
            ref = f"{_column(i)}{number}"
            if i in numeric and number > 1:  # the header row is text
                parts.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        return f'<row r="{number}">{"".join(parts)}</row>'

    _write_sheet_xlsx(path, row_xml(1, head), (row_xml(n + 2, cells) for n, cells in enumerate(data)))
    return path


def clean_database(directory: Path, rows: int) -> str:
    """A SQLite database URL whose file will hold the park and the enterprises of the clean rows."""
    usccs = _clean_usccs(rows)
    folder = directory / "clean-enterprises"
    folder.mkdir(exist_ok=True)
    (folder / "park.csv").write_text("code,name\nBOMB,上传测试园区\n", encoding="utf-8")
    lines = ["uscc,name,park,registered_on"] + [f"{u},测试企业{i},BOMB,2005-03-01" for i, u in enumerate(usccs)]
    (folder / "enterprise.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"sqlite:///{directory / 'clean.sqlite3'}"


def _load_clean_database(directory: Path) -> None:
    """In the child, before the measurement: a fresh database with the park and the enterprises."""
    from django.core.management import call_command

    from parkledger.dataio.importing import import_path

    database = directory / "clean.sqlite3"
    if database.exists():
        database.unlink()
    call_command("migrate", verbosity=0, interactive=False)
    result = import_path(directory / "clean-enterprises")
    if not result.ok:
        raise RuntimeError(result.issue_lines()[:5])


def measure(path: Path, *, prepare=None, dry_run: bool = True) -> tuple[float, int, str]:
    """(seconds, peak MiB above the starting RSS, first issue) of an import (a dry run unless told)
    in a child process."""

    def run(_state) -> str:
        from parkledger.dataio.importing import import_upload

        with path.open("rb") as fileobj:
            result = import_upload(fileobj, path.name, dry_run=dry_run, max_bytes=1 << 40)
        first = str(result.issues[0]) if result.issues else f"ok: {result.counts}"
        lines = result.issue_lines()
        return f"{first} | {lines[-1] if lines else ''}"

    return measure_in_child(prepare or (lambda: None), run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=49)
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000)
    parser.add_argument("--clean-rows", type=int, default=500_000)
    parser.add_argument("--only", choices=["csv", "xlsx", "clean-csv", "clean-xlsx"])
    parser.add_argument("--no-apply", action="store_true", help="clean files: the preview only")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="upload-bombs-") as tmp:
        folder = Path(tmp)
        if args.only in (None, "csv"):
            _report(junk_csv(folder / "enterprise_month.csv", args.csv_mb), "preview")
        if args.only in (None, "xlsx"):
            _report(big_xlsx(folder / "bomb.xlsx", args.xlsx_rows), "preview")
        clean = [fmt for fmt in ("clean-csv", "clean-xlsx") if args.only in (None, fmt)]
        if not clean:
            return
        os.environ["DATABASE_URL"] = clean_database(folder, args.clean_rows)
        os.environ["PARKLEDGER_VAR_DIR"] = str(folder)  # the audit key and anchors of this database
        os.environ.pop("PARKLEDGER_AUDIT_KEY", None)
        for fmt in clean:
            target = folder / "clean" / ("enterprise_month.csv" if fmt == "clean-csv" else "clean.xlsx")
            target.parent.mkdir(exist_ok=True)
            (clean_csv if fmt == "clean-csv" else clean_xlsx)(target, args.clean_rows)
            for dry_run in (True, False) if not args.no_apply else (True,):
                _report(target, "preview" if dry_run else "apply", prepare=lambda: _load_clean_database(folder),
                        dry_run=dry_run)


def _report(path: Path, what: str, **options) -> None:
    size = path.stat().st_size / (1 << 20)
    seconds, peak, first = measure(path, **options)
    print(f"{path.name:24} {size:7.1f} MB {what:8} {seconds:7.1f} s  peak +{peak} MB  {first[:160]}", flush=True)


if __name__ == "__main__":
    main()
