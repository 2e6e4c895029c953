"""Write the corpus of bad import files in tests/data/bad_imports/ (run it again after changing a case).

    .venv/bin/python tests/data/make_bad_imports.py

Every case is one workbook `<case>.xlsx`, one directory `<case>/` of `<kind>.csv` files, or one
other file. Each holds one fault (named by the case) and, where it can, valid rows beside it
(a new park `NEWPARK`, a new enterprise) so that a test can check nothing at all was written.
The records the cases refer to are those of tests/dataio/dataset.py (parks ECO and ECO-CEE,
enterprises 91330281MA2H00001… and …00002…, inspection-1, gov_project-1, …). The expected
error of each case is in tests/dataio/test_bad_imports.py. Files stay small: the zip bomb
is a highly compressible workbook; the million blank rows are made at test time.
"""
from __future__ import annotations

import io
import shutil
import struct
import sys
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
OUT = HERE / "bad_imports"
sys.path.insert(0, str(HERE.parent.parent))

from parkledger.lib.uscc import make_uscc  # noqa: E402

E1 = make_uscc("91330281MA2H00001")  # in the database (park ECO)
NEW1 = "91330281MA2H09991L"  # valid, not in the database
NEW2 = "91330281MA2H09992P"
WRONG_CHECK = "91350100M000100Y44"  # 91350100M000100Y43 is valid: check character 3

PARK_HEADER = ["code", "name", "parent"]
NEW_PARK = ["NEWPARK", "新园区", "ECO"]
ENTERPRISE_HEADER = ["uscc", "name", "park", "registered_on"]
MONTH_HEADER = ["uscc", "month", "above_scale", "output_value", "employees"]


def workbook(name: str, sheets: dict[str, list[list]], *, with_new_park: bool = True) -> Workbook:
    """Write `<name>.xlsx` with the sheets given (and a valid park sheet first)."""
    wb = Workbook()
    wb.remove(wb.active)
    if with_new_park and "park" not in sheets:
        ws = wb.create_sheet("park")
        ws.append(PARK_HEADER)
        ws.append(NEW_PARK)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(OUT / f"{name}.xlsx")
    return wb


def csv_dir(name: str, files: dict[str, bytes]) -> None:
    directory = OUT / name
    directory.mkdir()
    (directory / "park.csv").write_bytes(("\ufeff" + ",".join(PARK_HEADER) + "\r\n" + ",".join(NEW_PARK) + "\r\n")
                                         .encode("utf-8"))
    for file, data in files.items():
        (directory / file).write_bytes(data)


def enterprise(*rows: list) -> list[list]:
    return [ENTERPRISE_HEADER, *rows]


def months(*rows: list) -> list[list]:
    return [MONTH_HEADER, *rows]


def good_enterprise(uscc: str = NEW1) -> list:
    return [uscc, "新企业", "ECO", "2021-05-06"]


def zip_bomb(path: Path) -> None:
    """A workbook whose one sheet inflates to 400 MB of blanks (about 400 KB on disk)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="enterprise" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
            blank = b" " * (1 << 20)
            for _ in range(400):
                fh.write(blank)
            fh.write(b"</sheetData></worksheet>")


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()

    # -- statistical codes ---------------------------------------------------
    workbook("uscc_wrong_check_character", {"enterprise": enterprise(good_enterprise(),
                                                                     [WRONG_CHECK, "甲公司", "ECO", "2021-01-01"])})
    workbook("uscc_too_short", {"enterprise": enterprise(["91330281MA2H0999", "乙公司", "ECO", "2021-01-01"])})
    workbook("uscc_letter_o", {"enterprise": enterprise(["91330281MA2HO99910", "丙公司", "ECO", "2021-01-01"])})

    # -- sheets and columns ----------------------------------------------------
    workbook("unknown_kind", {"enterprises_monthly": [["uscc", "month"], [E1, "2022-05"]]})
    workbook("duplicate_sheet", {"enterprise": enterprise(good_enterprise()),
                                 "企业": enterprise(good_enterprise(NEW2))})
    workbook("missing_required_column", {"enterprise": [["uscc", "park", "registered_on"],
                                                        [NEW1, "ECO", "2021-05-06"]]})
    workbook("unknown_column", {"enterprise": [[*ENTERPRISE_HEADER, "备注"], [*good_enterprise(), "无"]]})
    workbook("duplicate_column", {"enterprise": [["uscc", "name", "park", "registered_on", "企业名称"],
                                                 [*good_enterprise(), "新企业"]]})
    workbook("cell_without_header", {"enterprise": [ENTERPRISE_HEADER, [*good_enterprise(), None, "多余的值"]]})
    workbook("merged_header_cells", {"enterprise": enterprise(good_enterprise())})
    _merge("merged_header_cells", "enterprise", "A1:B1")
    workbook("formula_cell", {"enterprise_month": months([E1, "2022-05", "true", "=1+1", 10])})
    workbook("empty_workbook", {"Sheet1": []}, with_new_park=False)
    workbook("header_only", {"enterprise_month": [MONTH_HEADER]}, with_new_park=False)

    # -- cells -------------------------------------------------------------------
    workbook("bad_date", {"enterprise": enterprise([NEW1, "新企业", "ECO", "2022-02-30"])})
    workbook("date_as_words", {"enterprise": enterprise([NEW1, "新企业", "ECO", "2022年3月"])})
    workbook("negative_amount", {"enterprise_month": months([E1, "2022-05", "true", -5, 10])})
    workbook("month_13", {"enterprise_month": months([E1, "2022-13", "true", 100, 10])})
    workbook("month_with_slash", {"enterprise_month": months([E1, "2022/9", "true", 100, 10])})
    workbook("text_in_number", {"enterprise_month": months([E1, "2022-05", "true", "一百", 10])})
    workbook("text_in_integer", {"enterprise_month": months([E1, "2022-05", "true", 100, "十人"])})
    workbook("fraction_in_integer", {"enterprise_month": months([E1, "2022-05", "true", 100, 10.5])})
    workbook("too_many_decimals", {"enterprise_month": months([E1, "2022-05", "true", "1.23456", 10])})
    workbook("too_many_digits", {"enterprise_month": months([E1, "2022-05", "true", "123456789012345678", 10])})
    workbook("bad_boolean", {"enterprise_month": months([E1, "2022-05", "也许", 100, 10])})
    workbook("unknown_choice", {"gov_project": [["code", "name", "park", "category", "plan_year"],
                                                ["GP-NEW", "新项目", "ECO", "highway", 2022]]})
    workbook("missing_required_value", {"enterprise": enterprise([NEW1, "", "ECO", "2021-05-06"])})
    workbook("text_too_long", {"enterprise": enterprise([NEW1, "长" * 201, "ECO", "2021-05-06"])})
    workbook("year_as_words", {"safety_letter": [["uscc", "year", "signed_on"],
                                                                    [E1, "二〇二二", "2022-03-01"]]})

    # -- rows against rows and records ---------------------------------------------
    workbook("duplicate_natural_key", {"enterprise_month": months([E1, "2022-05", "true", 100, 10],
                                                                  [E1, "2022-05", "true", 120, 11])})
    workbook("dangling_enterprise", {"enterprise_month": months([NEW2, "2022-05", "true", 100, 10])})
    workbook("dangling_park", {"enterprise": enterprise([NEW1, "新企业", "NOPE", "2021-05-06"])})
    workbook("dangling_inspection", {"hazard": [["inspection", "description", "deadline"],
                                                ["inspection-404", "消防通道堵塞", "2022-03-01"]]})
    workbook("dangling_milestone_subject", {"milestone": [["subject_kind", "subject", "happened_on", "text"],
                                                          ["gov_project", "GP-404", "2022-03-01", "完成路基建设"]]})
    workbook("above_scale_differs_from_database", {"enterprise_month": months([E1, "2022-05", "false", 100, 10])})
    workbook("above_scale_differs_in_file", {
        "enterprise": enterprise(good_enterprise()),
        "enterprise_month": months([NEW1, "2022-01", "true", 100, 10], [NEW1, "2022-02", "false", 100, 10]),
    })
    workbook("started_before_signed", {"investment_project": [
        ["code", "name", "park", "signed_on", "started_on"],
        ["IP-NEW", "年产30万套LED车灯研发生产项目", "ECO", "2022-05-01", "2022-04-01"]]})
    workbook("closed_before_registered", {"enterprise": [
        [*ENTERPRISE_HEADER, "closed_on"], [NEW1, "新企业", "ECO", "2021-05-06", "2020-01-01"]]})
    workbook("hazard_deadline_before_inspection", {"hazard": [["inspection", "description", "deadline"],
                                                              ["inspection-1", "消防通道堵塞", "2021-12-31"]]})
    workbook("petition_extended_too_long", {"petition": [
        ["code", "park", "source", "subject", "received_on", "extended_until"],
        ["XF-NEW", "ECO", "public", "噪声扰民", "2022-01-01", "2022-05-01"]]})
    workbook("other_park_with_park_option", {"enterprise": enterprise([NEW1, "新企业", "OTHER", "2021-05-06"])})
    workbook("sub_park_record_moved_out", {"enterprise": enterprise([E1, "改名企业", "ECO-CEE", "2015-01-01"])},
             with_new_park=False)

    # -- files that are not what they claim ---------------------------------------------
    (OUT / "zero_bytes.xlsx").write_bytes(b"")
    (OUT / "png_renamed.xlsx").write_bytes(png_bytes())
    (OUT / "text_renamed.xlsx").write_bytes(b"uscc,name\n")
    (OUT / "legacy_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (OUT / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    (OUT / "zip_without_workbook.xlsx").write_bytes(buffer.getvalue())
    zip_bomb(OUT / "zip_bomb.xlsx")
    (OUT / "report.pdf").write_bytes(b"%PDF-1.4\n")

    # -- CSV directories -----------------------------------------------------------------
    gbk = "uscc,name,park,registered_on\r\n" + f"{NEW1},宁波新材料有限公司,ECO,2021-05-06\r\n"
    csv_dir("csv_gbk", {"enterprise.csv": gbk.encode("gbk")})
    csv_dir("csv_utf16", {"enterprise.csv": gbk.encode("utf-16")})
    csv_dir("csv_zero_bytes", {"enterprise.csv": b""})
    csv_dir("csv_unknown_kind", {"things.csv": b"a,b\r\n1,2\r\n"})
    csv_dir("csv_bad_month", {"enterprise_month.csv": (",".join(MONTH_HEADER) + "\r\n"
                                                       + f"{E1},2022-5,true,100,10\r\n").encode()})
    (OUT / "csv_empty_directory").mkdir()
    (OUT / "csv_empty_directory" / "notes.txt").write_text("nothing here\n")

    sizes = sorted((p.stat().st_size, p.name) for p in OUT.rglob("*") if p.is_file())
    print(f"{len(list(OUT.iterdir()))} cases in {OUT}, largest file {sizes[-1][0]:,} bytes ({sizes[-1][1]})")


def _merge(name: str, sheet: str, cells: str) -> None:
    from openpyxl import load_workbook

    path = OUT / f"{name}.xlsx"
    wb = load_workbook(path)
    wb[sheet].merge_cells(cells)
    wb.save(path)


if __name__ == "__main__":
    main()
