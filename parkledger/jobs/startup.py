"""Refusals before the production server starts: each problem with the way to fix it.

`parkledger serve` runs all of them; the WSGI entry point runs the secret-key check, so a server
started some other way (e.g. a systemd unit running gunicorn) refuses a missing or default key too.
"""
from __future__ import annotations

import os

from django.conf import settings
from django.db import DatabaseError

__all__ = ["secret_key_problem", "audit_key_problem", "startup_problems", "demo_warning", "demo_accounts"]

WEAK_PREFIXES = ("django-insecure", "dev-only", "change-me", "changeme")


def secret_key_problem() -> str | None:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if not key:
        return ("DJANGO_SECRET_KEY 未设置。请生成并保存一个密钥，例如：\n"
                "  export DJANGO_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"\n"
                "(DJANGO_SECRET_KEY is not set: generate one as above and keep it secret.)")
    if key == getattr(settings, "DEV_SECRET_KEY", "") or key.lower().startswith(WEAK_PREFIXES) or len(key) < 32:
        return ("DJANGO_SECRET_KEY 是默认或过短的密钥（至少 32 个字符）。请换成新生成的密钥：\n"
                "  export DJANGO_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\"\n"
                "(DJANGO_SECRET_KEY is a default or short key: set a newly generated one.)")
    return None


def demo_accounts() -> list[str]:
    """Active users flagged as demo accounts (their passwords are published in the README)."""
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(is_active=True, security__demo_exempt=True)
                .order_by("username").values_list("username", flat=True))


def demo_allowed() -> bool:
    return os.environ.get("PARKLEDGER_DEMO", "").strip().lower() in ("1", "true", "yes", "on")


def demo_warning(names: list[str]) -> str:
    return (f"警告：演示账户（{'、'.join(names)}）处于启用状态，其密码已公开；PARKLEDGER_DEMO=1 仅用于试用演示数据库，"
            "正式使用前请停用这些账户。(Warning: demo accounts with published passwords are active.)")


def audit_key_problem() -> str | None:
    """Without its key the audit log refuses every audited action under DEBUG=0 (parkledger.audit.keys)."""
    try:
        from parkledger.audit.keys import key_status
    except ImportError:
        return None
    reason = key_status()
    if not reason:
        return None
    return (f"审计日志密钥未配置（{reason}）。请运行 parkledger audit keygen --if-missing（make setup 会运行），"
            "或设置 PARKLEDGER_AUDIT_KEY（64 位十六进制），并把密钥与数据库分开备份。\n"
            "(The audit key is missing: run `parkledger audit keygen --if-missing` or set PARKLEDGER_AUDIT_KEY.)")


def startup_problems() -> tuple[list[str], list[str]]:
    """(refusals, warnings) for starting the production server."""
    from parkledger.jobs.health import pending_migrations

    problems: list[str] = []
    warnings: list[str] = []
    if settings.DEBUG:
        problems.append("DJANGO_DEBUG 已开启：生产服务须关闭调试模式（export DJANGO_DEBUG=0；make serve 会自动设置）。"
                        "(DEBUG is on: the production server runs with DJANGO_DEBUG=0.)")
    key = secret_key_problem()
    if key:
        problems.append(key)
    try:
        pending = pending_migrations()
    except DatabaseError as exc:
        problems.append(f"无法连接数据库（DATABASE_URL）：{exc}\n(The database is unreachable: check DATABASE_URL.)")
        return problems, warnings
    if pending:
        shown = "、".join(pending[:5]) + ("等" if len(pending) > 5 else "")
        problems.append(f"数据库有 {len(pending)} 个迁移未执行（{shown}）。请先备份，再运行：parkledger migrate\n"
                        f"({len(pending)} migrations are not applied: back up, then run `parkledger migrate`.)")
        return problems, warnings
    audit_key = audit_key_problem()
    if audit_key:
        problems.append(audit_key)
    names = demo_accounts()
    if names:
        if demo_allowed():
            warnings.append(demo_warning(names))
        else:
            problems.append(
                f"演示账户（{'、'.join(names)}）处于启用状态，其密码在 README 中公开，不能用于生产。"
                "请停用这些账户（parkledger accounts disable 用户名），或仅为试用演示数据库设置 PARKLEDGER_DEMO=1。\n"
                "(Demo accounts with published passwords are active: deactivate them, or set PARKLEDGER_DEMO=1 "
                "to try the demo database.)")
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        problems.append("静态文件未收集：请运行 parkledger collectstatic --no-input（make serve 会自动运行）。"
                        "(Static files are not collected: run `parkledger collectstatic --no-input`.)")
    return problems, warnings
