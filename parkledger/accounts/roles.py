"""Roles and the report chapter each ledger kind belongs to.

Chapters (which department writes a kind) follow the app of the kind's model
(`model._meta.app_label`), with these exceptions:

| chapter        | 中文        | kinds                                                              |
|----------------|-------------|--------------------------------------------------------------------|
| `investment`   | 招商        | app `investment`                                                   |
| `economy`      | 经济发展    | app `economy`, and core's `park` and `enterprise`                  |
| `construction` | 建设        | app `construction`                                                 |
| `safety_env`   | 安全/环保   | app `governance` except the social-governance kinds below          |
| `social`       | 社会治理    | `governance_issue`, `petition`, `dispute`                          |
| `finance`      | 财政/国资   | app `finance`                                                      |
| `party`        | 党建        | app `party`                                                        |
| `statistics`   | 统计        | core's `enterprise_month`, `park_month`, and app `plans`           |

`service_request` (企业服务事项) stays with `economy`: it is the economy chapter's record of
enterprise services, although the social-governance office may read it.

Roles (a user may hold several, except that an administrator role is held alone):
- a department role per chapter writes (add, change, delete, import) that chapter's kinds and
  reads (view, export) every other kind in the user's parks;
- `leader` reads everything in the user's parks and issues reports;
- `city` (市级管理, the city's commerce or economy bureau above the parks) reads everything in the
  parks of its memberships (a city membership: every park of that city), compares them and writes
  the city report; it writes no ledger;
- `statistician` writes the `statistics` chapter and reads the rest;
- `enterprise` sees and files (view, add, change) only its own enterprise's `enterprise_month`
  and `qualification` rows;
- the three separated administrators (三员分立) touch no business data: `sysadmin` manages
  accounts and backups, `secadmin` grants roles and park memberships and unlocks closed periods
  (never for himself), `auditadmin` reads the audit log.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Role", "Chapter", "ADMIN_ROLES", "DEPARTMENT_ROLES", "SOCIAL_GOVERNANCE_KINDS",
    "STATISTICS_KINDS", "ECONOMY_CORE_KINDS", "ENTERPRISE_KINDS", "chapter_of_model",
]


class Role(models.TextChoices):
    INVESTMENT = "investment", _("招商")
    ECONOMY = "economy", _("经济发展")
    CONSTRUCTION = "construction", _("建设")
    SAFETY_ENV = "safety_env", _("安全/环保")
    SOCIAL = "social", _("社会治理")
    FINANCE = "finance", _("财政/国资")
    PARTY = "party", _("党建")
    LEADER = "leader", _("领导")
    CITY = "city", _("市级管理")
    STATISTICIAN = "statistician", _("统计员")
    ENTERPRISE = "enterprise", _("企业用户")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


class Chapter(models.TextChoices):
    INVESTMENT = "investment", _("招商引资")
    ECONOMY = "economy", _("经济运行")
    CONSTRUCTION = "construction", _("基础配套")
    SAFETY_ENV = "safety_env", _("安全生产与环境保护")
    SOCIAL = "social", _("社会治理")
    FINANCE = "finance", _("改革创新与资金保障")
    PARTY = "party", _("党建与队伍")
    STATISTICS = "statistics", _("统计与计划")


ADMIN_ROLES: frozenset[str] = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})

# department role → the chapter it writes
DEPARTMENT_ROLES: dict[str, str] = {
    Role.INVESTMENT: Chapter.INVESTMENT,
    Role.ECONOMY: Chapter.ECONOMY,
    Role.CONSTRUCTION: Chapter.CONSTRUCTION,
    Role.SAFETY_ENV: Chapter.SAFETY_ENV,
    Role.SOCIAL: Chapter.SOCIAL,
    Role.FINANCE: Chapter.FINANCE,
    Role.PARTY: Chapter.PARTY,
}

SOCIAL_GOVERNANCE_KINDS: frozenset[str] = frozenset({"governance_issue", "petition", "dispute"})
STATISTICS_KINDS: frozenset[str] = frozenset({"enterprise_month", "park_month"})
ECONOMY_CORE_KINDS: frozenset[str] = frozenset({"park", "enterprise"})
# the kinds an enterprise user files for its own enterprise
ENTERPRISE_KINDS: frozenset[str] = frozenset({"enterprise_month", "qualification"})

_APP_CHAPTERS: dict[str, str] = {
    "investment": Chapter.INVESTMENT,
    "economy": Chapter.ECONOMY,
    "construction": Chapter.CONSTRUCTION,
    "governance": Chapter.SAFETY_ENV,
    "finance": Chapter.FINANCE,
    "party": Chapter.PARTY,
    "plans": Chapter.STATISTICS,
}


def chapter_of_model(model: type[models.Model]) -> str:
    """The chapter whose department writes a ledger kind (see the module's table)."""
    kind = getattr(model, "kind_key", "")
    if kind in STATISTICS_KINDS:
        return Chapter.STATISTICS
    if kind in ECONOMY_CORE_KINDS:
        return Chapter.ECONOMY
    if kind in SOCIAL_GOVERNANCE_KINDS:
        return Chapter.SOCIAL
    app_label = model._meta.app_label
    # an app added later without a chapter here is written by nobody but a superuser
    return _APP_CHAPTERS.get(app_label, app_label)
