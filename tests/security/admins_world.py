"""Fixtures and helpers of the administrator and sign-in abuse tests.

- `admins()` makes the three separated administrators, a superuser and two ordinary users.
- `login_burst(base_url, username, passwords)` sends one login per password, all at once from
  threads (each with its own session and CSRF token), and returns each answer's status and
  whether it signed in.
- `SqliteServer` runs `parkledger runserver` in a child process on a SQLite file database (the
  test process's SQLite database lives in memory, where threads share one connection and the
  database's own locking is never exercised); `shell(code)` runs Python in that deployment (the
  repository on its path, so test modules' helpers can be imported there).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from django.contrib.auth import get_user_model

from parkledger.accounts.models import RoleAssignment

PASSWORD = "Test-Pass-2022"
ADMIN_ROLES = ("sysadmin", "secadmin", "auditadmin")
PROJECT_DIR = Path(__file__).resolve().parents[2]
PARKLEDGER = Path(sys.executable).with_name("parkledger")


def make_account(username: str, role: str | None = None, **flags):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, **flags)
    if role:
        RoleAssignment.objects.create(user=user, role=role)
    return user


def admins() -> dict[str, object]:
    """The three administrators (named after their roles), a superuser `root`, ordinary `clerk` and `other`."""
    people = {role: make_account(role, role) for role in ADMIN_ROLES}
    people["root"] = make_account("root", is_superuser=True, is_staff=True)
    people["clerk"] = make_account("clerk", "social")
    people["other"] = make_account("other", "economy")
    return people


# -- parallel logins ----------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginAnswer:
    password: str
    status: int
    signed_in: bool
    text: str


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _prepared_session(base_url: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=60)
    match = _CSRF_INPUT.search(page.text)
    assert match, page.status_code
    return session, match.group(1)


def login_burst(base_url: str, username: str, passwords: list[str], *, headers: dict | None = None) -> list[LoginAnswer]:
    """POST one login per password at the same moment (a barrier releases every thread at once)."""
    prepared = [_prepared_session(base_url) for _ in passwords]
    barrier = threading.Barrier(len(passwords))
    answers: list[LoginAnswer | None] = [None] * len(passwords)

    def attempt(index: int) -> None:
        session, token = prepared[index]
        barrier.wait()
        response = session.post(
            f"{base_url}/accounts/login/", data={"username": username, "password": passwords[index],
                                                 "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base_url}/accounts/login/", **(headers or {})}, allow_redirects=False, timeout=120,
        )
        answers[index] = LoginAnswer(passwords[index], response.status_code, "sessionid" in session.cookies,
                                     response.text if response.status_code != 302 else "")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(passwords))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answer for answer in answers if answer is not None]


# -- a SQLite deployment in a child process -------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SqliteServer:
    """`parkledger runserver` (threaded) on a migrated SQLite file under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ, "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "PARKLEDGER_VAR_DIR": str(folder),
            "DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "burst-test-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "PYTHONUNBUFFERED": "1", "PARKLEDGER_AUDIT_KEY": "4d" * 32,
            "PYTHONPATH": str(PROJECT_DIR),
        }
        self.process: subprocess.Popen | None = None

    def _run(self, *args: str) -> str:
        done = subprocess.run([str(PARKLEDGER), *args], env=self.env, cwd=PROJECT_DIR, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def shell(self, code: str) -> str:
        return self._run("shell", "-c", code)

    def start(self) -> SqliteServer:
        self._run("migrate", "-v0")
        self.process = subprocess.Popen(
            [str(PARKLEDGER), "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            env=self.env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=open(self.folder / "server.log", "w"),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/accounts/login/", timeout=5)
                return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError("the server did not start: " + (self.folder / "server.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
