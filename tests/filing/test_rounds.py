"""The filing round: who is expected, the states, acceptance into the ledger, refusals."""
from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from parkledger.audit.models import AuditEntry
from parkledger.core.models import EnterpriseMonth
from parkledger.filing.models import FilingRound, Source, Submission, SubmissionState
from parkledger.filing.services import (
    FilingError,
    accept,
    accept_clean,
    close_round,
    open_round,
    return_submission,
    round_status,
    save_draft,
    submit,
)
from parkledger.indicators.engine import compute_figures
from tests.filing.conftest import GOOD

pytestmark = pytest.mark.django_db


def _open(world, month="2023-01"):
    return open_round(park="ECO", kind="enterprise_month", month=month, due_on=date(2023, 2, 10), user=world.stat)


def _sub(round_, ent):
    return Submission.objects.select_related("round", "enterprise").get(round=round_, enterprise=ent)


def test_a_round_expects_the_enterprises_active_in_its_month(world):
    round_ = _open(world)
    expected = set(round_.submissions.values_list("enterprise_id", flat=True))
    # a (ECO), b (sub-park), e (closed during the month); not c (registered later), d (closed before), f (other park)
    assert expected == {world.a.uscc, world.b.uscc, world.e.uscc}


def test_a_return_already_in_the_ledger_counts_as_accepted_when_the_round_opens(world):
    EnterpriseMonth.objects.create(uscc=world.b, month="2023-01", output_value=Decimal(1))
    round_ = _open(world)
    sub = _sub(round_, world.b)
    assert (sub.state, sub.source) == (SubmissionState.ACCEPTED, Source.LEDGER)
    assert sub.reviewed_at is not None and abs((timezone.now() - sub.reviewed_at).total_seconds()) < 60
    assert round_status(round_) == {"expected": 3, "not_started": 2, "draft": 0, "submitted": 0, "returned": 0,
                                    "accepted": 1, "missing": sorted([world.a.uscc, world.e.uscc])}


def test_only_the_parks_statisticians_open_rounds(world):
    for user in (world.econ, world.qiye):
        with pytest.raises(PermissionDenied):
            open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10), user=user)
    assert not FilingRound.objects.exists()
    denied = AuditEntry.objects.filter(action="perm_denied", result="denied")
    assert denied.count() == 2


def test_a_month_is_opened_once(world):
    _open(world)
    with pytest.raises(FilingError):
        _open(world)


def test_draft_submit_return_submit_accept_and_the_figure_changes_only_then(world):
    round_ = _open(world, "2022-03")
    sub = _sub(round_, world.a)
    before = compute_figures("ECO", "2022-03", ["econ.output"])["econ.output"].value
    assert before == Decimal("1")  # 5,000 + 5,000 万元 in Jan–Feb = 1 亿元

    values = dict(GOOD, output_value="12000", value_added="2000", revenue="11000")
    save_draft(sub, values, {}, world.qiye)
    assert _sub(round_, world.a).state == SubmissionState.DRAFT
    # +140% against both February (5,000) and March 2021 (5,000): a 说明 is needed before submitting
    result = submit(_sub(round_, world.a), values, {}, world.qiye)
    assert {a["field"] for a in result.unexplained({})} == {"output_value", "value_added", "revenue"}
    assert _sub(round_, world.a).state == SubmissionState.DRAFT
    why = {"output_value": "新生产线投产", "value_added": "同上", "revenue": "同上"}
    submit(_sub(round_, world.a), values, why, world.qiye)
    assert _sub(round_, world.a).state == SubmissionState.SUBMITTED
    assert not EnterpriseMonth.objects.filter(uscc=world.a, month="2022-03").exists()
    assert compute_figures("ECO", "2022-03", ["econ.output"])["econ.output"].value == before

    return_submission(_sub(round_, world.a), "产值请核实", ["output_value"], world.stat)
    sub = _sub(round_, world.a)
    assert (sub.state, sub.returned_fields) == (SubmissionState.RETURNED, ["output_value"])
    values["output_value"] = "11000"
    submit(sub, values, why, world.qiye)
    accept([_sub(round_, world.a)], world.stat)
    row = EnterpriseMonth.objects.get(uscc=world.a, month="2022-03")
    assert (row.output_value, row.revenue, row.employees, row.above_scale) == (Decimal(11000), Decimal(11000), 121, True)
    # 5,000 + 5,000 + 11,000 万元 = 2.1 亿元
    assert compute_figures("ECO", "2022-03", ["econ.output"])["econ.output"].value == Decimal("2.1")
    transitions = [e.detail["filing"] for e in AuditEntry.objects.filter(object_kind="filing.submission", object_pk=str(sub.pk)).order_by("seq")
                   if e.detail and "filing" in e.detail]
    assert transitions == ["draft", "submit", "return", "submit", "accept"]


def test_impossible_values_block_the_submit(world):
    round_ = _open(world)
    values = dict(GOOD, value_added="6000")  # above 5,200 of output
    result = submit(_sub(round_, world.a), values, {}, world.qiye)
    assert result.errors == {"value_added": "工业增加值不能大于工业总产值"}
    values = dict(GOOD, revenue="0")
    assert submit(_sub(round_, world.a), values, {}, world.qiye).errors == {"revenue": "有工业总产值时营业收入不应为0"}
    values = dict(GOOD, output_value="-1", employees="12.5", revenue="")
    errors = submit(_sub(round_, world.a), values, {}, world.qiye).errors
    assert errors == {"output_value": "不能为负数", "employees": "请填写整数", "revenue": "必填"}
    assert _sub(round_, world.a).state == SubmissionState.DRAFT


def test_an_enterprise_files_only_its_own_submission(world):
    round_ = _open(world)
    with pytest.raises(PermissionDenied):
        submit(_sub(round_, world.a), GOOD, {}, world.qiye_b)
    with pytest.raises(PermissionDenied):
        save_draft(_sub(round_, world.a), GOOD, {}, world.stat)
    assert _sub(round_, world.a).state == SubmissionState.NOT_STARTED


def test_a_double_submit_makes_one_return_and_a_closed_round_takes_none(world):
    round_ = _open(world)
    submit(_sub(round_, world.a), GOOD, {}, world.qiye)
    with pytest.raises(FilingError, match="已提交"):
        submit(_sub(round_, world.a), GOOD, {}, world.qiye)
    assert Submission.objects.filter(round=round_, enterprise=world.a).count() == 1
    close_round(round_, world.stat)
    with pytest.raises(FilingError, match="已结束"):
        submit(_sub(round_, world.b), GOOD, {}, world.qiye_b)


def test_a_closed_month_takes_no_round_and_no_submission(world):
    from parkledger.periods.models import ClosedPeriod

    round_ = _open(world)
    ClosedPeriod.objects.create(park_id="ECO", month="2023-01")
    from parkledger.periods import locks

    locks.invalidate()
    with pytest.raises(FilingError, match="封账"):
        submit(_sub(round_, world.a), GOOD, {}, world.qiye)
    with pytest.raises(FilingError, match="封账"):
        open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 1), user=world.stat)


def test_accept_clean_takes_only_the_submissions_without_anomalies(world):
    round_ = _open(world, "2022-03")
    submit(_sub(round_, world.a), dict(GOOD, output_value="12000", value_added="100", revenue="5000"),
           {"output_value": "扩产", "value_added": "外购件增加"}, world.qiye)
    submit(_sub(round_, world.b), GOOD, {}, world.qiye_b)  # b has no history: no anomaly possible
    assert accept_clean(round_, world.stat) == 1
    assert _sub(round_, world.b).state == SubmissionState.ACCEPTED
    assert _sub(round_, world.a).state == SubmissionState.SUBMITTED


def test_returns_arriving_by_import_or_form_count_as_accepted(world):
    from parkledger.dataio.importing import import_rows

    round_ = _open(world)
    result = import_rows("enterprise_month", [{"uscc": world.e.uscc, "month": "2023-01", "output_value": "10"}],
                         user=world.stat)
    assert result.ok, result.issues
    assert (_sub(round_, world.e).state, _sub(round_, world.e).source) == (SubmissionState.ACCEPTED, Source.IMPORT)
    EnterpriseMonth.objects.create(uscc=world.b, month="2023-01", output_value=Decimal(3))
    assert (_sub(round_, world.b).state, _sub(round_, world.b).source) == (SubmissionState.ACCEPTED, Source.FORM)
    assert round_status(round_)["accepted"] == 2


def test_the_status_command_counts_each_step(world):
    round_ = _open(world)

    def status():
        out = io.StringIO()
        call_command("filing", "status", "--park", "ECO", "--month", "2023-01", stdout=out)
        return json.loads(out.getvalue())

    assert status() == {"expected": 3, "not_started": 3, "draft": 0, "submitted": 0, "returned": 0, "accepted": 0,
                        "missing": sorted([world.a.uscc, world.b.uscc, world.e.uscc])}
    save_draft(_sub(round_, world.b), GOOD, {}, world.qiye_b)
    submit(_sub(round_, world.a), GOOD, {}, world.qiye)
    got = status()
    assert (got["not_started"], got["draft"], got["submitted"]) == (1, 1, 1)
    assert got["missing"] == sorted([world.b.uscc, world.e.uscc])
    accept([_sub(round_, world.a)], world.stat)
    assert status()["accepted"] == 1


def test_the_open_command_opens_a_round(world):
    out = io.StringIO()
    call_command("filing", "open", "--park", "ECO", "--month", "2023-01", "--due", "2023-02-10", "--user", "stat",
                 stdout=out)
    assert "应报 3 家" in out.getvalue()
    assert FilingRound.objects.get().due_on == date(2023, 2, 10)
