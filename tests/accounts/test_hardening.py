"""Hardening: security headers, CSRF, and `check --deploy` with the production settings."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.accounts.conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self';" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_pages_of_a_logged_in_user_are_not_cached(client):
    make_user("clerk", "social")
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert client.get("/accounts/password/")["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_forms_refuse_a_post_without_the_csrf_token():
    make_user("clerk", "social")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 403
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD,
                                                "csrfmiddlewaretoken": token})
    assert response.status_code == 302


@pytest.mark.django_db
def test_logout_needs_a_post(client):
    make_user("clerk", "social")
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 200
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def _check_deploy(tmp_path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "parkledger.example.gov.cn",
        "PARKLEDGER_VAR_DIR": str(tmp_path),
        "PARKLEDGER_AUDIT_KEY": "3c" * 32,
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PARKLEDGER_DEMO", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = _check_deploy(tmp_path, DJANGO_SECURE_SSL="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_https(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_check_deploy_flags_a_missing_secret_key(tmp_path):
    """(The server and the WSGI module refusing to start without one: tests/production/test_startup.py.)"""
    result = _check_deploy(tmp_path, DJANGO_SECRET_KEY="", DJANGO_SECURE_SSL="1")
    assert result.returncode != 0 and "security.W009" in result.stderr
