"""Lockout is not a weapon: sign-ins are throttled per (account, client address).

The issue's attacks: five unauthenticated POSTs locked sysadmin for 15 minutes everywhere; a
burst of 25 parallel logins on SQLite answered 18 × 500; and a correct password arriving after
a recorded lock cleared it. Here a lock holds for the failing address only, delays grow before
it, a correct password never lifts it, the security administrator's unlock is audited, tokens
stop at once, and 25 parallel logins (threads against a live server) give no 500 and no way past
the lock.
"""
from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from parkledger.accounts import throttle
from parkledger.accounts.authn import profile_of
from parkledger.accounts.models import LoginThrottle
from parkledger.api.tokens import token_create
from parkledger.audit.models import AuditEntry
from tests.security.admins_world import PASSWORD, SqliteServer, admins, login_burst, make_account

LOGIN = "/accounts/login/"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
WRONG = "wrong-Pass-1"


def _login(client, username, password=PASSWORD, ip=ATTACKER):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _row(user, ip=ATTACKER) -> LoginThrottle:
    return LoginThrottle.objects.get(user=user, ip=ip)


def _wait_over(user, ip=ATTACKER) -> None:
    """Let the current delay pass (the clock is not slept on)."""
    LoginThrottle.objects.filter(user=user, ip=ip).update(retry_at=timezone.now() - timedelta(seconds=1))


def _fail_five_times(client, user, ip=ATTACKER) -> None:
    for _ in range(5):
        _login(client, user.username, WRONG, ip)
        _wait_over(user, ip)


@pytest.mark.django_db
def test_five_failures_from_a_stranger_do_not_lock_sysadmin_out(client):
    people = admins()
    _fail_five_times(client, people["sysadmin"])
    assert _row(people["sysadmin"]).locked_until > timezone.now()
    # from the attacker's address even the right password is refused ...
    refused = _login(client, "sysadmin")
    assert refused.status_code == 200 and "锁定" in refused.content.decode()
    # ... from the owner's address sysadmin signs in (to the enrolment of his second factor)
    signed_in = _login(client, "sysadmin", ip=OWNER)
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(people["sysadmin"].pk)
    lock = AuditEntry.objects.get(action="lockout")
    assert lock.username == "sysadmin" and lock.detail["address"] == ATTACKER and lock.ip == ATTACKER


@pytest.mark.django_db
def test_delays_grow_before_the_lock_and_the_lock_grows_after_it(client, settings):
    settings.PARKLEDGER_SECURITY = {"LOGIN_DELAY_AFTER": 2, "LOGIN_DELAY_SECONDS": 2, "LOCKOUT_THRESHOLD": 5,
                                    "LOCKOUT_MINUTES": 15}
    clerk = make_account("clerk", "social")
    waits = []
    for _ in range(4):
        _login(client, "clerk", WRONG)
        row = _row(clerk)
        waits.append(None if row.retry_at is None else round((row.retry_at - row.last_failure_at).total_seconds()))
        # during a delay the right password is not even tried, and the attempt is not counted
        if row.retry_at is not None:
            answer = _login(client, "clerk")
            assert "秒后再试" in answer.content.decode() and "_auth_user_id" not in client.session
            assert _row(clerk).failures == row.failures
        _wait_over(clerk)
    assert waits == [None, 2, 4, 8]
    _login(client, "clerk", WRONG)
    row = _row(clerk)
    assert row.failures == 5 and round((row.locked_until - row.last_failure_at).total_seconds() / 60) == 15
    # after the lock ends, one more failure locks for twice as long
    LoginThrottle.objects.filter(pk=row.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    _login(client, "clerk", WRONG)
    row = _row(clerk)
    assert round((row.locked_until - row.last_failure_at).total_seconds() / 60) == 30
    refusals = AuditEntry.objects.filter(action="login_failed", result="denied", detail__reason="delayed")
    assert refusals.count() == 3


@pytest.mark.django_db
def test_a_correct_password_does_not_clear_a_recorded_lock(client):
    clerk = make_account("clerk", "social")
    _fail_five_times(client, clerk)
    locked = _row(clerk)
    for _ in range(3):
        assert "锁定" in _login(client, "clerk").content.decode()
    assert "_auth_user_id" not in client.session
    after = _row(clerk)
    assert (after.failures, after.locked_until) == (locked.failures, locked.locked_until)


@pytest.mark.django_db
def test_a_lock_recorded_while_a_password_was_checked_holds(db):
    """The race of the issue, step by step: attempt A passes the gate, a parallel attempt B records
    the lock, then A's password turns out right: A is refused and the lock stays."""
    clerk = make_account("clerk", "social")
    LoginThrottle.objects.create(user=clerk, ip=ATTACKER, failures=4)
    a = throttle.begin(clerk, ATTACKER)
    assert not a.refused
    # while A is being checked, no further attempt may start: its failure would reach the lock
    assert throttle.begin(clerk, ATTACKER).refusal == "delayed"
    throttle.fail(throttle.Gate(user=clerk, ip=ATTACKER), reason="password")  # B, already admitted
    assert _row(clerk).locked_until > timezone.now()
    assert throttle.passed(a) is False and a.refusal == "locked"
    row = _row(clerk)
    assert row.failures == 5 and row.locked_until > timezone.now() and row.pending == 0


@pytest.mark.django_db
def test_a_crashed_attempt_stops_counting_after_a_minute(db):
    clerk = make_account("clerk", "social")
    LoginThrottle.objects.create(user=clerk, ip=ATTACKER, failures=4, pending=1,
                                 pending_since=timezone.now() - timedelta(seconds=61))
    assert not throttle.begin(clerk, ATTACKER).refused


@pytest.mark.django_db
def test_a_known_password_does_not_reset_the_count_of_wrong_codes(client, settings):
    settings.PARKLEDGER_SECURITY = {"LOGIN_DELAY_SECONDS": 0}
    clerk = make_account("clerk", "social")
    profile = profile_of(clerk)
    profile.totp_secret, profile.totp_confirmed_at = pyotp.random_base32(), timezone.now()
    profile.save()
    wrong = str((int(pyotp.TOTP(profile.totp_secret).now()) + 7) % 1_000_000).zfill(6)
    for _ in range(5):  # password right, code wrong, again and again
        assert _login(client, "clerk")["Location"] == "/accounts/login/verify/"
        client.post("/accounts/login/verify/", {"code": wrong}, REMOTE_ADDR=ATTACKER)
    assert _row(clerk).locked_until > timezone.now()


@pytest.mark.django_db
def test_the_security_administrator_unlocks_an_ordinary_user_audited(client):
    people = admins()
    clerk = people["clerk"]
    _fail_five_times(client, clerk)
    client.force_login(people["sysadmin"])  # not his to do
    client.post("/accounts/manage/users/", {"user": clerk.pk, "action": "unlock"})
    assert _row(clerk).locked_until > timezone.now()
    client.force_login(people["secadmin"])
    page = client.get("/accounts/manage/grants/").content.decode()
    assert ATTACKER in page and f'name="unlock_user" value="{clerk.pk}"' in page
    client.post("/accounts/manage/grants/", {"unlock_user": clerk.pk})
    assert not LoginThrottle.objects.filter(user=clerk).exists()
    entry = AuditEntry.objects.get(action="account_unlock")
    assert entry.username == "secadmin" and entry.detail == {"addresses": 1}
    client.logout()
    assert _login(client, "clerk").status_code == 302


@pytest.mark.django_db
def test_a_locked_or_disabled_users_token_stops_at_once(client):
    people = admins()
    clerk = people["clerk"]
    _token, key = token_create(user=clerk)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/park/", REMOTE_ADDR=ATTACKER).status_code == 200
    _fail_five_times(client, clerk)
    locked = api.get("/api/park/", REMOTE_ADDR=ATTACKER)
    assert locked.status_code == 401 and "锁定" in locked.json()["errors"][0]["message"]
    assert api.get("/api/park/", REMOTE_ADDR=OWNER).status_code == 200  # the lock is the address's
    client.force_login(people["sysadmin"])
    client.post("/accounts/manage/users/", {"user": clerk.pk, "action": "disable"})
    assert api.get("/api/park/", REMOTE_ADDR=OWNER).status_code == 401


# -- 25 parallel logins against a live server ----------------------------------------------------

BURST = 25


def _prepare(usernames: list[str], locked: list[str]) -> None:
    """Accounts with PASSWORD (role social); `locked` ones locked for 127.0.0.1 after 5 failures."""
    for username in usernames:
        user = make_account(username, "social")
        if username in locked:
            LoginThrottle.objects.create(user=user, ip="127.0.0.1", failures=5,
                                         locked_until=timezone.now() + timedelta(minutes=15))


def _report(usernames: list[str]) -> dict:
    """username → (audit entries as {"action/reason": n}, (failures, pending, locked) at 127.0.0.1)."""
    found = {}
    for username in usernames:
        counts: dict[str, int] = {}
        for action, detail in AuditEntry.objects.filter(username=username).values_list("action", "detail"):
            key = f"{action}/{(detail or {}).get('reason', '')}"
            counts[key] = counts.get(key, 0) + 1
        row = LoginThrottle.objects.filter(user__username=username, ip="127.0.0.1").first()
        found[username] = (counts, None if row is None else [row.failures, row.pending, row.locked_until is not None])
    return found


@pytest.fixture
def live_site(request):
    """(base URL, prepare, report) of a server answering each request in its own thread.

    SQLite: `parkledger runserver` on a file database in a child process (the test database lives
    in memory, shared by one connection); PostgreSQL: pytest-django's live server."""
    if connection.vendor != "sqlite":
        return request.getfixturevalue("live_server").url, _prepare, _report
    folder = Path(tempfile.mkdtemp(prefix="pl-burst-"))
    server = SqliteServer(folder).start()
    request.addfinalizer(server.stop)
    module = "from tests.security.test_login_throttle import _prepare, _report\n"

    def prepare(usernames: list[str], locked: list[str]) -> None:
        server.shell(module + f"_prepare({usernames!r}, {locked!r})\n")

    def report(usernames: list[str]) -> dict:
        out = server.shell(module + f"import json\nprint(json.dumps(_report({usernames!r})))\n")
        return {name: (counts, row) for name, (counts, row) in json.loads(out.strip().splitlines()[-1]).items()}

    return server.url, prepare, report


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_parallel_logins_gives_no_500_and_no_way_past_the_lock(live_site):
    url, prepare, report = live_site
    prepare(["clerk", "owner", "target"], locked=["owner"])
    # 1. 20 wrong and 5 right passwords at once on clerk: every answer a clean one
    mixed = login_burst(url, "clerk", [WRONG] * 20 + [PASSWORD] * 5)
    # 2. 25 right passwords at once on owner, whose lock is recorded: all refused, the lock untouched
    locked = login_burst(url, "owner", [PASSWORD] * BURST)
    # 3. 25 wrong passwords at once on target: never more tries than the lockout allows
    wrong = login_burst(url, "target", [WRONG] * BURST)
    found = report(["clerk", "owner", "target"])

    assert {a.status for a in mixed} <= {200, 302}, [a.status for a in mixed]
    assert all(a.signed_in == (a.status == 302) for a in mixed)
    assert not any(a.signed_in for a in mixed if a.password == WRONG)
    counts, _row = found["clerk"]
    tried = sum(n for key, n in counts.items() if key.startswith(("login/", "login_failed/")))
    assert tried == BURST and counts.get("login/", 0) == sum(a.signed_in for a in mixed), counts

    assert [a.status for a in locked] == [200] * BURST
    assert not any(a.signed_in for a in locked) and all("锁定" in a.text for a in locked)
    assert found["owner"] == ({"login_failed/locked": BURST}, [5, 0, True])

    assert [a.status for a in wrong] == [200] * BURST and not any(a.signed_in for a in wrong)
    counts, (failures, pending, _locked) = found["target"]
    assert 1 <= failures <= 5 and pending == 0 and counts["login_failed/password"] == failures, found["target"]
