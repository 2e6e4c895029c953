"""Test-wide settings: fast password hashing and an isolated var/ folder."""
from __future__ import annotations

import itertools

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Background jobs run synchronously in tests (django-tasks' immediate backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


_AUDIT_TEST_KEY = "5a" * 32


@pytest.fixture(scope="session", autouse=True)
def _audit_key_for_shared_fixtures(tmp_path_factory):
    """The audit key and an anchor file for the data that module- and session-scoped fixtures
    commit (before any test's own settings apply): never the repository's var/."""
    from django.conf import settings

    base = tmp_path_factory.getbasetemp() / "audit-anchors"
    settings.PARKLEDGER_AUDIT = {"KEY": _AUDIT_TEST_KEY, "ANCHOR_FILE": str(base / "shared.log")}


@pytest.fixture(autouse=True)
def _audit_key_and_anchors(settings, tmp_path_factory):
    """The audit log's MAC key for tests, and an anchor file of each test's own (outside the
    repository's var/; created only when a test commits audit entries)."""
    from parkledger.audit.refusals import discard_refusals

    base = tmp_path_factory.getbasetemp() / "audit-anchors"
    settings.PARKLEDGER_AUDIT = {"KEY": _AUDIT_TEST_KEY, "ANCHOR_FILE": str(base / f"{next(_anchor_files)}.log")}
    discard_refusals()


_anchor_files = itertools.count(1)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request with an English cookie leaves English
    active on the thread (LocaleMiddleware does not switch back), which later tests would inherit."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Debian's chromium through playwright's sync API).

    Shared by the browser tests and the production-server test: playwright's sync API runs an event
    loop in this thread, so a second `sync_playwright()` while this one is open would fail.
    """
    import os
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
