"""Every page renders for the small dataset, and bad query strings never make the server fail."""
from __future__ import annotations

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


def test_every_page_renders_for_the_dataset(boss_client):
    for url in PAGES:
        response = boss_client.get(url)
        assert response.status_code == 200, url
        assert b"<html" in response.content
    ent = Enterprise.objects.get(park_id="ECO")
    assert boss_client.get(f"/enterprises/{ent.uscc}/").status_code == 200


def test_every_ledger_lists_adds_and_shows_its_records(boss_client):
    for kind, model in kind_models().items():
        assert boss_client.get(f"/ledgers/{kind}/").status_code == 200, kind
        assert boss_client.get(f"/ledgers/{kind}/add/").status_code == 200, kind
        obj = model.objects.first()
        if obj is not None:
            assert boss_client.get(f"/ledgers/{kind}/{obj.pk}/").status_code == 200, kind
            assert boss_client.get(f"/ledgers/{kind}/{obj.pk}/edit/").status_code == 200, kind


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


@pytest.mark.parametrize("url", [
    "/figures/explain/", "/figures/explain/?key=no.such.key", "/figures/explain/?key=econ.output&period=2022-13",
    "/ledgers/no_such_kind/", "/ledgers/hazard/999999/", "/enterprises/NOPE/",
])
def test_unknown_things_are_client_errors(client_in, url):
    assert client_in.get(url).status_code in (200, 400, 404)


def test_pages_need_a_login(client, dataset):
    for url in PAGES + ["/ledgers/hazard/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_english_labels(client_in):
    client_in.cookies["django_language"] = "en"
    text = client_in.get("/ledgers/hazard/").content.decode()
    assert "Ledgers" in text and "Export to Excel" in text
