"""The learning page: upload, review (figures highlighted by confidence), correct, save; bad files get a
clear message and never a server error."""
from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parkledger.reports.models import ParkSynonym, ReportTemplate
from tests.learning import review_form
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


def test_the_page_and_the_link_to_it(staff):
    page = staff.get(URL)
    assert page.status_code == 200
    assert 'data-testid="learn-form"' in page.content.decode()
    assert f'href="{URL}"' in staff.get("/reports/templates/").content.decode()


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_upload_shows_each_figure_in_its_sentence_with_its_proposal_in_words(staff):
    review = upload(staff)
    assert review.status_code == 200
    html = review.content.decode()
    # the document, highlighted by confidence; the unbound figure in red
    assert len(re.findall(r'<mark class="lc-high"><a href="#row-', html)) >= 3
    assert re.search(r'<mark class="lc-none"><a href="#row-\d+">4.2公里</a>', html)
    fai = review_form.row(html, "41.65亿元")
    # the sentence, the indicator's Chinese name with its key in small print, the evidence, the choices
    assert "完成固定资产投资<mark" in fai["body"] and "<strong>固定资产投资</strong>" in fai["body"]
    assert '<span class="lr-key">econ.fai</span>' in fai["body"] and "“固定资产投资”" in fai["body"]
    assert fai["keys"][0] == "econ.fai" and fai["checked"] is None and fai["state"] == "lr-proposed"
    # the definition in words: no field names, the window as 报告期
    definition = re.search(r'<p class="lr-definition">([^<]*)</p>', fai["body"]).group(1)
    assert "报告期" in definition and "`" not in definition and "W" not in definition
    assert 'value="none"' in fai["body"] and "无对应指标" in fai["body"]
    road = review_form.row(html, "4.2公里")
    assert road["state"] == "lr-pending" and "待确认" in road["body"]
    assert '<datalist id="indicator-keys">' in html and '<option value="econ.fai">固定资产投资（亿元）' in html


def test_the_template_holds_only_what_the_user_confirmed(staff):
    html = upload(staff).content.decode()
    assert "&quot;econ.fai&quot;" not in html  # nothing confirmed yet: no figure in the template
    fai = review_form.row(html, "41.65亿元")
    applied = staff.post(URL, review_form.form(html, **{f"choice-{fai['start']}": "key:econ.fai", "action": "apply"}))
    text = applied.content.decode()
    assert review_form.row(text, "41.65亿元")["state"] == "lr-confirmed"
    assert "{{ &quot;econ.fai&quot; | yi }}" in text and "&quot;invest.signed&quot;" not in text


def test_a_repick_is_applied_and_a_bad_key_is_refused(staff):
    html = upload(staff).content.decode()
    start = review_form.row(html, "41.65亿元")["start"]
    repick = {f"choice-{start}": "other", f"key-{start}": "econ.industrial_investment", "action": "apply"}
    applied = staff.post(URL, review_form.form(html, **repick))
    text = applied.content.decode()
    assert applied.status_code == 200
    row = review_form.row(text, "41.65亿元")
    assert row["state"] == "lr-confirmed" and row["checked"] == "other" and "<strong>工业投资</strong>" in row["body"]
    assert "{{ &quot;econ.industrial_investment&quot; | yi }}" in text
    # the growth after it now proposes its level's growth
    assert review_form.row(text, "13.6%")["keys"][0] == "econ.industrial_investment.yoy"
    refused = staff.post(URL, review_form.form(html, **{**repick, f"key-{start}": "no.such.key", "action": "save"}))
    assert refused.status_code == 200
    assert "未知指标“no.such.key”" in refused.content.decode()
    assert not ReportTemplate.objects.exists()
    wrong_unit = staff.post(URL, review_form.form(html, **{**repick, f"key-{start}": "invest.signed"}))
    assert "单位" in wrong_unit.content.decode()


def test_confirm_high_then_save_creates_a_version_and_teaches_the_synonym_table(staff):
    html = upload(staff).content.decode()
    confirmed = staff.post(URL, review_form.form(html, action="confirm_high")).content.decode()
    assert all(r["checked"] for r in review_form.rows(confirmed) if r["state"] == "lr-confirmed")
    assert review_form.row(confirmed, "19个")["checked"] == "key:invest.signed"
    road = review_form.row(confirmed, "4.2公里")["start"]
    investment = review_form.row(confirmed, "26.92亿元")["start"]
    saved = staff.post(URL, review_form.form(confirmed, **{
        f"choice-{investment}": "none", f"choice-{road}": "other", f"key-{road}": "build.land_transfers.area",
        "action": "save", "name": "去年学习"}))
    assert "单位" in saved.content.decode()  # 公里 is no area: refused, nothing saved
    assert not ReportTemplate.objects.exists()
    saved = staff.post(URL, review_form.form(confirmed, **{
        f"choice-{investment}": "none", f"choice-{road}": "none", "action": "save", "name": "去年学习"}))
    template = ReportTemplate.objects.get(park_id="ECO", name="去年学习")
    assert saved.status_code == 302 and saved["Location"] == f"/reports/?template={template.pk}"
    text = template.current_version.text
    assert '{{ "invest.signed" | n }}' in text and "总投资26.92亿元" in text and "4.2公里" in text
    # the park's synonym table learnt the 无对应指标 choice for a figure the learner had bound
    assert dict(ParkSynonym.objects.filter(park__code="ECO").values_list("phrase", "key")) == {"总投资": ""}
    again = upload(staff).content.decode()
    row = review_form.row(again, "26.92亿元")
    assert row["state"] == "lr-pending" and "本园区同义词表" in row["body"]


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
