"""全市概况's alarm table in the browser, for the 市级管理 role, at both widths and in both languages."""
from __future__ import annotations

import re

import pytest

from parkledger.accounts.models import Membership
from tests.browser.conftest import login, shot
from tests.city.test_city_alarms import _world
from tests.web.conftest import make_user


@pytest.fixture
def alarm_site(transactional_db, live_server):
    _world()
    user = make_user("shiji-browser", "city", park=None)
    Membership.objects.create(user=user, city="宁波")
    return live_server.url


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
def test_city_alarm_table(browser, alarm_site, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, alarm_site, "/city/?period=2022-09", username="shiji-browser")
    table = page.locator("[data-testid=city-alarms]")
    table.scroll_into_view_if_needed()
    text = table.inner_text()
    for label in ("园区", "隐患超期未整改", "信访件登记超60日未办结", "已签约未按计划开工项目", "本月未报月报企业", "合计"):
        assert label in text
    assert not re.search(r"[A-Za-z_`]", text), text  # no keys, codes or English in the Chinese page
    assert page.locator("[data-testid=city-alarms] tbody tr").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"city-alarms-{width}")
    # a count opens the park's list of those records
    page.locator('[data-testid=city-alarms] tr[data-park="PA"] td[data-alarm="hazards"] a').click()
    page.wait_for_load_state("networkidle")
    assert "preset=overdue" in page.url and "park=PA" in page.url
    assert page.get_by_text("隐患", exact=False).count() > 0
    shot(page, f"city-alarms-list-{width}")

    assert errors == []
    context.close()
