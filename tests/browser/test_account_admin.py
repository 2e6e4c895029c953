"""The admin's users page and a refusal of the gate there, in the browser at both widths."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import shot
from tests.security.admins_world import make_account


@pytest.fixture
def admin_site(transactional_db, live_server):
    root = make_account("root", is_superuser=True, is_staff=True)
    make_account("clerk", "social")
    other = make_account("root2", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    return live_server.url, client.cookies[settings.SESSION_COOKIE_NAME].value, other.pk


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
def test_the_users_page_and_a_refusal(browser, admin_site, width, height):
    url, session, other_pk = admin_site
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}])
    page = context.new_page()
    page.goto(f"{url}/admin/auth/user/")
    text = page.inner_text("body")
    assert "clerk" in text and "增加 用户" not in text  # no add button: accounts are created on 账户管理
    shot(page, f"admin-users-{width}")
    page.goto(f"{url}/admin/auth/user/{other_pk}/password/")
    body = page.inner_text("body")
    assert "管理员账户不能在网页上修改" in body, body[:500]
    shot(page, f"admin-user-refused-{width}")
    context.close()
