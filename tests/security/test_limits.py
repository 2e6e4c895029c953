"""Hostile uploads and report templates end quickly, with a clear message, within a memory ceiling.

Each bomb runs in a forked child whose peak resident memory (VmHWM, reset through
/proc/self/clear_refs before the bomb) is compared with its resident memory before it: the
pytest process's own high-water mark says nothing about one operation.
"""
from __future__ import annotations

import json
import os
import random
import select
import signal
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, connections

from parkledger.dataio.importing import import_upload
from parkledger.dataio.issues import MAX_CHECKED_ISSUES
from parkledger.reports.sandbox import Limits, ReportSandbox, ReportTemplateError

HEADER = "uscc,month,above_scale,output_value,value_added,revenue,tax,energy_tce,employees,rd_expense\n"
UPLOAD_CEILING_MB = 300
TEMPLATE_CEILING_MB = 100


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def in_child(work: Callable[[], str], timeout: float = 120) -> tuple[float, float, str]:
    """(seconds, peak MB above the start, what `work` returned) of `work` run in a forked child."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        outcome: dict = {}
        try:
            if connection.vendor != "sqlite":  # a connection of its own (SQLite's in-memory test database is copied)
                connections["default"] = connections.create_connection("default")
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")  # the peak (VmHWM) starts again from the current resident size
            idle = _status("VmRSS")
            started = time.perf_counter()
            text = work()
            outcome = {"seconds": time.perf_counter() - started, "peak": (_status("VmHWM") - idle) / 1024,
                       "text": text}
        except BaseException as exc:
            outcome = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            os.write(write_end, json.dumps(outcome).encode())
            os._exit(0)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([read_end], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"still running after {timeout} s")
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    outcome = json.loads(b"".join(chunks) or b"{}")
    assert "error" not in outcome, outcome.get("error")
    return outcome["seconds"], outcome["peak"], outcome["text"]


# ---------------------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------------------

def junk_csv(path: Path, megabytes: float) -> Path:
    """A 企业月报 CSV whose data rows are random text under a valid header."""
    rnd = random.Random(11)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789中文乱码") for _ in range(rnd.randint(8, 16)))
             for _ in range(2000)]
    target = int(megabytes * (1 << 20))
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        written = len(HEADER)
        while written < target:
            line = ",".join(rnd.choice(words) for _ in range(10)) + "\n"
            out.write(line)
            written += len(line.encode())
    return path


def big_xlsx(path: Path, rows: int) -> Path:
    """A workbook with one 企业月报 sheet of `rows` data rows, its XML written directly."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                                        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                                            '<sheet name="enterprise_month" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{pkg}">'
                                                       f'<Relationship Id="rId1" Type="{rel}/worksheet" '
                                                       'Target="worksheets/sheet1.xml"/></Relationships>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>'.encode())
            head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                           for i, h in enumerate(HEADER.strip().split(",")))
            sheet.write(f'<row r="1">{head}</row>'.encode())
            batch = []
            for n in range(2, rows + 2):
                batch.append(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>9133{n:014d}</t></is></c>'
                             f'<c r="B{n}" t="inlineStr"><is><t>2024-01</t></is></c><c r="D{n}"><v>{n % 997}</v></c></row>')
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return path


def _preview(path: Path) -> Callable[[], str]:
    def work() -> str:
        with path.open("rb") as fileobj:
            result = import_upload(fileobj, path.name, dry_run=True, max_bytes=1 << 30)
        return "\n".join([*result.issue_lines(), f"stopped={result.stopped}"])
    return work


@pytest.mark.django_db
def test_a_49_mb_csv_of_junk_rows_stops_at_its_first_errors(tmp_path):
    path = junk_csv(tmp_path / "enterprise_month.csv", 49)
    seconds, peak, text = in_child(_preview(path))
    lines = text.splitlines()
    assert lines[-2:] == ["错误过多，已停止检查（只列出前面的错误，请修改后重新上传）", "stopped=True"]
    assert len(lines) == MAX_CHECKED_ISSUES + 2
    assert lines[0].startswith("enterprise_month, 2, ")
    assert peak < UPLOAD_CEILING_MB, f"{peak:.0f} MB"
    assert seconds < 30


@pytest.mark.django_db
def test_errors_found_after_reading_are_counted_beyond_those_listed(tmp_path):
    from parkledger.dataio.importing import import_path

    path = tmp_path / "enterprise_month.csv"
    rows = "".join(f"9133{n:014d},2022-01,,1\n" for n in range(300))  # a wrong check character each
    path.write_text("uscc,month,above_scale,output_value\n" + rows, encoding="utf-8")
    result = import_path(path, dry_run=True)
    assert not result.stopped
    assert len(result.issues) == 200 and result.more_issues == 100
    assert result.issue_lines()[-1] == "……另有100个错误未列出"


@pytest.mark.django_db
def test_a_million_row_workbook_is_refused_before_its_cells_are_read(tmp_path):
    path = big_xlsx(tmp_path / "bomb.xlsx", 1_000_000)
    seconds, peak, text = in_child(_preview(path))
    assert text == ("enterprise_month: 数据超过每次导入的上限500000行（到工作表“enterprise_month”已有约1000000行），"
                    "请拆分为多个文件分批导入\nstopped=False")
    assert peak < UPLOAD_CEILING_MB, f"{peak:.0f} MB"
    assert seconds < 30


@pytest.mark.django_db
def test_the_row_limit_is_a_setting_and_counts_every_csv_of_a_folder(tmp_path, settings):
    settings.PARKLEDGER_MAX_IMPORT_ROWS = 3
    from parkledger.dataio.importing import import_path

    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "enterprise.csv").write_text("uscc,name\n" + "x,y\n" * 2, encoding="utf-8")
    (folder / "park.csv").write_text("code,name\n" + "A,B\n" * 2, encoding="utf-8")
    assert import_path(folder, dry_run=True).issue_lines() == [
        "park: 数据超过每次导入的上限3行（到工作表“park”已有约4行），请拆分为多个文件分批导入"]


@pytest.mark.django_db
def test_a_line_of_a_megabyte_is_refused(tmp_path):
    from parkledger.dataio.importing import import_path

    path = tmp_path / "enterprise.csv"
    path.write_text("uscc,name\n" + "x" * (1 << 20) + ",y\n", encoding="utf-8")
    assert import_path(path, dry_run=True).issue_lines() == [
        "enterprise.csv, 2: 第2行过长（超过1048576个字符），不像是台账数据"]


@pytest.mark.django_db
def test_an_encoding_error_far_down_a_streamed_file_is_named(tmp_path):
    from parkledger.dataio.importing import import_path

    path = tmp_path / "enterprise.csv"
    path.write_bytes(b"uscc,name\n" + b"a,b\n" * 100_000 + b"\xff\xfe,b\n")
    assert import_path(path, dry_run=True).issue_lines() == [
        "enterprise.csv: 文件不是UTF-8编码（第400011个字节无法识别），请另存为UTF-8编码的CSV"]


# ---------------------------------------------------------------------------------------------------
# Report templates
# ---------------------------------------------------------------------------------------------------

TOO_LONG = "模板第{line}行：模板生成的内容过长（超过100000个字符或元素），已停止"


def _render(source: str) -> Callable[[], str]:
    def work() -> str:
        env = ReportSandbox()
        template = env.compile_template(source)
        try:
            return f"rendered {len(env.render(template, {}, Limits()))} characters"
        except ReportTemplateError as exc:
            return str(exc)
    return work


@pytest.mark.parametrize(("source", "message"), [
    ("{% set x = [[1]*50000]*10000 %}{{ x|string|length }}", TOO_LONG.format(line=1)),
    ("标题\n{% set r = [1]*50000 %}{% set x = [r, r, r] %}{{ x|string|length }}", TOO_LONG.format(line=2)),
    ("{% set r = ['abcdefghij']*5000 %}\n{% set x = [r]*5000 %}{% for row in x %}{{ row|join(',') }}{% endfor %}",
     TOO_LONG.format(line=2)),
    ("{% set r = [1]*60000 %}{{ (r + r)|length }}", TOO_LONG.format(line=1)),
    ("{% set r = [1]*60000 %}{{ {'a': r, 'b': r}|length }}", TOO_LONG.format(line=1)),
    ("{% set r = [1]*60000 %}{{ [r, r]|sum(start=[])|length }}", TOO_LONG.format(line=1)),
    ("{{ ('x'*50000)*50000 }}", TOO_LONG.format(line=1)),
    ('{{ "x"*10**9 }}', TOO_LONG.format(line=1)),
    ("{{ range(10**9)|list|length }}", "模板第1行：range() 最多5000项"),
    ("{% for i in range(5000) %}{% for j in range(5000) %}{{ i*j }}{% endfor %}{% endfor %}",
     "模板第1行：模板循环次数超过20000次，已停止"),
    ("{% macro f(n) %}{{ f(n+1) }}{% endmacro %}\n{{ f(0) }}", "模板第1行：模板递归过深"),
    ("{% macro f(n) %}{% if n < 40 %}{{ f(n+1) }}{{ f(n+1) }}{% endif %}{% endmacro %}{{ f(0) }}",
     "模板第1行：模板运行超过3秒，已停止"),
])
def test_template_bombs_end_with_the_sandbox_message(source, message):
    seconds, peak, text = in_child(_render(source), timeout=60)
    assert text == message
    assert seconds < 4.5  # the 3 s deadline, with room for a loaded machine
    assert peak < TEMPLATE_CEILING_MB, f"{peak:.0f} MB"


def test_templates_of_ordinary_size_still_render():
    seconds, _peak, text = in_child(_render(
        "{% set rows = [['甲', 1], ['乙', 2]] %}{% for name, n in rows %}{{ name }}{{ n }}{% endfor %}"
        "{{ ([1]*1000)|length }} {{ {'a': 1}|length }} {{ ('ab'*100)|length }}"))
    assert text == "rendered 14 characters"


# ---------------------------------------------------------------------------------------------------
# Stored uploads: one hour, and a quota per user
# ---------------------------------------------------------------------------------------------------

PARK_CSV = "code,name\nECO,宁波前湾新区生态园\n".encode()


@pytest.fixture
def uploader(client, settings, tmp_path):
    from tests.web import data
    from tests.web.conftest import make_user

    settings.VAR_DIR = tmp_path
    data.build(1)
    client.force_login(make_user("boss", "", park=None, is_superuser=True, is_staff=True))
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    return client


def _upload(client, content: bytes = PARK_CSV, name: str = "park.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/import/", {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.mark.django_db
def test_pending_uploads_count_against_a_quota_per_user(uploader, settings, tmp_path):
    settings.PARKLEDGER_UPLOAD_QUOTA_BYTES = len(PARK_CSV) * 2
    for _ in range(2):
        response = _upload(uploader)
        assert response.context["token"], response.content.decode()[:500]
    response = _upload(uploader)
    assert response.context["form"].errors["file"] == [
        "待导入的文件已有0MB，加上这个文件超过每人0MB的上限：请先导入或放弃已预览的文件，未导入的文件一小时后自动删除"]
    assert "超过每人0MB的上限" in response.content.decode()
    assert len(list((tmp_path / "uploads").rglob("*.csv"))) == 2


@pytest.mark.django_db
def test_uploads_not_applied_within_an_hour_are_deleted(uploader, tmp_path):
    token = _upload(uploader).context["token"]
    (stored,) = (tmp_path / "uploads").rglob("*.csv")
    hour_ago = time.time() - 3601
    os.utime(stored, (hour_ago, hour_ago))
    _upload(uploader)  # each upload sweeps first
    assert not stored.exists()
    response = uploader.post("/import/apply/", {"token": token}, follow=True)
    assert "找不到待导入的文件，请重新上传。" in response.content.decode()


@pytest.mark.django_db
def test_the_purge_command_deletes_expired_uploads(uploader, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    _upload(uploader)
    _upload(uploader)
    old, new = sorted((tmp_path / "uploads").rglob("*.csv"))
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    out = StringIO()
    call_command("uploads", "purge", stdout=out)
    assert out.getvalue().startswith("已删除 1 个待导入文件")
    assert not old.exists() and new.exists()


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(uploader, settings, tmp_path):
    settings.PARKLEDGER_MAX_UPLOAD_BYTES = 10
    response = _upload(uploader)
    assert response.context["form"].errors["file"]
    assert not list((tmp_path / "uploads").rglob("*.csv"))
