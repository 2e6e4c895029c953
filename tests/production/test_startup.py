"""The production server refuses to start, with a message saying how to fix it, on a missing or
default secret key, DEBUG on, pending migrations, uncollected static files or active demo accounts."""
from __future__ import annotations

import pytest
from django.utils import timezone

from parkledger.jobs import health, startup

pytestmark = pytest.mark.django_db

GOOD_KEY = "k" * 20 + "9f3Xq-2v8LmZpR0tY6wB4nH1sD7cE5aU"


@pytest.fixture
def ready(monkeypatch, settings, tmp_path):
    """Everything right: a strong key, DEBUG off, static files collected, no demo account."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.PARKLEDGER_AUDIT = {**getattr(settings, "PARKLEDGER_AUDIT", {}), "KEY": "5a" * 32}
    (tmp_path / "staticfiles.json").write_text("{}")
    monkeypatch.setenv("DJANGO_SECRET_KEY", GOOD_KEY)
    monkeypatch.delenv("PARKLEDGER_DEMO", raising=False)


def demo_user(django_user_model, name="admin"):
    from parkledger.accounts.models import SecurityProfile

    user = django_user_model.objects.create_user(name, password="Demo-Pass-2022")
    SecurityProfile.objects.update_or_create(user=user, defaults={"demo_exempt": True,
                                                                  "password_changed_at": timezone.now()})
    return user


def test_all_right_starts(ready):
    assert startup.startup_problems() == ([], [])


@pytest.mark.parametrize("key", ["", "dev-only-insecure-key-change-me", "django-insecure-abcdefghijklmnopqrstuvwxyz0123",
                                 "short"])
def test_a_missing_default_or_short_key_is_refused_with_the_way_to_make_one(ready, monkeypatch, key):
    monkeypatch.setenv("DJANGO_SECRET_KEY", key)
    problems, _warnings = startup.startup_problems()
    assert len(problems) == 1 and "DJANGO_SECRET_KEY" in problems[0] and "secrets.token_urlsafe" in problems[0]


def test_debug_on_is_refused(ready, settings):
    settings.DEBUG = True
    problems, _ = startup.startup_problems()
    assert len(problems) == 1 and "DJANGO_DEBUG=0" in problems[0]


def test_pending_migrations_are_refused(ready, monkeypatch):
    monkeypatch.setattr(health, "pending_migrations", lambda: ["jobs.0099_future"])
    problems, _ = startup.startup_problems()
    assert len(problems) == 1 and "parkledger migrate" in problems[0] and "jobs.0099_future" in problems[0]


def test_uncollected_static_files_are_refused(ready, settings):
    (settings.STATIC_ROOT / "staticfiles.json").unlink()
    problems, _ = startup.startup_problems()
    assert len(problems) == 1 and "collectstatic" in problems[0]


def test_active_demo_accounts_are_refused_unless_the_demo_is_asked_for(ready, monkeypatch, django_user_model):
    demo_user(django_user_model, "admin")
    demo_user(django_user_model, "leader")
    problems, warnings = startup.startup_problems()
    assert len(problems) == 1 and "admin、leader" in problems[0] and "PARKLEDGER_DEMO=1" in problems[0]
    assert "accounts disable" in problems[0] and not warnings
    monkeypatch.setenv("PARKLEDGER_DEMO", "1")
    problems, warnings = startup.startup_problems()
    assert problems == [] and len(warnings) == 1 and "演示账户" in warnings[0]


def test_a_disabled_demo_account_does_not_block(ready, django_user_model):
    user = demo_user(django_user_model)
    user.is_active = False
    user.save()
    assert startup.startup_problems() == ([], [])


def test_the_serve_command_exits_with_the_messages(ready, monkeypatch, capsys):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SECRET_KEY", "")
    with pytest.raises(SystemExit) as exit_info:
        call_command("serve", "--port", "1")
    assert exit_info.value.code == 2
    assert "无法启动" in capsys.readouterr().err


def test_a_missing_audit_key_is_refused(ready, settings, monkeypatch, tmp_path):
    keys = pytest.importorskip("parkledger.audit.keys")
    settings.PARKLEDGER_AUDIT = {"KEY": "", "KEY_FILE": str(tmp_path / "none" / "audit.key")}
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    problems, _ = startup.startup_problems()
    assert len(problems) == 1 and "audit keygen" in problems[0] and "PARKLEDGER_AUDIT_KEY" in problems[0]
