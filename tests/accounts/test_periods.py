"""Closed periods (封账): no create, change or delete in a closed month, except through a correction."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from parkledger.accounts.context import acting_as
from parkledger.accounts.services import period_close, period_unlock
from parkledger.audit.models import AuditEntry
from parkledger.core.kinds import kind_models
from parkledger.periods.locks import PERIOD_FIELDS, PeriodClosedError, check_record_write, month_of
from tests.accounts.conftest import make_user
from tests.accounts.test_audit import _changed_value

pytestmark = pytest.mark.django_db

CLOSED = "2022-03"  # the worlds are dated 2022-03-15
UNDATED = {"park", "wetland"}


def test_every_kind_names_the_fields_that_date_it():
    assert set(PERIOD_FIELDS) == set(kind_models())
    for kind, names in PERIOD_FIELDS.items():
        model = kind_models()[kind]
        for name in names:
            first = name.split("__")[0]
            model._meta.get_field(first)  # raises for a misspelt field
    assert {k for k, v in PERIOD_FIELDS.items() if not v} == UNDATED


def test_month_of_reads_dates_months_and_years():
    assert month_of(date(2022, 3, 31)) == "2022-03"
    assert month_of("2022-11") == "2022-11"
    assert month_of(2021) == "2021-12"
    assert month_of(None) is None


def test_no_record_dated_in_a_closed_month_can_be_changed_or_deleted(eco_world):
    leader = make_user("boss", "leader", park="ECO")
    period_close(actor=leader, park="ECO", month=CLOSED)
    period_close(actor=leader, park="ECO", month="2022-12")  # kinds dated by a year: December
    refused = []
    for kind, model in kind_models().items():
        obj = model.objects.get(pk=eco_world[kind].pk)
        fld, value = _changed_value(model, obj)
        setattr(obj, fld.attname, value)
        try:
            obj.save()
        except PeriodClosedError as exc:
            assert exc.park == "ECO" and exc.month in (CLOSED, "2022-12")
            refused.append((kind, "change"))
    for kind in reversed(list(kind_models())):
        if kind in UNDATED:
            continue
        try:
            with transaction.atomic():  # a refused delete rolls back its own transaction
                eco_world[kind].delete()
        except PeriodClosedError:
            refused.append((kind, "delete"))
        except ProtectedError:  # still referenced (the referencing record was refused): the rule itself
            with pytest.raises(PeriodClosedError):
                check_record_write(eco_world[kind], None)
            refused.append((kind, "delete"))
    dated = [k for k in kind_models() if k not in UNDATED]
    assert sorted(refused) == sorted([(k, "change") for k in dated] + [(k, "delete") for k in dated])
    # the records are untouched
    assert kind_models()["petition"].objects.get(pk=eco_world["petition"].pk).subject == eco_world["petition"].subject
    # refused changes are logged (a refused delete's entry goes with its rolled-back transaction)
    assert AuditEntry.objects.filter(action="period_refused", result="denied").count() == len(dated)


def test_the_error_names_the_park_and_the_month_in_chinese(eco_world):
    period_close(actor=None, park="ECO", month=CLOSED)
    petition = eco_world["petition"]
    petition.subject = "改"
    with pytest.raises(ValidationError) as info:
        petition.save()
    assert "ECO 园区 2022-03 已封账" in info.value.messages[0]


def test_records_cannot_be_created_in_a_closed_month(eco_world):
    period_close(actor=None, park="ECO", month=CLOSED)
    models = kind_models()
    enterprise = eco_world["enterprise"]
    with pytest.raises(PeriodClosedError):
        models["enterprise_month"].objects.create(uscc=enterprise, month=CLOSED)
    with pytest.raises(PeriodClosedError):
        models["petition"].objects.create(code="P-NEW", park_id="ECO", source="public", subject="新",
                                          received_on=date(2022, 3, 2))
    with pytest.raises(PeriodClosedError):  # a hazard is dated by its inspection
        models["hazard"].objects.create(code="H-NEW", inspection=eco_world["inspection"], description="新",
                                        level="general")
    # other months stay open
    models["enterprise_month"].objects.create(uscc=enterprise, month="2022-04")
    models["petition"].objects.create(code="P-APR", park_id="ECO", source="public", subject="新",
                                      received_on=date(2022, 4, 2))


def test_a_closed_parent_park_closes_its_sub_parks_but_not_other_parks(eco_world, oth_world):
    period_close(actor=None, park="ECO", month=CLOSED)
    petition = kind_models()["petition"]
    with pytest.raises(PeriodClosedError) as info:
        petition.objects.create(code="P-CEE", park_id="ECO-CEE", source="public", subject="新",
                                received_on=date(2022, 3, 2))
    assert info.value.park == "ECO" and info.value.record_park == "ECO-CEE"
    other = oth_world["petition"]
    other.subject = "改"
    other.save()  # OTH's March is open


def test_reaching_a_new_stage_this_month_is_allowed_but_moving_a_date_into_the_closed_month_is_not(eco_world):
    petition = eco_world["petition"]
    petition.closed_on = None  # received in March, not yet closed
    petition.save()
    period_close(actor=None, park="ECO", month=CLOSED)
    project = eco_world["investment_project"]
    project.terminated_on = None
    with pytest.raises(PeriodClosedError):  # clearing a March date rewrites March
        project.save()
    project.refresh_from_db()
    petition.closed_on = date(2022, 4, 20)  # closed in April: April is open
    petition.save()
    petition.closed_on = date(2022, 3, 31)  # moved back into March
    with pytest.raises(PeriodClosedError):
        petition.save()


def test_a_correction_opened_with_a_reason_lets_writes_through_and_is_logged(eco_world):
    sec = make_user("sec", "secadmin")
    clerk = make_user("clerk", "social", park="ECO")
    period_close(actor=None, park="ECO", month=CLOSED)
    with pytest.raises(ValidationError):
        period_unlock(actor=sec, park="ECO", month=CLOSED, reason="  ")
    with pytest.raises(PermissionDenied):
        period_unlock(actor=clerk, park="ECO", month=CLOSED, reason="自己解锁")
    unlock = period_unlock(actor=sec, park="ECO", month=CLOSED, reason="统计局反馈3月信访件数有误", hours=2)
    logged = AuditEntry.objects.get(action="period_unlock")
    assert logged.username == "sec" and logged.after["reason"] == "统计局反馈3月信访件数有误"
    petition = eco_world["petition"]
    petition.subject = "更正后的事由"
    with acting_as(clerk):
        petition.save()
    change = AuditEntry.objects.get(action="change", object_kind="petition")
    assert change.username == "clerk"
    assert change.detail["correction"][0]["reason"] == "统计局反馈3月信访件数有误"
    assert change.detail["correction"][0]["unlock_id"] == unlock.pk
    # once expired, the month is closed again
    unlock.expires_at = timezone.now() - timedelta(seconds=1)
    unlock.save()
    petition.subject = "再改"
    with pytest.raises(PeriodClosedError):
        petition.save()


def test_a_correction_for_one_user_does_not_open_the_month_to_others(eco_world):
    sec = make_user("sec", "secadmin")
    clerk = make_user("clerk", "social", park="ECO")
    other = make_user("other", "social", park="ECO")
    period_close(actor=None, park="ECO", month=CLOSED)
    period_unlock(actor=sec, park="ECO", month=CLOSED, reason="更正", user=clerk)
    petition = eco_world["petition"]
    petition.subject = "别人改"
    with acting_as(other), pytest.raises(PeriodClosedError):
        petition.save()
    with acting_as(clerk):
        petition.save()


def test_only_leaders_and_statisticians_close_and_only_in_their_parks(parks):
    with pytest.raises(PermissionDenied):
        period_close(actor=make_user("clerk", "social", park="ECO"), park="ECO", month=CLOSED)
    with pytest.raises(PermissionDenied):
        period_close(actor=make_user("boss", "leader", park="OTH"), park="ECO", month=CLOSED)
    closed = period_close(actor=make_user("stat", "statistician", park="ECO"), park="ECO", month=CLOSED)
    entry = AuditEntry.objects.get(action="period_close")
    assert entry.username == "stat" and entry.after == {"park": "ECO", "month": CLOSED, "note": ""}
    assert closed.closed_by.username == "stat"


def test_the_importer_rejects_rows_of_a_closed_month_and_audits_the_rows_it_writes(eco_world):
    from parkledger.dataio.importing import import_rows

    period_close(actor=None, park="ECO", month=CLOSED)
    uscc = eco_world["enterprise"].uscc
    refused = import_rows("enterprise_month", [
        {"uscc": uscc, "month": "2022-05", "output_value": "10"},
        {"uscc": uscc, "month": CLOSED, "output_value": "99"},
    ])
    assert not refused.ok
    assert any("已封账" in issue.reason for issue in refused.issues)
    model = kind_models()["enterprise_month"]
    assert not model.objects.filter(month="2022-05").exists()  # all or nothing
    assert model.objects.get(month=CLOSED).output_value != 99
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    accepted = import_rows("enterprise_month", [{"uscc": uscc, "month": "2022-05", "output_value": "10"}])
    assert accepted.ok, accepted.issues
    created = AuditEntry.objects.get(action="create", object_kind="enterprise_month", natural_key=f"{uscc}/2022-05")
    assert created.after["output_value"] == "10.0000" and created.detail["via"] == "import"
    summary = AuditEntry.objects.get(action="import")
    assert summary.detail["counts"] == {"enterprise_month": {"created": 1, "updated": 0}}
    written = AuditEntry.objects.filter(id__gt=before).exclude(action="period_refused")  # the refusal's entry may come late
    assert sorted(written.values_list("action", flat=True)) == ["create", "import"]
