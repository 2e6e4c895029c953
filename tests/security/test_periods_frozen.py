"""Closed months stay closed: their figures are frozen at the close, whatever moves later.

Hand-made data (工业总产值 = Σ enterprise_month.output_value over the year to date, in 亿元; the
rows are in 万元): in 2022-09, ECO-CEE holds A (30000) and B (20000), ECO itself holds C (50000).
So ECO-CEE's 2022-09 output is 5 亿元 and ECO's (with its sub-park) 10 亿元.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from parkledger.accounts.context import acting_as
from parkledger.accounts.services import period_close, period_unlock
from parkledger.audit.models import AuditEntry
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.indicators.engine import compute_figures, explain_figure
from parkledger.lib.uscc import make_uscc
from parkledger.periods.models import FrozenFigures, ParkMove
from parkledger.reports.sources import EngineFigures
from tests.accounts.conftest import make_user
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

MONTH = "2022-09"
A, B, C = (make_uscc(f"91330281MA{n:07d}") for n in (7001, 7002, 7003))


@pytest.fixture
def closed_parks():
    """ECO ⊃ ECO-CEE, OTH; three enterprises with their 2022-09 output; ECO's 2022-09 closed."""
    eco = Park.objects.create(code="ECO", name="生态园", city="宁波")
    Park.objects.create(code="ECO-CEE", name="中东欧园", parent=eco)
    Park.objects.create(code="OTH", name="另一园区", city="杭州")
    for uscc, park, output in ((A, "ECO-CEE", 30000), (B, "ECO-CEE", 20000), (C, "ECO", 50000)):
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-3:]}", park_id=park, registered_on=date(2020, 1, 1))
        EnterpriseMonth.objects.create(uscc_id=uscc, month=MONTH, output_value=Decimal(output))
    period_close(actor=make_user("boss", "leader", park="ECO"), park="ECO", month=MONTH)
    return eco


def output(park: str, month: str = MONTH, **kwargs) -> Decimal | None:
    return compute_figures(park, month, ["econ.output"], **kwargs)["econ.output"].value


def test_closing_freezes_every_figure_of_the_park_and_its_sub_parks(closed_parks):
    assert set(FrozenFigures.objects.values_list("park_id", "month")) == {("ECO", MONTH), ("ECO-CEE", MONTH)}
    frozen = compute_figures("ECO-CEE", MONTH)
    live = compute_figures("ECO-CEE", MONTH, live=True)
    assert frozen.closed and not live.closed
    assert list(frozen) == list(live)  # every figure, in the engine's order
    for key, fig in live.items():  # stored as the engine returned them (values, texts, extras)
        assert (frozen[key].value, frozen[key].text, frozen[key].unit, dict(frozen[key].extra)) == (
            fig.value, fig.text, fig.unit, dict(fig.extra)), key
        assert frozen[key].closed and not fig.closed
    assert frozen["econ.output"].value == Decimal("5") and compute_figures("ECO", MONTH)["econ.output"].value == 10


def test_moving_an_enterprise_after_the_close_leaves_the_closed_month_and_is_recorded(closed_parks, client):
    stat = make_user("econ", "economy", park="ECO")
    api = token_client(stat)
    ent = Enterprise.objects.get(uscc=A)
    response = api.patch(f"/api/enterprise/{ent.pk}/", {"park": "ECO"}, format="json")
    assert response.status_code == 200, response.json()
    assert Enterprise.objects.get(uscc=A).park_id == "ECO"  # the move itself is allowed
    # the screen warns: ECO-CEE's closed 2022-09 now recomputes to 2 亿元 instead of 5
    warnings = response.json()["period_warnings"]
    assert len(warnings) == 1 and warnings[0].startswith("ECO-CEE 园区 2022-09 已封账：迁移后重新计算的指标与封账数据不一致：")
    assert "工业总产值（封账 5.00 亿元，现算 2.00 亿元）" in warnings[0]

    # the closed month's figures are unchanged everywhere, marked closed; recomputed they differ
    assert output("ECO-CEE") == Decimal("5") and output("ECO") == Decimal("10")
    assert output("ECO-CEE", live=True) == Decimal("2")
    assert EngineFigures("ECO-CEE", MONTH).get("econ.output").value == Decimal("5")  # the report's source
    assert explain_figure("ECO-CEE", MONTH, "econ.output").value == Decimal("5")
    body = api.get("/api/figures/", {"park": "ECO-CEE", "period": MONTH, "keys": "econ.output"}).json()
    assert body == {"econ.output": {"value": "5", "text": body["econ.output"]["text"], "unit": "亿元", "closed": True}}
    out = StringIO()
    call_command("figures", park="ECO-CEE", period=MONTH, keys="econ.output", stdout=out)
    assert json.loads(out.getvalue())["econ.output"]["value"] == "5"
    assert json.loads(out.getvalue())["econ.output"]["closed"] is True
    # an open month is live (its own rows under the current parks) and not marked
    EnterpriseMonth.objects.create(uscc_id=B, month="2022-10", output_value=Decimal(1000))
    october = api.get("/api/figures/", {"park": "ECO-CEE", "period": "2022-10", "keys": "econ.output"}).json()
    assert october["econ.output"]["value"] == "2.1" and "closed" not in october["econ.output"]

    # the move: a dated event with who and where, audited
    move = ParkMove.objects.get(subject_code=A)
    assert (move.subject_kind, move.from_park, move.to_park, move.username, move.via) == (
        "enterprise", "ECO-CEE", "ECO", "econ", "api")
    assert move.differing_months == ["ECO-CEE 2022-09"]
    assert {(d["park"], d["key"], d["frozen"], d["live"]) for d in move.differences} >= {
        ("ECO-CEE", "econ.output", "5", "2")}
    entry = AuditEntry.objects.get(object_kind="periods.parkmove")
    assert entry.username == "econ" and entry.detail["event"] == "park_move"
    assert entry.after["from_park"] == "ECO-CEE" and entry.after["to_park"] == "ECO"
    assert entry.detail["closed_months_differ"] == ["ECO-CEE 2022-09"]


def test_a_move_shows_in_the_enterprise_profile(closed_parks, client):
    stat = make_user("stat", "statistician", park="ECO")
    ent = Enterprise.objects.get(uscc=A)
    with acting_as(stat):
        ent.park_id = "ECO"
        ent.save()
        assert ent._pl_move_warnings and "ECO-CEE 园区 2022-09" in ent._pl_move_warnings[0]
    client.force_login(stat)
    page = client.get(f"/enterprises/{A}/")
    if page.status_code == 302:
        pytest.skip("the profile page asks for a second factor in this configuration")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="section-moves"' in html and "ECO-CEE" in html


def test_re_parenting_a_sub_park_after_the_close_leaves_the_closed_month(closed_parks):
    cee = Park.objects.get(code="ECO-CEE")
    with acting_as(make_user("admin", "leader", park="ECO")):
        cee.parent_id = "OTH"
        cee.save()
    assert output("ECO") == Decimal("10")  # frozen: still with the sub-park
    assert output("ECO", live=True) == Decimal("5")
    assert output("ECO-CEE") == Decimal("5")
    assert output("OTH", live=True) == Decimal("5")  # OTH's 2022-09 is open: live, with its new sub-park
    move = ParkMove.objects.get(subject_kind="park")
    assert (move.subject_code, move.from_park, move.to_park, move.username) == ("ECO-CEE", "ECO", "OTH", "admin")
    assert move.differing_months == ["ECO 2022-09"]
    assert AuditEntry.objects.filter(object_kind="periods.parkmove", detail__event="park_move").count() == 1


def test_an_imported_move_is_recorded_too(closed_parks):
    from parkledger.dataio.importing import import_rows

    result = import_rows("enterprise", [{"uscc": A, "name": "企业001", "park": "ECO", "registered_on": "2020-01-01"}])
    assert result.ok, result.issues
    move = ParkMove.objects.get(subject_code=A)
    assert (move.from_park, move.to_park, move.via) == ("ECO-CEE", "ECO", "import")
    assert move.differing_months == ["ECO-CEE 2022-09"]
    assert output("ECO-CEE") == Decimal("5")


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("period", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_period_verify_lists_a_closed_month_changed_behind_the_applications_back(closed_parks):
    assert _verify()[0] == 0
    with connection.cursor() as cursor:  # raw SQL: no period check, no audit
        cursor.execute("UPDATE core_enterprisemonth SET output_value = 80000 WHERE uscc_id = %s AND month = %s", [A, MONTH])
    status, text = _verify()
    assert status == 1
    lines = [line for line in text.splitlines() if " econ.output " in line]
    # 30000 → 80000 万元: ECO-CEE 5 → 10 亿元, ECO 10 → 15 亿元
    assert sorted(lines) == ["ECO 2022-09 econ.output 工业总产值: frozen 10.00 亿元, now 15.00 亿元",
                             "ECO-CEE 2022-09 econ.output 工业总产值: frozen 5.00 亿元, now 10.00 亿元"]
    assert output("ECO-CEE") == Decimal("5")  # the figures read are still the frozen ones


def test_only_a_correction_changes_frozen_figures_and_closing_again_is_audited_with_its_reason(closed_parks):
    sec = make_user("sec", "secadmin")
    boss = make_user("boss2", "leader", park="ECO")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_enterprisemonth SET output_value = 80000 WHERE uscc_id = %s AND month = %s", [A, MONTH])
    unchanged = period_close(actor=boss, park="ECO", month=MONTH)  # closed already, no correction: nothing
    assert unchanged.close_result.outcome == "unchanged" and output("ECO-CEE") == Decimal("5")
    unlock = period_unlock(actor=sec, park="ECO", month=MONTH, reason="统计局核定9月产值", hours=2)
    closed = period_close(actor=boss, park="ECO", month=MONTH)
    assert closed.close_result.outcome == "refrozen"
    assert output("ECO-CEE") == Decimal("10") and output("ECO") == Decimal("15")
    assert set(FrozenFigures.objects.values_list("park_id", "version", "reason")) == {
        ("ECO", 2, "统计局核定9月产值"), ("ECO-CEE", 2, "统计局核定9月产值")}
    unlock.refresh_from_db()
    assert unlock.revoked_at is not None  # closing again ends the correction
    entry = AuditEntry.objects.filter(action="period_close", detail__reason="统计局核定9月产值").get()
    assert entry.username == "boss2"
    changed = {(d["park"], d["key"]): (d["frozen"], d["live"]) for d in entry.detail["changed"]}
    assert changed[("ECO-CEE", "econ.output")] == ("5", "10") and changed[("ECO", "econ.output")] == ("10", "15")
    assert _verify()[0] == 0


def test_the_web_pages_mark_a_closed_month_and_the_form_warns_after_a_move(closed_parks, client):
    econ = make_user("econ", "economy", park="ECO")
    client.force_login(econ)
    closed_page = client.get("/figures/", {"park": "ECO-CEE", "period": MONTH})
    open_page = client.get("/figures/", {"park": "ECO-CEE", "period": "2022-10"})
    assert closed_page.status_code == open_page.status_code == 200
    assert 'data-testid="period-closed"' in closed_page.content.decode()
    assert 'data-testid="period-closed"' not in open_page.content.decode()
    ent = Enterprise.objects.get(uscc=A)
    form = {"uscc": A, "name": ent.name, "park": "ECO", "industry_code": "", "registered_on": "2020-01-01",
            "land_area_mu": "", "country": ent.country, "closed_on": ""}
    saved = client.post(f"/ledgers/enterprise/{ent.pk}/edit/", form, follow=True)
    assert saved.status_code == 200
    assert Enterprise.objects.get(uscc=A).park_id == "ECO"
    shown = [str(m) for m in saved.context["messages"]]
    assert any("ECO-CEE 园区 2022-09 已封账：迁移后重新计算的指标与封账数据不一致" in m for m in shown), shown
    assert ParkMove.objects.get(subject_code=A).via == "web"


def test_an_enterprise_registered_in_a_closed_month_may_still_move(closed_parks):
    from parkledger.dataio.importing import import_rows
    from parkledger.periods.locks import PeriodClosedError

    Enterprise.objects.filter(uscc=B).update(registered_on=date(2022, 9, 5))  # dated in the closed month
    ent = Enterprise.objects.get(uscc=B)
    ent.park_id = "ECO"
    ent.save()  # the move is allowed
    assert ParkMove.objects.filter(subject_code=B, to_park="ECO").count() == 1
    back = import_rows("enterprise", [{"uscc": B, "name": ent.name, "park": "ECO-CEE", "registered_on": "2022-09-05"}])
    assert back.ok, back.issues
    assert ParkMove.objects.filter(subject_code=B, to_park="ECO-CEE", via="import").count() == 1
    ent.refresh_from_db()
    ent.name = "改名"  # any other change of a record dated in the closed month is still refused
    with pytest.raises(PeriodClosedError):
        ent.save()
    renamed = import_rows("enterprise", [{"uscc": B, "name": "改名", "park": "ECO", "registered_on": "2022-09-05"}])
    assert not renamed.ok and "已封账" in renamed.issues[0].reason


def test_a_month_closed_before_figures_were_frozen_is_listed_and_frozen_by_closing_it_again(closed_parks):
    from parkledger.periods.models import ClosedPeriod

    ClosedPeriod.objects.create(park_id="OTH", month=MONTH)  # as closed by an earlier version: no figures
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("period", "verify", "--park", "OTH", stdout=out)
    assert info.value.returncode == 1
    assert out.getvalue().splitlines()[0] == (
        "OTH 2022-09: closed without frozen figures (run `period close` again to freeze them)")
    assert not compute_figures("OTH", MONTH).closed
    again = period_close(actor=None, park="OTH", month=MONTH)
    assert again.close_result.outcome == "frozen" and compute_figures("OTH", MONTH).closed
    out = StringIO()
    call_command("period", "verify", "--park", "OTH", stdout=out)
    assert out.getvalue().strip() == ("OK: 1 frozen park month(s) recompute to their frozen figures; "
                                      "the stored enterprise-month sums equal the returns")


def test_the_records_behind_a_frozen_figure_are_the_current_ones(closed_parks):
    from parkledger.indicators.engine import make_context

    ent = Enterprise.objects.get(uscc=A)
    ent.park_id = "ECO"
    ent.save()
    ctx = make_context("ECO-CEE", MONTH)  # what the data-quality checks and the explanations use
    assert ctx.figure("econ.output").value == Decimal("5") and ctx.figure("econ.output").closed
    records = ctx.result("econ.output").records  # computed live: only B's row is in ECO-CEE now
    assert sorted(records.values_list("uscc_id", flat=True)) == [B]
    explained = explain_figure("ECO-CEE", MONTH, "econ.output")
    assert (explained.value, explained.closed, explained.records_total) == (Decimal("5"), True, 1)
