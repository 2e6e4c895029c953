"""Template helpers of the web pages."""
from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from parkledger.core.kinds import kind_models
from parkledger.web import access

register = template.Library()

# (nav key, label, URL name) of the main menu after 首页 and 台账.
NAV_ITEMS = (
    ("enterprises", _("一企一档"), "web:enterprise_index"),
    ("figures", _("指标"), "web:figures"),
    ("reports", _("工作报告"), "web:report"),
    ("import", _("数据导入"), "web:import"),
    ("city", _("园区比较"), "city:dashboard"),
)


def _allowed(key: str, user, sel) -> bool:
    """Is a menu entry of use to the user (park figures, enterprises, imports)?"""
    if user is None or not user.is_authenticated:
        return False
    if key in ("figures", "reports"):
        return access.can_see_park_figures(user, getattr(sel, "park_code", ""))
    if key == "enterprises":
        from parkledger.accounts.permissions import enterprise_usccs

        return access.can(user, "enterprise", "view") or bool(enterprise_usccs(user))
    if key == "import":
        return any(access.can(user, kind, "import") for kind in kind_models())
    if key == "city":  # of use with two top-level parks or more (the selector already holds them)
        tops = [p for p in getattr(sel, "parks", []) if p.parent_id is None]
        return len(tops) >= 2 and access.can_see_park_figures(user, getattr(sel, "park_code", ""))
    return True


def _filing_links(user, sel) -> list[tuple[str, str, str]]:
    """填报管理 for the park's statisticians, 我的填报 for enterprise users (roles read first: no
    query for the others)."""
    if user is None or not user.is_authenticated:
        return []
    from parkledger.accounts.permissions import user_roles
    from parkledger.accounts.roles import Role

    roles = user_roles(user)
    if Role.ENTERPRISE in roles:
        return [("filing", _("我的填报"), "filing:mine")]
    park = getattr(sel, "park_code", "")
    if park and (Role.STATISTICIAN in roles or user.is_superuser):
        from parkledger.filing.services import can_run_rounds

        if can_run_rounds(user, park):
            return [("filing", _("填报管理"), "filing:rounds")]
    return []


@register.simple_tag
def nav_links(active: str, user=None, sel=None) -> str:
    """The main menu's links to the pages that are installed and of use to the user (the audit log
    for those who may read it)."""
    items = []
    nav = [item for item in NAV_ITEMS if _allowed(item[0], user, sel)]
    nav += _filing_links(user, sel)
    if user is not None and access.can_view_audit(user):
        nav.append(("accounts", _("审计日志"), "audit:list"))
    for key, label, name in nav:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = key == active or (key == "reports" and active == "learn")
        items.append((url, "active" if current else "", label))
    return format_html_join("", '<a href="{}" class="{}">{}</a>', items)


@register.filter
def get_item(mapping, key):
    """`{{ mydict|get_item:key }}`."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.simple_tag
def sort_link(request, field_name: str, label) -> str:
    """A column header that sorts by the field (click again to reverse)."""
    params = request.GET.copy()
    current = params.get("ordering", "")
    if current == field_name:
        new, mark = f"-{field_name}", " ▲"
    elif current == f"-{field_name}":
        new, mark = field_name, " ▼"
    else:
        new, mark = field_name, ""
    params["ordering"] = new
    params.pop("page", None)
    return format_html('<a href="?{}" class="sort-link">{}{}</a>', params.urlencode(), label, mark)


@register.filter
def verbose_name_plural(model) -> str:
    """A model's plural name (templates cannot read `_meta`)."""
    return model._meta.verbose_name_plural


@register.filter
def plain_number(value) -> str:
    """A decimal without trailing zeros or exponent (`100.0000` → `100`)."""
    from parkledger.dataio.cells import format_decimal

    if value is None or value == "":
        return ""
    try:
        return format_decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


@register.filter
def record_title(obj) -> str:
    """A record's title in names (`余姚市瑞泽仪器仪表有限公司 2022年12月`)."""
    from parkledger.web.present import record_title as title

    return title(obj) if obj is not None else ""
