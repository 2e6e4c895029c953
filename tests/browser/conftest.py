"""Browser tests: Debian's chromium driven by playwright against pytest-django's live server.

They skip only when chromium is missing and the `CI` environment variable is unset (in CI a
missing browser is a failure). Screenshots go to `test-output/screenshots/`.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.web import data
from tests.web.conftest import PASSWORD, make_user

# playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PARKLEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(settings.PROJECT_DIR) / "test-output" / "screenshots"
USERNAME = "safety"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"chromium not found at {CHROMIUM} (set CI to make this a failure)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with the small dataset and the ECO park's safety officer (writes hazards)."""
    data.build(1)
    make_user(USERNAME, "safety_env")
    return live_server.url


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    context.close()


def login(page, site: str, next_path: str = "/", *, username: str = USERNAME) -> None:
    """Sign in on the login page (the test password) and land on `next_path`."""
    page.goto(f"{site}/accounts/login/?{urlencode({'next': next_path})}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# Counts the non-transparent pixels of every chart canvas inside a selector.
CANVAS_INK_JS = """
(sel) => Array.from(document.querySelectorAll(sel + ' canvas')).map(c => {
  const ctx = c.getContext('2d');
  const img = ctx.getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 3; i < img.length; i += 4) { if (img[i] > 0) ink++; }
  return {w: c.width, h: c.height, ink: ink, url: c.toDataURL().length};
})
"""
