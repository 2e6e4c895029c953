"""The filing round in the browser: the enterprise files on a phone, the statistician reviews on a desk."""
from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from parkledger.core.models import EnterpriseMonth
from parkledger.filing.models import Submission, SubmissionState
from parkledger.filing.services import open_round
from tests.browser.conftest import CHROMIUM_ARGS, login, shot  # noqa: F401  (the browser fixture's flags)
from tests.filing.conftest import build_world

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1400, "height": 900}


@pytest.fixture
def filing_site(transactional_db, live_server):
    world = build_world()
    round_ = open_round(park="ECO", kind="enterprise_month", month="2022-03", due_on=date(2022, 4, 10),
                        user=world.stat)
    return live_server.url, world, round_


def _page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _login(page, site: str, username: str, next_path: str = "/") -> None:
    login(page, site, next_path, username=username)


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_file_return_review_file_again_accept(browser, filing_site):
    site, world, round_ = filing_site
    sub = Submission.objects.get(round=round_, enterprise=world.a)

    # the enterprise user, on a phone: lands on 我的填报, fills in a jump of +140% without a 说明
    ctx, page = _page(browser, PHONE)
    _login(page, site, "qiye")
    assert page.url.endswith("/filing/mine/")
    _no_overflow(page)
    shot(page, "filing-mine-390")
    page.click(f"a[href='/filing/mine/{sub.pk}/']")
    page.fill("input[name=output_value]", "12000")
    page.fill("input[name=value_added]", "1040")
    page.fill("input[name=revenue]", "5000")
    page.fill("input[name=employees]", "121")
    page.locator("input[name=employees]").dispatch_event("change")
    page.wait_for_selector("#checks .msg")
    assert "请填写说明" in page.inner_text("#checks")
    page.click("[data-testid=save-draft]")
    page.wait_for_load_state("networkidle")
    assert Submission.objects.get(pk=sub.pk).state == SubmissionState.DRAFT
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    assert "还不能提交" in page.inner_text("main")
    page.fill("input[name=why_output_value]", "新生产线投产")
    page.fill("input[name=output_value]", "12000")
    _no_overflow(page)
    shot(page, "filing-form-390")
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/filing/mine/") and "已提交" in page.inner_text("main")
    assert not EnterpriseMonth.objects.filter(uscc=world.a, month="2022-03").exists()
    ctx.close()

    # the statistician, at a desk: sees the explanation, returns it
    ctx, page = _page(browser, DESK)
    _login(page, site, "stat", f"/filing/{round_.pk}/?park=ECO&period=2022-03")
    row = page.locator(f"tr[data-uscc='{world.a.uscc}']")
    assert "新生产线投产" in row.inner_text()
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("产值请与税务数据核对")
    row.locator("input[name=fields][value=output_value]").check()
    row.locator("[data-testid=return]").click()
    page.wait_for_load_state("networkidle")
    assert Submission.objects.get(pk=sub.pk).state == SubmissionState.RETURNED
    shot(page, "filing-round-1400")
    ctx.close()

    # the enterprise files again
    ctx, page = _page(browser, PHONE)
    _login(page, site, "qiye", f"/filing/mine/{sub.pk}/")
    assert "产值请与税务数据核对" in page.inner_text("[data-testid=returned]")
    page.fill("input[name=output_value]", "5300")
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    assert Submission.objects.get(pk=sub.pk).state == SubmissionState.SUBMITTED
    ctx.close()

    # accepted: only now the ledger has the return; then 催报 the others
    ctx, page = _page(browser, DESK)
    _login(page, site, "stat", f"/filing/{round_.pk}/?park=ECO&period=2022-03")
    page.locator(f"tr[data-uscc='{world.a.uscc}'] [data-testid=accept]").click()
    page.wait_for_load_state("networkidle")
    assert EnterpriseMonth.objects.get(uscc=world.a, month="2022-03").output_value == 5300
    assert page.inner_text("[data-count=accepted]") == "1"
    page.click("[data-testid=remind]")
    page.wait_for_load_state("networkidle")
    assert [m.to for m in mail.outbox] == [["qiye_b@example.com"]]
    ctx.close()

    ctx, page = _page(browser, PHONE)
    _login(page, site, "qiye_b")
    assert "【催报】" in page.inner_text("[data-testid=notices]")
    _no_overflow(page)
    ctx.close()
