"""The filing pages: 填报管理 for the statistician, 我的填报 for the enterprise user."""
from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.core.models import EnterpriseMonth
from parkledger.filing.models import FilingRound, Submission, SubmissionState
from parkledger.filing.services import open_round
from tests.filing.conftest import GOOD

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_the_statistician_opens_a_round_from_the_page(client, world):
    c = _login(client, world.stat)
    page = c.get("/filing/", {"park": "ECO", "period": "2022-12"})
    assert page.status_code == 200
    assert "发起填报" in page.content.decode()
    response = c.post("/filing/?park=ECO&period=2022-12", {"kind": "enterprise_month", "month": "2023-01",
                                                           "due_on": "2023-02-10"})
    round_ = FilingRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/filing/{round_.pk}/"
    body = c.get(f"/filing/{round_.pk}/").content.decode()
    assert 'data-count="expected">3<' in body and 'data-count="not_started">3<' in body


def test_other_roles_cannot_manage_rounds(client, world):
    round_ = open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10), user=world.stat)
    for user in (world.econ, world.qiye):
        c = _login(client, user)
        assert c.get(f"/filing/{round_.pk}/").status_code == 403
        assert c.post(f"/filing/{round_.pk}/action/", {"action": "close"}).status_code == 403
    assert FilingRound.objects.get().is_open


def test_the_enterprise_files_and_the_statistician_reviews(client, world):
    round_ = open_round(park="ECO", kind="enterprise_month", month="2022-03", due_on=date(2022, 4, 10), user=world.stat)
    sub = Submission.objects.get(round=round_, enterprise=world.a)
    c = _login(client, world.qiye)
    mine = c.get("/filing/mine/").content.decode()
    assert "2022-03" in mine and f"/filing/mine/{sub.pk}/" in mine
    form = c.get(f"/filing/mine/{sub.pk}/").content.decode()
    assert "填报企业A有限公司" in form and 'name="above_scale" value="1" checked' in form  # 规上 from the last return
    assert "上月（2022-02）：5000 ·" in form  # last month's value shown beside the field

    checks = c.post(f"/filing/mine/{sub.pk}/check/", dict(GOOD, output_value="12000")).content.decode()
    assert "工业总产值较上年同月（5000）变动 140.0%" in checks
    response = c.post(f"/filing/mine/{sub.pk}/", dict(GOOD, output_value="12000", action="submit"))
    assert response.status_code == 200 and "还不能提交" in response.content.decode()
    assert Submission.objects.get(pk=sub.pk).state == SubmissionState.DRAFT
    response = c.post(f"/filing/mine/{sub.pk}/", dict(GOOD, output_value="12000", why_output_value="扩产",
                                                      action="submit"))
    assert response.status_code == 302
    assert Submission.objects.get(pk=sub.pk).state == SubmissionState.SUBMITTED

    s = _login(client, world.stat)
    s.post(f"/filing/{round_.pk}/action/", {"action": "return", "submission": sub.pk, "reason": "请核实产值",
                                            "fields": ["output_value"]})
    assert Submission.objects.get(pk=sub.pk).state == SubmissionState.RETURNED
    c = _login(client, world.qiye)
    form = c.get(f"/filing/mine/{sub.pk}/").content.decode()
    assert "请核实产值" in form and "统计员要求修改此项" in form
    assert "请核实产值" in c.get("/filing/mine/").content.decode()  # the in-app notice
    c.post(f"/filing/mine/{sub.pk}/", dict(GOOD, output_value="5300", action="submit"))
    s = _login(client, world.stat)
    s.post(f"/filing/{round_.pk}/action/", {"action": "accept", "submission": sub.pk})
    assert Submission.objects.get(pk=sub.pk).state == SubmissionState.ACCEPTED
    assert str(EnterpriseMonth.objects.get(uscc=world.a, month="2022-03").output_value) == "5300.0000"


def test_an_enterprise_user_sees_no_other_enterprise(client, world):
    round_ = open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10), user=world.stat)
    other = Submission.objects.get(round=round_, enterprise=world.b)
    c = _login(client, world.qiye)
    assert c.get(f"/filing/mine/{other.pk}/").status_code == 403
    assert c.post(f"/filing/mine/{other.pk}/", dict(GOOD, action="submit")).status_code == 403
    assert world.b.name not in c.get("/filing/mine/").content.decode()
    assert Submission.objects.get(pk=other.pk).state == SubmissionState.NOT_STARTED


def test_the_round_page_costs_the_same_queries_for_more_enterprises(client, world):
    from parkledger.core.models import Enterprise
    from tests.filing.conftest import uscc

    def queries(round_):
        c = _login(client, world.stat)
        c.get(f"/filing/{round_.pk}/")  # the session's first page chooses the park and period
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/filing/{round_.pk}/").status_code == 200
        return len(ctx.captured_queries)

    small = open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10), user=world.stat)
    for i in range(100, 160):
        Enterprise.objects.create(uscc=uscc(i), name=f"新增企业{i}", park_id="ECO", registered_on=date(2020, 1, 1))
    big = open_round(park="ECO", kind="enterprise_month", month="2023-02", due_on=date(2023, 3, 10), user=world.stat)
    assert big.submissions.count() == small.submissions.count() + 60  # e (closed in January) leaves, c joins
    assert queries(small) == queries(big)


def test_the_enterprise_user_lands_on_his_returns_and_the_menu_names_each_page(client, world):
    c = _login(client, world.qiye)
    assert c.get("/").status_code == 200  # nothing to file: his own ledgers
    open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10), user=world.stat)
    response = c.get("/")
    assert response.status_code == 302 and response["Location"] == "/filing/mine/"
    assert 'href="/filing/mine/"' in c.get("/filing/mine/").content.decode()
    s = _login(client, world.stat)
    assert 'href="/filing/"' in s.get("/", {"park": "ECO", "period": "2022-12"}).content.decode()
    e = _login(client, world.econ)
    assert 'href="/filing/"' not in e.get("/", {"park": "ECO", "period": "2022-12"}).content.decode()


def test_the_dashboard_card_shows_the_rate_and_links_to_the_round(client, world):
    from parkledger.filing.services import accept, submit

    round_ = open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10), user=world.stat)
    sub = Submission.objects.select_related("round", "enterprise").get(round=round_, enterprise=world.a)
    submit(sub, GOOD, {}, world.qiye)
    accept([Submission.objects.select_related("round", "enterprise").get(pk=sub.pk)], world.stat)
    c = _login(client, world.stat)
    body = c.get("/", {"park": "ECO", "period": "2023-01"}).content.decode()
    # 1 of 3 expected enterprises accepted
    assert 'data-testid="filing-rate">33.3%<' in body and f'href="/filing/{round_.pk}/"' in body
    assert "未报 2 家" in body
    other = c.get("/", {"park": "ECO", "period": "2022-12"}).content.decode()
    assert "本月尚未发起填报" in other
