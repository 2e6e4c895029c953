"""Five people's everyday journeys, at a desk (1400×900) and on a phone (390×844).

Every page a journey passes is photographed (test-output/screenshots/journey-*.png) and checked:
no page is wider than the phone's screen, and no visible text is a field key (`output_value`) or
holds a backtick.
"""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login as sign_in
from tests.browser.conftest import shot
from tests.web import data
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desk": (1400, 900), "phone": (390, 844)}
FIELD_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")

# The visible text of the page without the parts meant for template authors (hidden keys).
VISIBLE_TEXT_JS = "() => document.body.innerText"
WIDTH_JS = "() => document.documentElement.scrollWidth"


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def person(browser, site, size):
    """A browser page at the size under test; `person.login(username)` signs in."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.size_name = size
    page.site = site
    yield page
    context.close()


def login(page, username: str, next_path: str = "/") -> None:
    sign_in(page, page.site, next_path, username=username)


def go(page, path: str) -> None:
    page.goto(f"{page.site}{path}")
    page.wait_for_load_state("networkidle")


def check(page, name: str) -> None:
    """Photograph the page and check it as a user reads it."""
    page.wait_for_load_state("networkidle")
    shot(page, f"journey-{name}-{page.size_name}")
    text = page.evaluate(VISIBLE_TEXT_JS)
    keys = FIELD_KEY.findall(text)
    assert not keys, f"{name}: field keys visible: {keys[:5]}"
    assert "`" not in text, f"{name}: a backtick is visible"
    assert "---------" not in page.content(), f"{name}: a placeholder choice is shown"
    if page.size_name == "phone":
        width = page.evaluate(WIDTH_JS)
        assert width <= 390, f"{name}: the page is {width}px wide on a 390px phone"
    assert page.js_errors == [], page.js_errors


def open_from_list(page, row_text: str) -> None:
    """Open a record from a ledger list by its 查看 link; the record page must show."""
    row = page.locator("[data-testid=ledger-table] tbody tr", has_text=row_text).first
    with page.expect_navigation():
        row.locator("a", has_text="查看").click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/ledgers/\w+/\d+/$", page.url), page.url
    expect(page.locator("[data-testid=record-title]")).to_be_visible()


def search(page, term: str) -> int:
    """Type in a list's search box; the number of rows once the list has narrowed."""
    table = page.locator("[data-testid=ledger-table] tbody tr")
    before = table.count()
    page.fill("form.filters input[name=q]", term)
    page.press("form.filters input[name=q]", "Enter")
    expect(page.locator("[data-testid=ledger-table] tbody tr")).not_to_have_count(before)
    return table.count()


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "企业月报"
    book.active.append(["统一社会信用代码", "月份", "规上", "工业总产值", "营业收入", "实缴税金"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_statistician_imports_a_month(person, tmp_path):
    page = person
    make_user("stats", "statistician")
    path = tmp_path / "十月月报.xlsx"
    path.write_bytes(workbook([
        [data.uscc(1), "2022-09", "是", 1200, 900, 50],  # corrected
        [data.uscc(1), "2022-08", "是", 1000, 900, 50],  # as stored
        [data.uscc(1), "2023-01", "是", 1100, 880, 40],  # new
    ]))
    bad = tmp_path / "有错的月报.xlsx"
    bad.write_bytes(workbook([[data.uscc(1), "2022-13", "是", -5, 900, 50], ["NOPE", "2022-09", "是", 1, 1, 1]]))
    login(page, "stats", "/import/?park=ECO&period=2022-09")
    check(page, "import")
    page.set_input_files("[data-testid=import-form] input[type=file]", str(bad))
    page.click("[data-testid=import-check]")
    expect(page.locator("[data-testid=import-issues] tbody tr")).not_to_have_count(0)
    assert page.locator("[data-testid=import-apply]").count() == 0
    problem = page.locator("[data-testid=import-issues] tbody tr td.danger").first
    # the 问题 column is not cut off: it ends within the screen's width
    assert problem.evaluate("el => el.getBoundingClientRect().right <= window.innerWidth")
    check(page, "import-errors")
    page.set_input_files("[data-testid=import-form] input[type=file]", str(path))
    page.click("[data-testid=import-check]")
    preview = page.locator("[data-testid=import-preview]")
    expect(preview).to_be_visible()
    expect(page.locator("[data-testid=import-changed-rows]")).to_contain_text("工业总产值：1,000.00 万元 → 1,200.00 万元")
    expect(page.locator("[data-testid=import-unchanged]")).to_contain_text("1 行与已有记录完全相同")
    expect(page.locator("[data-testid=import-new-rows]")).to_contain_text("测试企业1（")
    expect(page.locator("[data-testid=import-new-rows]")).to_contain_text("2023年1月")
    expect(page.locator("[data-testid=import-check]")).to_have_text("预检")  # no longer busy
    check(page, "import-preview")
    with page.expect_navigation():
        page.click("[data-testid=import-apply]")
    assert page.url.endswith("/import/")
    expect(page.locator(".msg-success")).to_contain_text("十月月报.xlsx")
    page.reload()  # POST → redirect → GET: a reload imports nothing again and shows no error
    assert page.locator(".msg-error").count() == 0
    go(page, "/ledgers/enterprise_month/")
    count = search(page, "测试企业1")
    assert 0 < count < 50
    check(page, "returns-search")
    open_from_list(page, "2023年1月")
    expect(page.locator("[data-testid=record-title]")).to_have_text("测试企业1 2023年1月")
    expect(page.locator("[data-testid=history-source]").first).to_contain_text("导入")
    check(page, "return-imported")


def test_economy_department_corrects_an_enterprise(person):
    page = person
    make_user("economy", "economy")
    login(page, "economy", "/ledgers/enterprise/?park=ECO&period=2022-09")
    assert search(page, "测试企业2") == 1
    check(page, "enterprises")
    open_from_list(page, "测试企业2")
    with page.expect_navigation():
        page.click("text=编辑")
    page.fill("input[name=land_area_mu]", "25.5")
    with page.expect_navigation():
        page.click("[data-testid=record-form] button[type=submit]")
    history = page.locator("[data-testid=record-history]")
    expect(history).to_contain_text("用地面积")
    expect(history).to_contain_text("20.00 亩 → 25.50 亩")
    expect(history).to_contain_text("表单")
    check(page, "enterprise-corrected")
    # a monthly return is the statisticians': readable, with the reason there is no 编辑
    go(page, "/ledgers/enterprise_month/")
    open_from_list(page, "测试企业2")
    expect(page.locator("[data-testid=read-only-reason]")).to_be_visible()
    check(page, "return-read-only")


def test_leader_goes_from_the_dashboard_to_an_issued_report(person):
    page = person
    make_user("leader", "leader")
    login(page, "leader", "/?park=ECO&period=2022-09")
    check(page, "dashboard")
    go(page, "/figures/")
    value = page.locator("[data-testid=chapter-economy] tbody tr").first.locator(".col-value")
    expect(value).to_be_visible()
    check(page, "figures")
    go(page, "/figures/explain/?key=econ.output")
    expect(page.locator("[data-testid=explain-definition]")).to_contain_text("2022年1-9月")
    check(page, "figure-sources")
    with page.expect_navigation():
        page.locator("[data-testid=explain-records] a").first.click()
    expect(page.locator("[data-testid=record-title]")).to_be_visible()
    go(page, "/reports/preview/")
    expect(page.locator("[data-testid=report-html]")).to_be_visible()
    check(page, "report-preview")
    go(page, "/reports/")
    expect(page.locator("[data-testid=report-html]")).to_be_visible()
    check(page, "report")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    with page.expect_navigation():
        page.click("[data-testid=issue]")
    assert dialogs and "第1版" in dialogs[0]
    expect(page.locator("[data-testid=issued-title]")).to_contain_text("第1版")
    check(page, "issued-report")
    go(page, "/reports/archive/")
    check(page, "archive")


def test_enterprise_user_files_his_own_return(person):
    from parkledger.accounts.models import Membership

    page = person
    user = make_user("filer", "enterprise", park=None)
    Membership.objects.create(user=user, enterprise_id=data.uscc(1))
    login(page, "filer", "/ledgers/")
    links = page.locator(".kind-group a")
    assert 0 < links.count() <= 2
    check(page, "filer-ledgers")
    go(page, "/ledgers/enterprise_month/add/")
    assert page.locator("select[name=uscc], input[name=uscc]").first.is_disabled()
    assert page.locator("input[name=above_scale]").is_checked()  # from his last return
    assert page.locator("input[name=month]").input_value() == "2023-01"
    page.fill("input[name=output_value]", "1234.5")
    check(page, "filer-form")
    with page.expect_navigation():
        page.click("[data-testid=record-form] button[type=submit]")
    expect(page.locator("[data-testid=record-title]")).to_have_text("测试企业1 2023年1月")
    check(page, "filer-return")
    go(page, "/enterprises/")
    with page.expect_navigation():
        page.click("[data-testid=enterprise-table] a >> text=测试企业1")
    expect(page.locator("[data-testid=enterprise-name]")).to_have_text("测试企业1")
    check(page, "filer-360")


def test_safety_officer_adds_a_hazard(person):
    page = person
    login(page, "safety", "/ledgers/hazard/add/?park=ECO&period=2022-09")
    picker = page.locator("input[name=inspection]")
    picker.click()
    picker.fill("测试企业1")
    expect(page.locator("datalist#dl-id_inspection option")).to_have_count(1)
    picker.fill("INS-0")
    expect(page.locator(".picker-chosen")).to_have_text("测试企业1 2022-05-01 除险保安")  # what was picked, in words
    page.fill("input[name=description]", "配电房未上锁")
    page.select_option("select[name=level]", "major")
    page.fill("input[name=deadline]", "2022-06-30")
    check(page, "hazard-form")
    with page.expect_navigation():
        page.click("[data-testid=record-form] button[type=submit]")
    expect(page.locator("[data-testid=record-title]")).to_have_text("配电房未上锁")
    expect(page.locator("[data-testid=record-history]")).to_contain_text("隐患等级：重大")
    check(page, "hazard-detail")
    go(page, "/ledgers/hazard/")
    assert search(page, "测试企业1") == 3
    open_from_list(page, "配电房未上锁")
    check(page, "hazard-opened")
    go(page, f"/enterprises/{data.uscc(1)}/")
    check(page, "enterprise-360")
    with page.expect_navigation():
        page.locator("[data-testid=section-hazard] a", has_text="查看").first.click()
    expect(page.locator("[data-testid=record-title]")).to_be_visible()
