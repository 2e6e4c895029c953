"""The report builder: preview with figure links, data quality, downloads, templates, issuing."""
from __future__ import annotations

import io
import os
import shutil

import docx
import pytest

from parkledger.reports.models import IssuedReport, ReportTemplate

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_builder_page_and_its_preview(client_in):
    page = client_in.get("/reports/")
    assert page.status_code == 200
    assert b'hx-get="/reports/preview/"' in page.content
    preview = client_in.get("/reports/preview/", **HX)
    text = preview.content.decode()
    assert preview.status_code == 200 and "<html" not in text
    # every figure links to its provenance page for this park and period
    assert 'class="fig"' in text
    assert "/figures/explain/?park=ECO&amp;period=2022-09&amp;key=econ.output" in text
    # the data-quality list follows in a request of its own (it needs every figure of the park)
    assert 'hx-get="/reports/quality/?park=ECO&amp;period=2022-09"' in text
    quality = client_in.get("/reports/quality/", {"park": "ECO", "period": "2022-09"}, **HX).content.decode()
    assert 'data-testid="data-quality"' in quality and "<html" not in quality
    # once computed it comes with the preview
    assert 'data-testid="data-quality"' in client_in.get("/reports/preview/", **HX).content.decode()
    # without htmx the preview is a page of its own, the data-quality list in it
    page = client_in.get("/reports/preview/").content.decode()
    assert "<html" in page and 'data-testid="data-quality"' in page


@pytest.mark.parametrize("fmt", ["docx", "md", "txt", "masked", "html", "json"])
def test_downloads(client_in, fmt):
    response = client_in.get("/reports/download/", {"fmt": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ECO-2022-09')
    body = b"".join(response) if response.streaming else response.content
    if fmt == "docx":
        document = docx.Document(io.BytesIO(body))
        assert any("生态园" in p.text for p in document.paragraphs)
    if fmt == "masked":
        assert "1.70" not in body.decode()


def test_an_unknown_format_is_not_found(client_in):
    assert client_in.get("/reports/download/", {"fmt": "exe"}).status_code == 404


def test_only_leaders_issue(client_in, safety_client):
    assert safety_client.post("/reports/issue/").status_code == 403
    assert IssuedReport.objects.count() == 0


def test_a_leader_issues_and_downloads_the_archive(client_in):
    response = client_in.post("/reports/issue/")
    assert response.status_code == 302
    issued = IssuedReport.objects.get()
    assert response["Location"] == f"/reports/archive/{issued.pk}/"
    assert (issued.park_id, issued.period, issued.format) == ("ECO", "2022-09", "docx")
    archived = client_in.get(f"/reports/issued/{issued.pk}/")
    assert archived.content == bytes(issued.content)


def test_templates_are_copied_edited_previewed_and_versioned(client_in):
    response = client_in.post("/reports/templates/new/", {"name": "简版"})
    tpl = ReportTemplate.objects.get(name="简版")
    assert response.status_code == 302 and response["Location"] == f"/reports/templates/{tpl.pk}/"
    assert tpl.park_id == "ECO" and tpl.current_version.number == 1
    # a broken template: the preview names the line, the save keeps the old version
    bad = "第一行\n{{ fig('econ.output') | no_such_filter }}\n"
    preview = client_in.post("/reports/templates/preview/", {"text": bad}, **HX).content.decode()
    assert "第2行" in preview
    page = client_in.post(f"/reports/templates/{tpl.pk}/", {"text": bad})
    assert page.status_code == 200 and "第2行" in page.content.decode()
    tpl.refresh_from_db()
    assert tpl.current_version.number == 1
    # a good one becomes version 2 and is used by the builder
    good = '园区{{ park.short_name }}工作报告\n\n工业总产值{{ "econ.output" | yi }}。\n'
    preview = client_in.post("/reports/templates/preview/", {"text": good}, **HX).content.decode()
    assert "1.70" in preview
    assert client_in.post(f"/reports/templates/{tpl.pk}/", {"text": good, "note": "简化"}).status_code == 302
    tpl.refresh_from_db()
    assert tpl.current_version.number == 2
    built = client_in.get("/reports/preview/", {"template": tpl.pk}, **HX).content.decode()
    assert "工业总产值" in built and "1.70" in built
    # the old version can still be read
    assert client_in.get(f"/reports/templates/{tpl.pk}/", {"version": 1}).context["shown"].number == 1


@pytest.mark.skipif(not shutil.which("soffice") and not os.environ.get("CI"), reason="LibreOffice is not installed")
def test_the_pdf_download(client_in):
    response = client_in.get("/reports/download/", {"fmt": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
