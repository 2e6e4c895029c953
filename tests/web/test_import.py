"""The import page: a dry run lists every problem by sheet, row and column and writes nothing;
a clean file is previewed, then applied."""
from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parkledger.governance.models import Hazard

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def hazard_workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "hazard"
    sheet.append(["inspection", "description", "level", "deadline", "rectified_on"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "hazards.xlsx", **extra):
    return client.post("/import/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)}, **extra)


def test_a_bad_row_is_reported_and_nothing_is_written(safety_client):
    before = Hazard.objects.count()
    content = hazard_workbook([
        ["INS-0", "楼梯间堆放杂物", "general", "2022-07-01", ""],
        ["INS-0", "配电箱无盖板", "general", "2022-13-45", ""],   # row 3: not a date
    ])
    response = upload(safety_client, content)
    assert response.status_code == 200
    issues = response.context["result"].issues
    assert [(i.sheet, i.row) for i in issues] == [("hazard", 3)]
    assert issues[0].column == "deadline"  # the header as the file wrote it
    assert issues[0].reason == "日期“2022-13-45”不存在"
    assert "没有写入任何记录" in response.content.decode()
    assert response.context["token"] == ""
    assert Hazard.objects.count() == before


def test_a_clean_file_is_previewed_then_applied(safety_client):
    before = Hazard.objects.count()
    content = hazard_workbook([["INS-0", "楼梯间堆放杂物", "general", "2022-07-01", ""]])
    preview = upload(safety_client, content, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200 and b"<html" not in preview.content
    token = preview.context["token"]
    assert token and Hazard.objects.count() == before
    applied = safety_client.post("/import/apply/", {"token": token})
    # POST → redirect → GET: a reload shows the import page, not a second import or a 405
    assert applied.status_code == 302 and applied["Location"] == "/import/"
    assert "新增 1 条" in safety_client.get("/import/").content.decode()
    assert Hazard.objects.count() == before + 1
    # the token is spent
    safety_client.post("/import/apply/", {"token": token})
    assert Hazard.objects.count() == before + 1


def test_only_workbooks_and_csv_are_accepted(safety_client):
    response = upload(safety_client, b"MZ\x90\x00", name="tool.exe")
    assert response.status_code == 200
    assert "只接受 .xlsx 或 .csv 文件" in response.content.decode()


def test_an_unknown_token_is_refused(safety_client):
    assert safety_client.post("/import/apply/", {"token": "0" * 32}).status_code == 302


def test_the_empty_templates_download(safety_client):
    response = safety_client.get("/import/template/", {"kind": "hazard"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) >= 1
    assert safety_client.get("/import/template/", {"kind": "nope"}).status_code == 302
