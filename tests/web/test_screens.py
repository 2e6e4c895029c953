"""Screens a clerk uses all day: links that open records, clean URLs, business language, roles."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.web import data

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """Every <a href>, with the hx-boost/hx-target of its nearest ancestors that set them."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            inherited = {k: v for frame in self.stack for k, v in frame.items()}
            self.links.append({**inherited, **{k: v for k, v in attrs.items() if k.startswith("hx-")},
                               "href": attrs.get("href", "")})
        if tag not in ("input", "br", "img", "meta", "link", "hr", "a"):
            self.stack.append({k: v for k, v in attrs.items() if k in ("hx-boost", "hx-target")})

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "img", "meta", "link", "hr", "a") and self.stack:
            self.stack.pop()


def visible_text(response) -> str:
    """The page's text as a reader sees it (tags removed, whitespace collapsed)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body))


def links(response) -> list[dict]:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.links


def test_record_links_of_a_list_navigate_normally(client_in):
    for url in ("/ledgers/hazard/", "/ledgers/enterprise_month/", f"/enterprises/{data.uscc(1)}/"):
        found = [a for a in links(client_in.get(url)) if re.search(r"/ledgers/\w+/\d+/$", a["href"])]
        assert found, url
        # a boosted link swapping the list region would empty the table instead of opening the record
        assert all(a.get("hx-boost") != "true" and "hx-target" not in a for a in found), url


def test_pager_and_export_urls_are_built_once(client_in, dataset):
    data.add_records(dataset.parks, 1, 2)
    response = client_in.get("/ledgers/enterprise_month/", {"q": "", "page": "2"})
    hrefs = [a["href"] for a in links(response)]
    pager = [h for h in hrefs if "page=" in h]
    assert pager
    for href in pager + [h for h in hrefs if "export=xlsx" in h]:
        assert "??" not in href and "%3F" not in href, href
    # following a pager link twice keeps the URL the same length
    nxt = next(h for h in pager if "page=3" in h)
    again = [a["href"] for a in links(client_in.get(nxt)) if "page=" in a["href"]]
    assert all(len(h) <= len(nxt) + 2 for h in again)


def test_filter_form_asks_the_path_without_the_current_query(client_in):
    body = client_in.get("/ledgers/hazard/", {"q": "电线", "preset": "overdue"}).content.decode()
    form = re.search(r'<form class="card filters"[^>]*>', body).group(0)
    assert 'hx-get="/ledgers/hazard/"' in form and 'action="/ledgers/hazard/"' in form


# -- business language -------------------------------------------------------------------

def test_history_shows_labels_display_values_source_and_who(safety_client):
    from parkledger.governance.models import Hazard

    hazard = Hazard.objects.filter(inspection__uscc__park_id="ECO", rectified_on=None).first()
    safety_client.post(f"/ledgers/hazard/{hazard.pk}/edit/", {
        "inspection": hazard.inspection_id, "description": hazard.description, "level": "major",
        "deadline": "2022-06-01", "rectified_on": "",
    })
    history = safety_client.get(f"/ledgers/hazard/{hazard.pk}/").context["history"]
    change = history[0]
    assert change.username == "safety" and change.source == "表单" and change.action == "修改"
    assert [(c.label, c.before, c.after) for c in change.changes] == [("隐患等级", "一般", "重大")]


def test_history_values_have_units_and_yes_no(client, dataset):
    from parkledger.core.models import EnterpriseMonth
    from tests.web.conftest import make_user

    client.force_login(make_user("stats", "statistician"))
    em = EnterpriseMonth.objects.get(uscc_id=data.uscc(1), month="2022-09")
    client.post(f"/ledgers/enterprise_month/{em.pk}/edit/", {
        "uscc": em.uscc_id, "month": "2022-09", "above_scale": "", "output_value": "1050.5",
        "revenue": "900", "tax": "50",
    })
    text = visible_text(client.get(f"/ledgers/enterprise_month/{em.pk}/"))
    assert "工业总产值：1,000.00 万元 → 1,050.50 万元" in text
    assert "规上：是 → 否" in text


def test_change_source_names_the_file_the_api_or_the_form():
    from parkledger.web.present import change_source

    assert change_source({"via": "import", "source": "/tmp/x/十月月报.xlsx"}) == "导入：十月月报.xlsx"
    assert change_source({"via": "import"}) == "导入"
    assert change_source({"via": "api"}) == "API"
    assert change_source(None) == "表单"


def test_record_titles_use_names_and_months(client_in):
    from parkledger.core.models import EnterpriseMonth

    em = EnterpriseMonth.objects.get(uscc_id=data.uscc(1), month="2022-09")
    response = client_in.get(f"/ledgers/enterprise_month/{em.pk}/")
    assert response.context["title"] == "测试企业1 2022年9月"
    assert "<h1 data-testid=\"record-title\">测试企业1 2022年9月</h1>" in response.content.decode()


def test_lists_right_align_numbers_with_units_and_show_codes_beside_names(client_in):
    response = client_in.get("/ledgers/enterprise_month/")
    labels = [str(col["label"]) for col in response.context["columns"]]
    assert labels[:3] == ["企业名称", "统一社会信用代码", "月份"]
    assert "工业总产值（万元）" in labels
    first = response.context["rows"][0]["cells"]
    assert first[0]["text"].startswith("测试企业") and first[1]["text"] == first[1]["text"].upper()
    assert len(first[1]["text"]) == 18
    body = response.content.decode()
    assert '<td class="num">1,000.00</td>' in body


def test_lists_default_to_the_newest_month_then_the_name(client_in):
    rows = client_in.get("/ledgers/enterprise_month/").context["rows"]
    months = [row["obj"].month for row in rows]
    assert months == sorted(months, reverse=True) and months[0] == "2022-12"
    assert [row["obj"].uscc.name for row in rows[:2]] == ["测试企业1", "测试企业2"]


def test_filters_are_month_pickers_and_yes_no_reads_all(client_in):
    body = client_in.get("/ledgers/enterprise_month/").content.decode()
    assert re.search(r'<input type="month" name="month_after"', body)
    select = re.search(r'<select name="above_scale".*?</select>', body, re.S).group(0)
    assert '<option value="" selected>全部</option>' in select and "未知" not in select


def test_the_country_is_shown_by_name(client_in):
    body = client_in.get(f"/enterprises/{data.uscc(1)}/").content.decode()
    assert re.search(r'data-testid="country">中国<', body)


def test_list_export_is_named_in_chinese_with_company_names(client_in):
    import io
    from urllib.parse import unquote

    import openpyxl

    response = client_in.get("/ledgers/enterprise_month/", {"export": "xlsx", "month_after": "2022-09",
                                                            "month_before": "2022-09"})
    assert "企业月报-2022-09.xlsx" in unquote(response["Content-Disposition"])
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["企业月报"]
    header = [c.value for c in book.active[1]]
    assert header[:3] == ["统一社会信用代码", "企业名称", "月份"]
    assert book.active.cell(2, 2).value.startswith("测试企业")


def test_sheet_names_never_hold_a_slash():
    from parkledger.web.exports import sheet_title

    taken: set[str] = set()
    assert sheet_title("补助/兑现", taken) == "补助、兑现"
    assert sheet_title("补助/兑现", taken) == "补助、兑现(2)"


def test_the_exported_list_imports_back_unchanged(client, dataset):
    """A list exported, then imported as it is, changes nothing (its enterprise names are skipped)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web.conftest import make_user

    client.force_login(make_user("stats", "statistician"))
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    content = client.get("/ledgers/enterprise_month/", {"export": "xlsx"}).content
    response = client.post("/import/", {"file": SimpleUploadedFile("企业月报.xlsx", content)})
    assert response.context["result"].ok, response.context["result"].issue_lines()
    totals = response.context["preview_totals"]
    assert totals.new == 0 and totals.changed == 0 and totals.unchanged == 47
    assert "47 行与已有记录完全相同" in response.content.decode()


def test_the_import_preview_lists_old_and_new_values(client, dataset):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web.conftest import make_user

    client.force_login(make_user("stats", "statistician"))
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    book = openpyxl.Workbook()
    book.active.title = "enterprise_month"
    book.active.append(["uscc", "month", "above_scale", "output_value", "revenue", "tax"])
    book.active.append([data.uscc(1), "2022-09", "是", 1050.5, 900, 50])  # output changed
    book.active.append([data.uscc(1), "2022-08", "是", 1000, 900, 50])  # unchanged
    book.active.append([data.uscc(1), "2023-01", "是", 1200, 900, 50])  # new
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post("/import/", {"file": SimpleUploadedFile("十月.xlsx", buffer.getvalue())})
    month = {k.kind: k for k in response.context["preview"]}["enterprise_month"]
    assert (month.new_count, month.changed_count, month.unchanged_count) == (1, 1, 1)
    assert month.changed[0]["title"] == "测试企业1 2022年9月"
    assert month.changed[0]["cells"] == [("工业总产值", "1,000.00 万元", "1,050.50 万元")]
    body = visible_text(response)
    assert "工业总产值：1,000.00 万元 → 1,050.50 万元" in body and "1 行与已有记录完全相同" in body


# -- indicators ----------------------------------------------------------------------------

def test_definitions_read_as_sentences_with_the_real_period():
    from datetime import date

    from parkledger.web.definitions import period_words, plain_definition

    words = period_words(2022, 9, date(2022, 9, 30))
    text = plain_definition("`investment_project` 的 `signed_on` 在W内", words, ("investment_project",))
    assert text == "“招商项目”的签约日期在2022年1-9月内"
    text = plain_definition("Σ `enterprise_month.output_value`，月份在W内（万元÷10000）", words)
    assert text.startswith("企业月报的工业总产值合计，月份在2022年1-9月内")
    assert plain_definition("`manual_figure` 中 Y年", words) == "“手工填报指标”中2022年"


def test_the_indicators_page_speaks_without_keys(client_in):
    body = client_in.get("/figures/").content.decode()
    visible = re.sub(r'<div class="figure-key">.*?</div>', "", body, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    assert "`" not in visible
    assert "2022年1-9月" in visible
    assert 'class="figure-key"' in body  # the keys are there for template authors, behind a toggle


def test_the_sources_link_to_the_ledger_filtered_to_exactly_those_records(client_in):
    response = client_in.get("/figures/explain/", {"key": "econ.output"})
    link = response.context["kinds"][0]["url"]
    assert "figure=econ.output" in link
    listed = client_in.get(link)
    assert listed.context["page"].paginator.count == 17  # the 17 returns of 2022-01..09
    assert {row["obj"].month for row in listed.context["rows"]} <= {f"2022-{m:02d}" for m in range(1, 10)}
    assert "计入“" in listed.content.decode()


# -- finding things ------------------------------------------------------------------------

def test_the_search_finds_returns_by_company_name_or_code(client_in):
    every = client_in.get("/ledgers/enterprise_month/").context["page"].paginator.count
    by_name = client_in.get("/ledgers/enterprise_month/", {"q": "企业2"}).context["page"].paginator.count
    by_code = client_in.get("/ledgers/enterprise_month/", {"q": data.uscc(1)[-8:]}).context["page"].paginator.count
    assert every == 47 and by_name == 23 and by_code == 24


def test_hazards_are_found_by_their_enterprise(client_in):
    rows = client_in.get("/ledgers/hazard/", {"q": "测试企业1"}).context["rows"]
    assert len(rows) == 2


def test_lookup_finds_enterprises_by_name_in_the_users_parks(client_in):
    results = client_in.get("/lookup/enterprise/", {"q": "测试企业"}).json()["results"]
    assert {r["value"] for r in results} == {data.uscc(1), data.uscc(2)}  # not OTH's enterprise 3
    assert results[0]["label"] == "测试企业1"
    inspections = client_in.get("/lookup/inspection/", {"q": "测试企业1"}).json()["results"]
    assert inspections == [{"value": "INS-0", "label": "测试企业1 2022-05-01 除险保安"}]
    assert client_in.get("/lookup/no_such/").status_code == 404
    # a kind nothing refers to by a code has no picker (was a FieldError)
    response = client_in.get("/lookup/enterprise_month/", {"q": "1"})
    assert (response.status_code, response.json()) == (404, {"results": []})


def test_a_wrong_reference_is_explained_in_plain_words(safety_client):
    response = safety_client.post("/ledgers/hazard/add/", {
        "inspection": "NOPE", "description": "x", "level": "general", "deadline": "2022-07-01",
    })
    message = response.context["form"].errors["inspection"][0]
    assert "没有找到这个安全检查：“NOPE”" in message and "选择一个有效的选项" not in message
    body = response.content.decode()
    assert 'data-lookup="/lookup/inspection/"' in body


# -- roles ---------------------------------------------------------------------------------

@pytest.fixture
def filer(client, dataset):
    """An enterprise user filing for 测试企业1."""
    from parkledger.accounts.models import Membership
    from tests.web.conftest import make_user

    user = make_user("filer", "enterprise", park=None)
    Membership.objects.create(user=user, enterprise_id=data.uscc(1))
    client.force_login(user)
    return client


def test_the_ledger_index_lists_only_ledgers_the_role_may_open(filer):
    kinds = [key for _h, kinds in filer.get("/ledgers/").context["visible_groups"] for key, _m in kinds]
    from parkledger.core.kinds import kind_models

    assert kinds and all(filer.get(f"/ledgers/{key}/").status_code == 200 for key in kinds)
    hidden = [key for key in kind_models() if key not in kinds]
    assert hidden and all(filer.get(f"/ledgers/{key}/").status_code == 403 for key in hidden)


def test_a_read_only_page_says_why_there_is_no_edit_button(client_in):
    from parkledger.governance.models import Hazard

    hazard = Hazard.objects.filter(inspection__uscc__park_id="ECO").first()
    response = client_in.get(f"/ledgers/hazard/{hazard.pk}/")
    assert response.context["can_change"] is False
    assert "没有“编辑”按钮" in response.content.decode()


def test_the_enterprise_user_sees_his_enterprise_and_files_for_it(filer):
    index = filer.get("/enterprises/")
    assert [e.uscc for e in index.context["page"].object_list] == [data.uscc(1)]
    assert filer.get(f"/enterprises/{data.uscc(1)}/").status_code == 200
    assert filer.get(f"/enterprises/{data.uscc(2)}/").status_code == 404
    form = filer.get("/ledgers/enterprise_month/add/").context["form"]
    assert form.fields["uscc"].disabled and form.initial["uscc"] == data.uscc(1)
    # his last return (2022-12) is 规上: the new one starts so, for the month after it
    assert form.initial["above_scale"] is True and form.initial["month"] == "2023-01"
    # a posted other enterprise is ignored: the locked field keeps his own
    filer.post("/ledgers/enterprise_month/add/", {"uscc": data.uscc(2), "month": "2023-01", "above_scale": "on",
                                                  "output_value": "10"})
    from parkledger.core.models import EnterpriseMonth

    assert EnterpriseMonth.objects.filter(month="2023-01").values_list("uscc_id", flat=True).get() == data.uscc(1)


# -- issuing -------------------------------------------------------------------------------

def test_issuing_numbers_versions_refuses_a_twin_and_archives_on_its_own_page(client_in):
    from datetime import timedelta

    from parkledger.reports.models import IssuedReport

    page = client_in.get("/reports/").content.decode()
    assert "data-confirm=" in page and "将归档为第1版" in page
    first = client_in.post("/reports/issue/")
    issued = IssuedReport.objects.get()
    assert (issued.version, issued.number) == (1, "ECO-202209-01")
    assert first["Location"] == f"/reports/archive/{issued.pk}/"
    # the same report again within a minute: refused, pointing at the first
    again = client_in.post("/reports/issue/")
    assert IssuedReport.objects.count() == 1 and again["Location"] == f"/reports/archive/{issued.pk}/"
    assert "未重复签发" in client_in.get(again["Location"]).content.decode()
    # a minute later it is a new version
    IssuedReport.objects.filter(pk=issued.pk).update(issued_at=issued.issued_at - timedelta(minutes=2))
    client_in.post("/reports/issue/")
    second = IssuedReport.objects.order_by("-pk").first()
    assert (second.version, second.number) == (2, "ECO-202209-02")
    detail = client_in.get(f"/reports/archive/{second.pk}/")
    text = visible_text(detail)
    assert "第2版" in text and "leader" in text and "签发时的指标" in text
    assert detail.context["figures"] and all(f["name"] for f in detail.context["figures"])
    archive = client_in.get("/reports/archive/")
    assert [r.version for r in archive.context["issued"]] == [2, 1]


def test_forms_offer_choices_in_words_not_dashes(client, dataset):
    from tests.web.conftest import make_user

    client.force_login(make_user("social", "social"))
    body = client.get("/ledgers/dispute/add/").content.decode()
    assert "---------" not in body and "请选择园区" in body


@pytest.mark.parametrize("query", [
    {"figure": "no.such"}, {"figure": "platform.count["}, {"figure": "["}, {"figure": "econ.output.yoy"},
    {"figure": "x" * 500}, {"q": "%"}, {"month_after": "2022-13"}, {"above_scale": "maybe"},
])
def test_odd_list_queries_never_fail(client_in, query):
    assert client_in.get("/ledgers/enterprise_month/", query).status_code == 200


@pytest.mark.parametrize("url", ["/lookup/enterprise/?q=" + "%" * 100, "/lookup/inspection/?q=2022-05",
                                 "/lookup/investment_project/?q=签约", "/reports/archive/999999/"])
def test_odd_lookups_are_answered(client_in, url):
    assert client_in.get(url).status_code in (200, 404)


def test_dated_ledgers_list_the_newest_first(client_in):
    from parkledger.investment.models import InvestmentProject

    InvestmentProject.objects.create(code="ECO-N", name="无日期项目", park_id="ECO")
    rows = client_in.get("/ledgers/petition/").context["rows"]
    received = [row["obj"].received_on for row in rows]
    assert received == sorted(received, reverse=True)
    projects = [row["obj"] for row in client_in.get("/ledgers/investment_project/").context["rows"]]
    assert projects[-1].name == "无日期项目"  # undated last, on SQLite and PostgreSQL alike
