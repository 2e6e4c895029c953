"""A small world for the filing round: ECO with a sub-park and another park, six enterprises whose
registration and closing dates put them in or out of the January 2023 round, and the users."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.lib.uscc import make_uscc
from tests.web.conftest import make_user


def uscc(i: int) -> str:
    return make_uscc(f"91330281MF{i:07d}")


@dataclass
class World:
    a: Enterprise  # ECO, active, files for 2022 with history
    b: Enterprise  # ECO-CEE (sub-park), active
    c: Enterprise  # ECO, registered after January 2023
    d: Enterprise  # ECO, closed before January 2023
    e: Enterprise  # ECO, closed during January 2023
    f: Enterprise  # another park
    stat: object
    qiye: object  # files for a
    qiye_b: object  # files for b
    econ: object  # economy department: reads returns, writes no statistics


def _enterprise_user(username: str, ent: Enterprise):
    from parkledger.accounts.models import Membership

    user = make_user(username, "enterprise", park=None)
    user.email = f"{username}@example.com"
    user.save()
    Membership.objects.create(user=user, enterprise=ent)
    return user


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    eco = Park.objects.create(code="ECO", name="生态园", city="宁波")
    cee = Park.objects.create(code="ECO-CEE", name="中东欧园", parent=eco)
    oth = Park.objects.create(code="OTH", name="另一园区", city="宁波")
    ents = {}
    specs = {
        "a": (1, eco, date(2015, 1, 1), None), "b": (2, cee, date(2015, 1, 1), None),
        "c": (3, eco, date(2023, 2, 15), None), "d": (4, eco, date(2015, 1, 1), date(2022, 12, 31)),
        "e": (5, eco, date(2015, 1, 1), date(2023, 1, 15)), "f": (6, oth, date(2015, 1, 1), None),
    }
    for key, (i, park, registered, closed) in specs.items():
        ents[key] = Enterprise.objects.create(uscc=uscc(i), name=f"填报企业{key.upper()}有限公司", park=park,
                                              registered_on=registered, closed_on=closed)
    for month in ("2021-03", "2022-01", "2022-02"):
        EnterpriseMonth.objects.create(uscc=ents["a"], month=month, above_scale=True, output_value=Decimal(5000),
                                       value_added=Decimal(1000), revenue=Decimal(4800), tax=Decimal(200),
                                       employees=120)
    return World(**ents, stat=make_user("stat", "statistician"), qiye=_enterprise_user("qiye", ents["a"]),
                 qiye_b=_enterprise_user("qiye_b", ents["b"]), econ=make_user("econ", "economy"))


GOOD = {"above_scale": "1", "output_value": "5200", "value_added": "1040", "revenue": "5000", "tax": "210",
        "energy_tce": "", "employees": "121", "rd_expense": ""}
