"""The dashboard's figures, charts, pipeline and alarms, checked against the dataset by hand."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def chart(response, name: str) -> dict:
    return next(c for c in response.context["charts"] if c["name"] == name)


def test_monthly_series_this_year_and_last(client_in):
    response = client_in.get("/")
    output = chart(response, "output")
    # ECO = ECO + ECO-CEE: two enterprises × 1000万 a month = 0.20亿; in 2022-09 the sub-park's
    # enterprise did not report: 0.10亿
    assert output["this"][:8] == ["0.20"] * 8
    assert output["this"][8] == "0.10"
    assert output["last"] == ["0.20"] * 12
    # park_month: 5000万 FAI and 3000万 fiscal revenue for each of the two parks
    assert chart(response, "fai")["this"][0] == "1.00"
    assert chart(response, "fiscal")["last"][11] == "0.60"
    assert output["links_this"][8].endswith("month_after=2022-09&month_before=2022-09")
    # the chart data is in the page for the browser
    assert json.loads(response.content.decode().split('id="chart-output" type="application/json">')[1]
                      .split("</script>")[0])["this"][8] == "0.10"


def test_pipeline_funnel_as_of_the_period_end(client_in):
    funnel = {s["key"]: s for s in client_in.get("/").context["funnel"]}
    # ECO's projects: C0 contacted, S0 signed (not started), P0 in production; 1亿 each
    assert [funnel[k]["count"] for k in ("contacted", "submitted", "reviewed", "signed", "started", "production")] \
        == [3, 2, 2, 2, 1, 1]
    assert funnel["contacted"]["amount_yi"] == "3.00"
    assert funnel["signed"]["url"].endswith("preset=reached_signed")


def test_alarms(client_in):
    alarms = {a.key: a for a in client_in.get("/").context["alarms"]}
    # ECO's two enterprises each have one hazard past its 2022-06-01 deadline
    assert alarms["hazards"].count == 2
    # one ECO petition registered 90 days before 2022-09-30 and still open
    assert alarms["petitions"].count == 1
    # ECO-S0: signed 2022-03-01, planned start 2022-06-01, not started
    assert alarms["projects"].count == 1
    assert [str(p) for p in alarms["projects"].items] == ["签约项目0"]
    # the sub-park's enterprise reported 2022-08 but not 2022-09
    assert alarms["returns"].count == 1


def test_headline_figures_with_target_progress(client_in):
    response = client_in.get("/")
    cards = {h.key: h for h in response.context["headlines"]}
    output = cards["econ.output"]
    # 2022-01..09: 2 enterprises × 9 months × 1000万 − 1000万 (missed 09) = 17000万 = 1.70亿
    assert output.text == "1.70"
    # the target is 100亿: 1.7 / 100 = 1.7%, behind the time progress 9/12 = 75%
    assert str(output.progress) == "1.7"
    assert output.on_track is False
    assert str(response.context["time_progress"]) == "75.0"


def test_alarm_links_open_the_matching_list(client_in):
    response = client_in.get("/ledgers/hazard/", {"preset": "overdue"})
    assert response.context["page"].paginator.count == 2
    response = client_in.get("/ledgers/petition/", {"preset": "over60"})
    assert response.context["page"].paginator.count == 1
    response = client_in.get("/ledgers/investment_project/", {"preset": "not_started"})
    assert [r["obj"].code for r in response.context["rows"]] == ["ECO-S0"]
    response = client_in.get("/ledgers/enterprise/", {"preset": "missed_return"})
    assert response.context["page"].paginator.count == 1
    response = client_in.get("/ledgers/investment_project/", {"preset": "reached_started"})
    assert [r["obj"].code for r in response.context["rows"]] == ["ECO-P0"]
