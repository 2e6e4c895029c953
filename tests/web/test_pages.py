"""Every page renders for the small dataset, and bad query strings never make the server fail."""
from __future__ import annotations

import re

import pytest

from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

PAGES = [
    "/", "/ledgers/", "/enterprises/", "/figures/", "/figures/explain/?key=econ.output", "/import/",
]


@pytest.fixture
def boss_client(client, dataset):
    client.force_login(make_user("boss", "", park=None, is_superuser=True, is_staff=True))
    client.get("/", {"park": "ECO", "period": "2022-09"})
    return client


PAGE_HEADINGS = {  # the page's <title> and its <h1>
    "/": ("首页 · 园区台账", "宁波前湾新区生态园 · 2022年1-9月"),
    "/ledgers/": ("台账 · 园区台账", "台账"),
    "/enterprises/": ("一企一档 · 园区台账", "一企一档"),
    "/figures/": ("指标 · 园区台账", "宁波前湾新区生态园 · 2022年1-9月 指标"),
    "/figures/explain/?key=econ.output": ("工业总产值 · 指标来源 · 园区台账", "工业总产值"),
    "/import/": ("数据导入 · 园区台账", "数据导入"),
}


def _title_and_heading(response) -> tuple[str, str]:
    text = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    return (title.group(1).strip() if title else "", heading.group(1).strip() if heading else "")


def test_every_page_renders_for_the_dataset(boss_client):
    assert set(PAGE_HEADINGS) == set(PAGES)
    for url in PAGES:
        response = boss_client.get(url)
        assert response.status_code == 200, url
        assert _title_and_heading(response) == PAGE_HEADINGS[url], url
    ent = Enterprise.objects.filter(park_id="ECO").order_by("uscc").first()
    response = boss_client.get(f"/enterprises/{ent.uscc}/")
    assert response.status_code == 200
    assert _title_and_heading(response)[1] == ent.name


def test_every_ledger_lists_adds_and_shows_its_records(boss_client):
    for kind, model in kind_models().items():
        listing = boss_client.get(f"/ledgers/{kind}/")
        assert listing.status_code == 200, kind
        assert _title_and_heading(listing)[1] == str(model._meta.verbose_name_plural), kind
        adding = boss_client.get(f"/ledgers/{kind}/add/")
        assert adding.status_code == 200, kind
        assert _title_and_heading(adding)[1] == f"新增{model._meta.verbose_name}", kind
        obj = model.objects.first()
        if obj is not None:
            assert f'href="/ledgers/{kind}/{obj.pk}/"' in listing.content.decode(), kind  # a known row
            detail = boss_client.get(f"/ledgers/{kind}/{obj.pk}/")
            assert detail.status_code == 200, kind
            assert f'href="/ledgers/{kind}/{obj.pk}/edit/"' in detail.content.decode(), kind
            edit = boss_client.get(f"/ledgers/{kind}/{obj.pk}/edit/")
            assert edit.status_code == 200, kind
            assert edit.context["form"].instance.pk == obj.pk, kind


@pytest.mark.parametrize("query", [
    "period=2022-13", "period=9999-99&park=NOPE", "park=NOPE", "park=", "period=",
    "period=2022-9", "page=abc", "page=-5", "page=99999", "ordering=nonsense", "ordering=-deadline,zzz",
    "deadline_after=not-a-date", "preset=nope", "preset=over60", "q=%27%3B--", "export=csv",
])
def test_bad_query_strings_never_fail(client_in, query):
    for url in ("/", "/ledgers/hazard/", "/ledgers/petition/", "/enterprises/", "/figures/"):
        response = client_in.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)


def test_a_bad_park_or_period_is_ignored_with_a_warning(client_in):
    response = client_in.get("/", {"park": "NOPE", "period": "2022-13"})
    text = response.content.decode()
    assert "园区“NOPE”不存在或无权查看" in text
    assert "期间“2022-13”应为YYYY-MM格式" in text
    # the earlier choice stays
    assert response.context["sel"].park_code == "ECO"
    assert response.context["sel"].period.key == "2022-09"


def test_the_selection_is_kept_in_the_session(client_in):
    client_in.get("/ledgers/", {"period": "2021-06"})
    assert client_in.get("/figures/").context["sel"].period.key == "2021-06"


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/figures/explain/", 400, "请指定园区和指标。"),
    ("/figures/explain/?key=no.such.key", 404, "未知指标：no.such.key"),
    # a bad period keeps the earlier choice, with a warning, and shows the figure
    ("/figures/explain/?key=econ.output&period=2022-13", 200, "期间“2022-13”应为YYYY-MM格式，已保留原选择。"),
    ("/ledgers/no_such_kind/", 404, ""),
    ("/ledgers/hazard/999999/", 404, ""),
    ("/enterprises/NOPE/", 404, ""),
])
def test_unknown_things_are_client_errors(client_in, url, status, message):
    response = client_in.get(url)
    assert response.status_code == status
    assert message in response.content.decode()


def test_pages_need_a_login(client, dataset):
    for url in PAGES + ["/ledgers/hazard/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_english_labels(client_in):
    client_in.cookies["django_language"] = "en"
    text = client_in.get("/ledgers/hazard/").content.decode()
    assert "Ledgers" in text and "Export to Excel" in text
