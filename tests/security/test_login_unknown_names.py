"""Failed sign-ins with names that match no account are throttled per address, on the same
rules as an account's, and answered exactly as a known account's: the answers do not tell
whether an account exists."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parkledger.accounts import throttle
from parkledger.accounts.models import LoginThrottle
from parkledger.audit.models import AuditEntry
from tests.security.admins_world import PASSWORD, make_account

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "wrong-Pass-1"
ADDRESS, OTHER_ADDRESS = "203.0.113.66", "198.51.100.7"
RULES = {"LOGIN_DELAY_AFTER": 2, "LOGIN_DELAY_SECONDS": 2, "LOCKOUT_THRESHOLD": 5, "LOCKOUT_MINUTES": 15,
         "LOCKOUT_MAX_MINUTES": 24 * 60}


@pytest.fixture(autouse=True)
def rules(settings):
    settings.PARKLEDGER_SECURITY = dict(RULES)


@pytest.fixture(autouse=True)
def still_clock(monkeypatch):
    """The throttle's clock stands still during a test, so the wait it announces ("请 2 秒后再试")
    does not depend on how long a password check took on a busy machine."""
    moment = timezone.now()
    monkeypatch.setattr(throttle, "timezone", SimpleNamespace(now=lambda: moment))
    return moment


def _login(client, username: str, password: str = WRONG, ip: str = ADDRESS):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _answer(response) -> str:
    """The form's error as the user reads it (the page's error list), digits kept."""
    body = response.content.decode()
    found = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', body, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def _address_row(ip: str = ADDRESS) -> LoginThrottle:
    return LoginThrottle.objects.get(user=None, ip=ip)


def _wait_over(ip: str) -> None:
    """Let every current delay at the address pass (the clock is not slept on)."""
    LoginThrottle.objects.filter(ip=ip).update(retry_at=throttle.timezone.now() - timedelta(seconds=1))


def _script(client, name, ip: str) -> list[str]:
    """The same attempts with one name (or a new unknown name each time, `name` a callable):
    two failures, one try during the delay, then failures (delays let pass) up to the lock and
    one try during the lock."""
    names = name if callable(name) else (lambda _i: name)
    answers = []
    for i in range(2):
        answers.append(_answer(_login(client, names(i), ip=ip)))
    answers.append(_answer(_login(client, names(2), ip=ip)))  # within the 2-second delay
    for i in range(3, 6):
        _wait_over(ip)
        answers.append(_answer(_login(client, names(i), ip=ip)))
    answers.append(_answer(_login(client, names(6), ip=ip)))  # locked
    return answers


def test_the_answers_are_the_same_for_a_known_and_an_unknown_name(client):
    make_account("clerk", "social")
    known = _script(client, "clerk", OTHER_ADDRESS)
    unknown = _script(client, "nobody", ADDRESS)
    assert known == unknown
    # by hand: two wrong passwords, a 2-second wait, three more failures, then the lock
    wrong = "用户名或密码不正确。同一地址连续失败 5 次将锁定该账户在此地址的登录 15 分钟。"
    assert unknown[:2] == [wrong, wrong]
    assert unknown[2] == "登录尝试过于频繁，请 2 秒后再试。"
    assert unknown[3:6] == [wrong] * 3
    assert unknown[6] == "该账户在此地址的登录已被锁定，请 15 分钟后再试，或联系安全管理员解锁。"


def test_every_unknown_name_from_an_address_counts_in_one_row_with_the_same_delays(client):
    waits = []
    for i in range(4):
        _login(client, f"ghost{i}")  # a different name each time
        row = _address_row()
        waits.append(None if row.retry_at is None else round((row.retry_at - row.last_failure_at).total_seconds()))
        _wait_over(ADDRESS)
    assert waits == [None, 2, 4, 8]  # the account's schedule: 2 s after the 2nd failure, doubling
    _login(client, "ghost4")
    row = _address_row()
    assert row.failures == 5 and round((row.locked_until - row.last_failure_at).total_seconds() / 60) == 15
    assert not LoginThrottle.objects.filter(ip=OTHER_ADDRESS).exists()
    failed = AuditEntry.objects.filter(action="login_failed", result="failure", detail__unknown_user=True)
    assert sorted(e.detail["failed_logins"] for e in failed) == [1, 2, 3, 4, 5]
    lock = AuditEntry.objects.get(action="lockout")
    assert lock.username == "ghost4" and lock.detail["address"] == ADDRESS and lock.detail["unknown_user"]


def test_while_unknown_names_wait_every_name_from_the_address_waits(client):
    """Else a name answered normally while the unknown ones wait would be a name that exists."""
    make_account("clerk", "social")
    _login(client, "ghost0")
    _login(client, "ghost1")
    delayed = _answer(_login(client, "clerk", PASSWORD))
    assert delayed == _answer(_login(client, "ghost2")) == "登录尝试过于频繁，请 2 秒后再试。"
    assert "_auth_user_id" not in client.session
    # another address is not affected
    assert _login(client, "clerk", PASSWORD, ip=OTHER_ADDRESS).status_code == 302


def test_a_sign_in_does_not_clear_the_count_but_time_does(client):
    make_account("clerk", "social")
    _login(client, "ghost0")
    assert _login(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    assert _address_row().failures == 1  # a known account may not reset the count at will
    LoginThrottle.objects.filter(user=None).update(
        last_failure_at=timezone.now() - timedelta(minutes=RULES["LOCKOUT_MAX_MINUTES"] + 1))
    _login(client, "ghost1")
    assert _address_row().failures == 1  # started over


def test_a_failure_costs_the_same_work_for_a_known_and_an_unknown_name(client, monkeypatch):
    """Similar timing: one password hash each (Django hashes the password of an unknown name
    too) and the same database work but for two small reads (the known account's profile, and
    the address's row of unknown names, which for an unknown name is the row it locks anyway)."""
    make_account("clerk", "social")
    hashed: list[str] = []
    encode = MD5PasswordHasher.encode

    def counting_encode(self, password, salt):
        hashed.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    work = {}
    for name, ip in (("clerk", "192.0.2.1"), ("nobody", "192.0.2.2")):
        hashed.clear()
        with CaptureQueriesContext(connection) as queries:
            _login(client, name, ip=ip)
        work[name] = (len(hashed), len(queries.captured_queries))
    assert work["clerk"][0] == work["nobody"][0] == 1
    assert 0 <= work["clerk"][1] - work["nobody"][1] <= 2, work
