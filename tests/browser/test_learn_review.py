"""The learn page as a review screen, in a real browser: upload last year's report, confirm the confident
proposals, repick one figure's indicator, mark one figure as having no indicator, save, see the report
regenerated from the template, and find the choices taught to the park's synonym table on the next
upload; at 1400 px and 390 px wide without horizontal overflow."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parkledger.reports.models import ParkSynonym, ReportTemplate
from tests.browser.conftest import login, shot
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = ("生态园2022年工作总结和2023年工作思路\n"
          "1-9月，园区新签约项目19个，总投资26.92亿元。完成固定资产投资41.65亿元，同比增长13.6%。"
          "其中临港片区完成固定资产投资12.3亿元。园区道路新增通车里程4.2公里。\n")


def item(page, figure: str):
    return page.locator(f"[data-testid=learn-item][data-figure='{figure}']")


def no_overflow(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (width, scroll)


def upload(page, site: str, tmp_path) -> None:
    path = tmp_path / "去年报告.txt"
    path.write_text(REPORT, encoding="utf-8")
    page.goto(f"{site}/reports/learn/?park=ECO&period=2022-09")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("[data-testid=learn-form] button[type=submit]")
    expect(page.locator("[data-testid=learn-rows]")).to_be_visible()


def test_review_confirm_repick_no_indicator_save_regenerate(page, site, tmp_path):
    make_user("learner", "leader")
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, site, "/", username="learner")

    upload(page, site, tmp_path)
    fai = item(page, "41.65亿元")
    # the figure in its sentence, the indicator's Chinese name, the key in small print, the evidence
    expect(fai.locator(".lr-sentence")).to_contain_text("完成固定资产投资41.65亿元，同比增长13.6%。")
    expect(fai.locator("strong")).to_have_text("固定资产投资")
    expect(fai.locator(".lr-key").first).to_have_text("econ.fai")
    expect(fai.locator(".lr-evidence")).to_contain_text("依据：“固定资产投资”")
    # a 片区 figure and a figure no indicator covers are 待确认, with the 片区 named as the reason
    area = item(page, "12.3亿元")
    expect(area.locator("[data-testid=learn-status]")).to_have_text("待确认")
    expect(area.locator(".lr-evidence")).to_contain_text("限定：临港片区")
    expect(item(page, "4.2公里").locator("[data-testid=learn-status]")).to_have_text("待确认")
    no_overflow(page, 1400)
    shot(page, "learn-review-1400")

    # confirm every confident proposal
    with page.expect_navigation():
        page.click("[data-testid=learn-confirm-high]")
    expect(item(page, "19个").locator("[data-testid=learn-status]")).to_have_text("已确认")
    expect(item(page, "41.65亿元").locator("[data-testid=learn-status]")).to_have_text("已确认")
    # repick: 工业投资 for the first figure of 投资; mark the 总投资 as having no indicator
    fai = item(page, "41.65亿元")
    fai.locator("[data-testid=learn-choice-other]").check()
    fai.locator("input[type=text]").fill("econ.industrial_investment")
    item(page, "26.92亿元").locator("[data-testid=learn-choice-none]").check()
    with page.expect_navigation():
        page.click("[data-testid=learn-apply]")
    fai = item(page, "41.65亿元")
    expect(fai.locator("strong")).to_have_text("工业投资")
    expect(item(page, "26.92亿元")).to_contain_text("无对应指标（保留原文）")
    # the growth follows its repicked level
    expect(item(page, "13.6%").locator(".lr-key").first).to_have_text("econ.industrial_investment.yoy")
    template = page.locator("[data-testid=learn-template]").text_content()
    assert '{{ "econ.industrial_investment" | yi }}' in template and "总投资26.92亿元" in template
    assert "通车里程4.2公里" in template and "econ.fai\"" not in template
    shot(page, "learn-review-confirmed-1400")

    # save, and the report is generated from the template
    page.fill("#id_name", "学习自去年报告")
    with page.expect_navigation():
        page.click("[data-testid=learn-save]")
    saved = ReportTemplate.objects.get(park__code="ECO", name="学习自去年报告")
    assert page.url.endswith(f"?template={saved.pk}")
    expect(page.locator("[data-testid=report-preview]")).to_contain_text("通车里程4.2公里", timeout=30_000)
    preview = page.locator("[data-testid=report-preview]").inner_text()
    assert "总投资26.92亿元" in preview and "同义词表" in page.locator("main").inner_text()
    assert "新签约项目19个" not in preview  # the count now comes from the park's ledger, not last year's text
    no_overflow(page, 1400)
    shot(page, "learn-regenerated-report-1400")
    assert dict(ParkSynonym.objects.filter(park__code="ECO").values_list("phrase", "key")) == {
        "总投资": "", "完成固定资产投资": "econ.industrial_investment"}

    # the next upload proposes what was taught; on a phone the screen fits its width
    page.set_viewport_size({"width": 390, "height": 844})
    upload(page, site, tmp_path)
    fai = item(page, "41.65亿元")
    expect(fai.locator("strong")).to_have_text("工业投资")
    expect(fai.locator(".lr-note")).to_have_text("本园区同义词表")
    expect(item(page, "26.92亿元").locator("[data-testid=learn-status]")).to_have_text("待确认")
    no_overflow(page, 390)
    shot(page, "learn-review-390")
    page.goto(f"{site}/reports/learn/?park=ECO&period=2022-09")
    no_overflow(page, 390)
    shot(page, "learn-upload-390")
    assert page.js_errors == []
