"""The city pages in the browser: the comparison with its charts, the city dashboard, at both widths."""
from __future__ import annotations

import pytest

from parkledger.accounts.models import Membership
from parkledger.core.models import Park
from tests.browser.conftest import CANVAS_INK_JS, login, shot
from tests.web import data
from tests.web.conftest import make_user


@pytest.fixture
def city_site(transactional_db, live_server):
    data.build(1)
    Park.objects.filter(code="OTH").update(city="宁波", short_name="另一园")
    user = make_user("city-leader", "leader", park="ECO")
    Membership.objects.create(user=user, park_id="OTH")
    return live_server.url


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
def test_compare_and_city_dashboard(browser, city_site, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, city_site, "/city/?period=2022-09&park=ECO", username="city-leader")
    assert "全市园区概况" in page.inner_text("h1")
    page.wait_for_function("document.querySelector('[data-testid=city-trend] canvas') !== null")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"city-dashboard-{width}")

    page.goto(f"{city_site}/city/compare/?period=2022-09&park=ECO&keys=econ.output&keys=invest.signed")
    page.wait_for_function("document.querySelectorAll('[data-testid=rank-chart] canvas').length === 2")
    ink = page.evaluate(CANVAS_INK_JS, "[data-testid=rank-chart]")
    assert all(c["ink"] > 500 for c in ink), ink
    assert page.locator("[data-testid=compare-table] tbody tr").count() == 2
    page.fill("[data-key-filter]", "工业总产值")
    assert page.locator("#key-select option:not([hidden])").count() < page.locator("#key-select option").count()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"city-compare-{width}")
    assert errors == []
    context.close()
