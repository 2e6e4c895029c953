"""The learning page: upload, review (figures highlighted by confidence), correct, save; bad files get a
clear message and never a server error."""
from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parkledger.reports.models import ReportTemplate
from tests.web import data
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

URL = "/reports/learn/"
TEXT = ("生态园2022年工作总结和2023年工作思路\n"
        "1-9月，园区新签约项目19个，总投资26.92亿元。完成固定资产投资41.65亿元，同比增长13.6%。"
        "园区道路新增通车里程4.2公里。\n")


@pytest.fixture
def staff(client):
    data.build(1)
    client.force_login(make_user("leader", "leader"))
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    return client


def upload(client, content: bytes = TEXT.encode(), name: str = "去年.txt"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def form_of(html: str, **changes: str) -> dict[str, str]:
    form = {"token": re.search(r'name="token" value="(\w+)"', html).group(1)}
    form.update(dict(re.findall(r'name="(key-\d+)" value="([^"]*)"', html)))
    form.update(dict(re.findall(r'name="(orig-\d+)" value="([^"]*)"', html)))
    form.update(changes)
    return form


def key_field(html: str, key: str) -> str:
    return re.search(rf'name="(key-\d+)" value="{re.escape(key)}"', html).group(1)


def test_the_page_and_the_link_to_it(staff):
    page = staff.get(URL)
    assert page.status_code == 200
    assert 'data-testid="learn-form"' in page.content.decode()
    assert f'href="{URL}"' in staff.get("/reports/templates/").content.decode()


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_upload_shows_the_document_highlighted_with_a_searchable_list(staff):
    review = upload(staff)
    assert review.status_code == 200
    html = review.content.decode()
    # three bound figures in green, the unbound one in red; a datalist of every indicator
    assert len(re.findall(r'<mark class="lc-high"[^>]*><a href="#row-', html)) >= 3
    assert re.search(r'<mark class="lc-none"[^>]*><a href="#row-\d+">4.2公里</a>', html)
    assert '<datalist id="indicator-keys">' in html and '<option value="econ.fai">' in html
    assert 'value="invest.signed.investment"' in html


def test_a_correction_is_applied_and_a_bad_key_is_refused(staff):
    html = upload(staff).content.decode()
    field = key_field(html, "econ.fai")
    applied = staff.post(URL, form_of(html, **{field: "econ.industrial_investment", "action": "apply"}))
    text = applied.content.decode()
    assert applied.status_code == 200
    assert 'class="changed"' in text and '{{ &quot;econ.industrial_investment&quot; | yi }}' in text
    # the growth after it follows its level
    assert "econ.industrial_investment.yoy" in text
    refused = staff.post(URL, form_of(html, **{field: "no.such.key", "action": "save"}))
    assert refused.status_code == 200
    assert "未知指标“no.such.key”" in refused.content.decode()
    assert not ReportTemplate.objects.exists()
    wrong_unit = staff.post(URL, form_of(html, **{field: "invest.signed", "action": "apply"}))
    assert "单位" in wrong_unit.content.decode()


def test_save_creates_a_park_template_version_and_opens_the_report(staff):
    html = upload(staff).content.decode()
    unbind = key_field(html, "invest.signed.investment")
    saved = staff.post(URL, form_of(html, **{unbind: "", "action": "save", "name": "去年学习"}))
    template = ReportTemplate.objects.get(park_id="ECO", name="去年学习")
    assert saved.status_code == 302 and saved["Location"] == f"/reports/?template={template.pk}"
    text = template.current_version.text
    assert '{{ "econ.fai" | yi }}' in text and "总投资26.92亿元" in text
    again = staff.post(URL, form_of(html, action="save", name="去年学习"))
    assert again.status_code == 302 and template.versions.count() == 2


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.4", "report.pdf", "不支持的文件类型"),
    (b"PK\x03\x04 not really", "report.docx", "无法读取 Word 文件"),
    (b"", "report.txt", "文件是空的"),
])
def test_bad_files_get_a_message_not_a_server_error(staff, content, name, message):
    response = upload(staff, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_too_big_and_expired_uploads(staff, monkeypatch):
    monkeypatch.setattr("parkledger.web.views.learn._max_bytes", lambda: 10)
    response = upload(staff)
    assert response.status_code == 400 and "文件太大" in response.content.decode()
    expired = staff.post(URL, {"token": "0" * 32, "action": "save", "name": "x"})
    assert expired.status_code == 400 and "已失效" in expired.content.decode()
