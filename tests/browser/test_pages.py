"""The web application as a person uses it, in a real browser."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from parkledger.governance.models import Hazard
from tests.browser.conftest import CANVAS_INK_JS, login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def chart_ink(page, selector: str) -> list[dict]:
    page.wait_for_selector(f"{selector} canvas")
    page.wait_for_timeout(700)  # the charts animate for 300 ms
    return page.evaluate(CANVAS_INK_JS, selector)


def test_login_and_dashboard_draws_its_charts(page, site):
    login(page, site)
    assert page.url.rstrip("/") == site.rstrip("/")
    page.goto(f"{site}/?park=ECO&period=2022-09")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=headlines] .figure-card").count() >= 1
    for chart in ("chart-output", "chart-fai", "chart-fiscal", "chart-funnel"):
        canvases = chart_ink(page, f"[data-testid={chart}]")
        assert canvases, chart
        # a drawn chart has thousands of inked pixels; a blank canvas has none
        assert canvases[0]["ink"] > 2000, (chart, canvases)
    assert page.locator("[data-testid=alarms] .alarm").count() == 4
    shot(page, "dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    shot(page, "dashboard-phone")
    assert page.js_errors == []


def test_switch_to_english_and_back(page, site):
    login(page, site)
    assert page.locator("nav.mainnav a").first.inner_text() == "首页"
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")
    assert page.locator("nav.mainnav a").first.inner_text() == "Home"
    assert "Ledgers" in page.locator("nav.mainnav").inner_text()
    shot(page, "dashboard-en")
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "zh-hans")
    assert page.locator("nav.mainnav a").first.inner_text() == "首页"


def test_filter_a_ledger_and_export_it(page, site):
    login(page, site, "/ledgers/hazard/?park=ECO")
    table = page.locator("[data-testid=ledger-table] tbody tr")
    # ECO has 2 of the 3 enterprises (ECO and its sub-park), each inspected once with 2 hazards
    assert table.count() == 4
    page.select_option("select[name=preset]", "overdue")
    expect(table).to_have_count(2)
    assert "preset=overdue" in page.url
    assert all("已超期" in row for row in table.all_inner_texts())
    shot(page, "ledger-hazard")
    with page.expect_download() as info:
        page.click("[data-testid=export]")
    content = open(info.value.path(), "rb").read()
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    # header + the two overdue hazards of ECO
    assert len(rows) == 3
    assert "description" in rows[0] or "隐患描述" in rows[0]


def test_create_a_hazard_with_a_bad_date_then_fix_it(page, site):
    login(page, site, "/ledgers/hazard/add/")
    before = Hazard.objects.count()
    page.fill("input[name=inspection]", "INS-0")  # inspected on 2022-05-01
    page.fill("input[name=description]", "配电房未上锁")
    page.fill("input[name=deadline]", "2022-04-01")
    page.click("[data-testid=record-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    error = page.locator(".field.has-error .error, .form-errors .error").first
    assert re.search("不能早于检查日期", error.inner_text())
    assert Hazard.objects.count() == before
    shot(page, "hazard-form-error")
    page.fill("input[name=deadline]", "2022-06-30")
    page.click("[data-testid=record-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/ledgers/hazard/\d+/$", page.url)
    assert Hazard.objects.count() == before + 1
    assert "配电房未上锁" in page.locator("h1").inner_text()
    shot(page, "hazard-detail")


def test_open_an_enterprise_360(page, site):
    login(page, site, "/enterprises/?park=ECO")
    page.fill("form.filters input[name=q]", "测试企业1")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=enterprise-table] a >> text=测试企业1")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=enterprise-name]").inner_text() == "测试企业1"
    canvases = chart_ink(page, "[data-testid=returns-chart]")
    assert canvases[0]["ink"] > 2000
    assert page.locator("[data-testid=section-hazard] tbody tr").count() == 2
    shot(page, "enterprise-360")


def test_import_a_workbook_with_one_bad_row(page, site, tmp_path):
    from tests.web.test_import import hazard_workbook

    path = tmp_path / "hazards.xlsx"
    path.write_bytes(hazard_workbook([
        ["INS-0", "楼梯间堆放杂物", "general", "2022-07-01", ""],
        ["NO-SUCH-INSPECTION", "配电箱无盖板", "general", "2022-07-01", ""],
    ]))
    before = Hazard.objects.count()
    login(page, site, "/import/")
    page.set_input_files("[data-testid=import-form] input[type=file]", str(path))
    page.click("[data-testid=import-form] button[type=submit]")
    issues = page.locator("[data-testid=import-issues] tbody tr")
    expect(issues).to_have_count(1)
    row = issues.first.inner_text()
    assert "hazard" in row and "3" in row
    assert page.locator("[data-testid=import-not-written]").is_visible()
    assert page.locator("[data-testid=import-apply]").count() == 0
    assert Hazard.objects.count() == before
    shot(page, "import-preview")


def test_generate_the_report_click_a_figure_and_download_word(page, site):
    import docx

    login(page, site, "/reports/?park=ECO&period=2022-09")
    figure = page.locator("[data-testid=report-html] a.fig[data-key='econ.output']").first
    expect(figure).to_be_visible()
    assert figure.inner_text() == "1.70"
    shot(page, "report", full_page=False)
    with page.expect_download() as info:
        page.click("[data-testid=download-docx]")
    document = docx.Document(info.value.path())
    assert any("生态园" in p.text for p in document.paragraphs)
    figure.click()
    page.wait_for_load_state("networkidle")
    assert "/figures/explain/" in page.url
    assert page.locator("[data-testid=explain-title]").inner_text() == "工业总产值"
    # 2 enterprises × 9 months − the missed September return = 17 monthly returns
    assert page.locator("[data-testid=explain-total]").inner_text().startswith("共 17 条台账记录计入本指标")
    assert page.locator("[data-testid=explain-records] tbody tr").count() == 17
    shot(page, "figure-explain")


def test_edit_a_report_template_with_a_live_preview(page, site):
    login(page, site, "/reports/templates/?park=ECO&period=2022-09")
    page.fill("[data-testid=template-create] input[name=name]", "简版")
    page.click("[data-testid=template-create] button[type=submit]")
    page.wait_for_load_state("networkidle")
    editor = page.locator("#id_text")
    editor.fill('园区{{ park.short_name }}简报\n\n工业总产值{{ "econ.output" | yi }}。\n')
    preview = page.locator("[data-testid=template-preview] [data-testid=report-html]")
    expect(preview).to_contain_text("工业总产值1.70亿元")
    editor.fill('第一行\n{{ "econ.output" | no_such_filter }}\n')
    expect(page.locator("[data-testid=template-preview] [data-testid=report-error]")).to_contain_text("第2行")
    shot(page, "report-template-error", full_page=False)
    editor.fill('园区{{ park.short_name }}简报\n\n工业总产值{{ "econ.output" | yi }}。\n')
    expect(preview).to_contain_text("工业总产值1.70亿元")
    page.fill("input[name=note]", "简化")
    page.click("[data-testid=template-save]")
    page.wait_for_load_state("networkidle")
    assert "v2" in page.locator("h1").inner_text()
    shot(page, "report-template", full_page=False)


def test_screenshots_of_the_other_pages(page, site):
    login(page, site, "/figures/?park=ECO&period=2022-09")
    expect(page.locator("[data-testid=chapter-economy]")).to_be_visible()
    shot(page, "figures")
    page.goto(f"{site}/ledgers/")
    shot(page, "ledgers")
    page.goto(f"{site}/import/")
    shot(page, "import")
    page.goto(f"{site}/ledgers/petition/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "ledger-petition-phone")
    assert page.js_errors == []
