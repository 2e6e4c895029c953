"""The demo deployment's accounts, printed by `make demo` so a newcomer can log in."""
from __future__ import annotations

from django.contrib.auth import get_user_model

DEMO_ADMIN = ("admin", "Demo-Admin-2022")


def create_demo_users() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts; returns (username, password, role description)."""
    User = get_user_model()
    username, password = DEMO_ADMIN
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return [(username, password, "演示管理员 / demo administrator")]
