"""The expected permission matrix: every role × every ledger kind × every action.

Written by hand from the rules (not from the implementation's tables), so a test comparing
the service functions (or the API) with it can fail. A cell lists the allowed actions by
letter: v view, a add, c change, d delete, e export, i import; `-` none. Enterprise users'
`vac` holds for their own enterprise only; every other cell holds in the user's parks.

Reuse: `expected(role, kind, action) -> bool`, `ROLES`, `KINDS`, `ACTIONS`, `cells()`.
"""
from __future__ import annotations

from collections.abc import Iterator

ACTIONS = ("view", "add", "change", "delete", "export", "import")
LETTER = {"view": "v", "add": "a", "change": "c", "delete": "d", "export": "e", "import": "i"}
ROLE_COLUMNS = {
    "inv": "investment", "eco": "economy", "con": "construction", "saf": "safety_env", "soc": "social",
    "fin": "finance", "par": "party", "lead": "leader", "stat": "statistician", "ent": "enterprise",
    "sys": "sysadmin", "sec": "secadmin", "aud": "auditadmin", "city": "city",
}

TABLE = """
kind                    inv     eco     con     saf     soc     fin     par     lead    stat    ent     sys     sec     aud     city
park                    ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
enterprise              ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
enterprise_month        ve      ve      ve      ve      ve      ve      ve      ve      vacdei  vac     -       -       -       ve
park_month              ve      ve      ve      ve      ve      ve      ve      ve      vacdei  -       -       -       -       ve
platform                vacdei  ve      ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
investment_project      vacdei  ve      ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
talent                  vacdei  ve      ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
talent_application      vacdei  ve      ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
talent_honour           vacdei  ve      ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
platform_project        vacdei  ve      ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
platform_tenant         vacdei  ve      ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
qualification           ve      vacdei  ve      ve      ve      ve      ve      ve      ve      vac     -       -       -       ve
patent                  ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
permu_evaluation        ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
disbursement            ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
tech_upgrade_acceptance ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
service_request         ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
support_package         ve      vacdei  ve      ve      ve      ve      ve      ve      ve      -       -       -       -       ve
gov_project             ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
gov_project_month       ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
sub_project             ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
wetland                 ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
milestone               ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
land_transfer           ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
sea_use                 ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
stock_release           ve      ve      vacdei  ve      ve      ve      ve      ve      ve      -       -       -       -       ve
safety_letter           ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
safety_insurance        ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
inspection              ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
hazard                  ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
safety_outreach         ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
odour_case              ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
air_sample              ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
water_sample            ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
env_case                ve      ve      ve      vacdei  ve      ve      ve      ve      ve      -       -       -       -       ve
governance_issue        ve      ve      ve      ve      vacdei  ve      ve      ve      ve      -       -       -       -       ve
petition                ve      ve      ve      ve      vacdei  ve      ve      ve      ve      -       -       -       -       ve
dispute                 ve      ve      ve      ve      vacdei  ve      ve      ve      ve      -       -       -       -       ve
asset_filing            ve      ve      ve      ve      ve      vacdei  ve      ve      ve      -       -       -       -       ve
financing_project       ve      ve      ve      ve      ve      vacdei  ve      ve      ve      -       -       -       -       ve
party_activity          ve      ve      ve      ve      ve      ve      vacdei  ve      ve      -       -       -       -       ve
union                   ve      ve      ve      ve      ve      ve      vacdei  ve      ve      -       -       -       -       ve
task_force              ve      ve      ve      ve      ve      ve      vacdei  ve      ve      -       -       -       -       ve
target                  ve      ve      ve      ve      ve      ve      ve      ve      vacdei  -       -       -       -       ve
estimate                ve      ve      ve      ve      ve      ve      ve      ve      vacdei  -       -       -       -       ve
manual_figure           ve      ve      ve      ve      ve      ve      ve      ve      vacdei  -       -       -       -       ve
"""


def _parse() -> tuple[tuple[str, ...], tuple[str, ...], dict[tuple[str, str], str]]:
    lines = [line.split() for line in TABLE.strip().splitlines()]
    roles = tuple(ROLE_COLUMNS[c] for c in lines[0][1:])
    kinds = tuple(line[0] for line in lines[1:])
    table = {}
    for line in lines[1:]:
        assert len(line) == len(roles) + 1, line
        for role, cell in zip(roles, line[1:], strict=True):
            table[(role, line[0])] = "" if cell == "-" else cell
    return roles, kinds, table


ROLES, KINDS, _TABLE = _parse()


def expected(role: str, kind: str, action: str) -> bool:
    """Does the table allow `role` to do `action` on `kind` (in the user's own parks)?"""
    return LETTER[action] in _TABLE[(role, kind)]


def cells() -> Iterator[tuple[str, str, str, bool]]:
    """(role, kind, action, allowed) for every cell of the matrix."""
    for role in ROLES:
        for kind in KINDS:
            for action in ACTIONS:
                yield role, kind, action, expected(role, kind, action)
