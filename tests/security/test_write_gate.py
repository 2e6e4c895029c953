"""The write gate: the attacks that got through before it, and the permission matrix over every write path.

Each attack of issue 11 (item 1) is replayed as the demo users would: the enterprise user
(`qiye`), the safety department (`anquan`), the system and audit administrators and a clerk
without a park membership, through the web import, the web forms, the API (single and bulk),
the admin and the command line. A refused write changes nothing and is audited.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from parkledger.accounts.permissions import holds_admin_role
from parkledger.api.serializers import serializer_for
from parkledger.api.tokens import token_create
from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.governance.models import Hazard, Inspection
from tests.accounts.matrix import expected
from tests.security.gate_world import (
    build,
    denials_since,
    fingerprint,
    issues,
    last_seq,
    person,
    uscc,
    web_import,
    xlsx,
)

pytestmark = pytest.mark.django_db

OTHER_FIRM = uscc(4)  # 测试企业4, in ECO beside qiye's 测试企业1
OTH_FIRM = uscc(3)  # 测试企业3, in park OTH


@pytest.fixture
def world(db):
    return build()


def month_value(firm: str, month: str = "2022-10") -> Decimal:
    return EnterpriseMonth.objects.get(uscc_id=firm, month=month).output_value


def logged_in(client, user):
    client.force_login(user)
    client.get("/")  # the selection: the user's first park
    return client


def api_for(user) -> APIClient:
    """A token client; the three administrators get no token: their web session."""
    client = APIClient()
    if holds_admin_role(user):
        client.force_login(user)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=user, days=1)[1]}")
    return client


# -- the attacks of the issue, through the web import --------------------------------------------------------

ATTACK_SHEETS = {
    "another firm's 2022-10 工业总产值": {"enterprise_month": [["uscc", "month", "output_value"],
                                                          [OTHER_FIRM, "2022-10", "999.99"]]},
    "renaming another enterprise": {"企业": [["uscc", "name"], [OTHER_FIRM, "被改名企业"]]},
    "renaming a park": {"park": [["code", "name"], ["ECO", "被改名园区"]]},
}


@pytest.mark.parametrize("attack", sorted(ATTACK_SHEETS))
def test_an_enterprise_user_imports_nothing(client, world, attack):
    qiye = person("qiye", "enterprise", enterprise=uscc(1))
    logged_in(client, qiye)
    before, seq = fingerprint(), last_seq()
    preview, applied = web_import(client, xlsx(ATTACK_SHEETS[attack]))
    forged = client.post("/import/apply/", {"token": "0" * 32})
    assert preview.status_code == 403 and applied is None and forged.status_code == 403
    assert "无权导入数据" in preview.content.decode()
    assert fingerprint() == before
    assert month_value(OTHER_FIRM) == Decimal("1000")
    entries = denials_since(seq)
    assert len(entries) == 2 and {e.username for e in entries} == {"qiye"}
    assert entries[0].detail["reason"].startswith("无权导入数据：企业用户只能填报本企业的")
    assert entries[0].detail["path"] == "/import/"


def test_the_safety_department_cannot_overwrite_a_monthly_return(client, world):
    anquan = person("anquan", "safety_env")
    logged_in(client, anquan)
    before, seq = fingerprint(), last_seq()
    sheet = {"enterprise_month": [["uscc", "month", "output_value"], [uscc(1), "2022-10", "999.99"]]}
    preview, applied = web_import(client, xlsx(sheet))
    assert preview.status_code == 200 and applied is None
    assert issues(preview) == ["enterprise_month, 2, uscc: 无权导入企业月报：安全/环保不负责这类台账"]
    assert preview.context["token"] == "" and "没有写入任何记录" in preview.content.decode()
    assert fingerprint() == before
    # the refusal is logged, although the import's transaction rolled back
    [entry] = denials_since(seq)
    assert (entry.username, entry.object_kind, entry.detail["via"]) == ("anquan", "enterprise_month", "import")
    assert entry.detail["reason"] == "无权导入企业月报：安全/环保不负责这类台账"
    # his own ledger he still imports
    hazard = {"hazard": [["inspection", "description", "level", "deadline"], ["INS-0", "配电箱无盖板", "general",
                                                                              "2022-07-01"]]}
    preview, applied = web_import(client, xlsx(hazard))
    assert applied is not None and applied.status_code == 302
    assert Hazard.objects.filter(description="配电箱无盖板").exists()


def test_a_mixed_file_applies_nothing_when_one_row_is_refused(client, world):
    anquan = person("anquan", "safety_env")
    logged_in(client, anquan)
    before = fingerprint()
    content = xlsx({
        "hazard": [["inspection", "description", "level", "deadline"], ["INS-0", "楼梯间堆放杂物", "general", "2022-07-01"]],
        "enterprise_month": [["uscc", "month", "output_value"], [uscc(1), "2022-10", "1"], [uscc(4), "2022-10", "2"]],
    })
    preview, applied = web_import(client, content)
    assert applied is None
    assert [line.split(":")[0] for line in issues(preview)] == ["enterprise_month, 2, uscc", "enterprise_month, 3, uscc"]
    assert fingerprint() == before


ADMINS_AND_STRAYS = [("sysadmin", None), ("auditadmin", None), ("secadmin", None), ("economy", None)]


@pytest.mark.parametrize("role,park", ADMINS_AND_STRAYS)
def test_administrators_and_users_without_a_park_write_no_ledger(client, world, role, park):
    """The three administrators, and a department clerk whose membership was never granted."""
    user = person("stray", role, park=park)
    logged_in(client, user)
    api = api_for(user)
    before, seq = fingerprint(), last_seq()
    petition = {"code": "XF-NEW", "park": "OTH", "source": "public", "subject": "噪声", "received_on": "2022-05-01"}
    preview, _applied = web_import(client, xlsx({"enterprise_month": [["uscc", "month", "output_value"],
                                                                      [OTH_FIRM, "2022-10", "999.99"]]}))
    form = client.post("/ledgers/petition/add/", {**petition, "outcome": "pending"})
    single = api.post("/api/petition/", petition, format="json")
    bulk = api.post("/api/petition/bulk/", {"rows": [petition]}, format="json")
    target = EnterpriseMonth.objects.get(uscc_id=OTH_FIRM, month="2022-10")
    patch = api.patch(f"/api/enterprise_month/{target.pk}/", {"output_value": "999.99"}, format="json")
    assert [r.status_code for r in (preview, form, single, bulk, patch)] == [403] * 5
    assert fingerprint() == before
    entries = denials_since(seq)
    assert len(entries) == 5 and {e.username for e in entries} == {"stray"}  # each attempt
    reasons = [e.detail.get("reason", "") for e in entries]
    assert all(reason.startswith("无权") for reason in reasons), reasons


def test_a_clerk_imports_into_his_park_only(client, world):
    """Through the API's bulk endpoint (no selected park narrows it): another park's enterprise reads as
    one that does not exist, a stored record of another park cannot be taken over by its natural key."""
    stats = person("tongji", "statistician")
    api = api_for(stats)
    before = fingerprint()
    other = api.post("/api/enterprise_month/bulk/", {"rows": [
        {"uscc": OTH_FIRM, "month": "2022-10", "output_value": "999.99"}]}, format="json")
    nowhere = api.post("/api/enterprise_month/bulk/", {"rows": [
        {"uscc": uscc(99), "month": "2022-10", "output_value": "999.99"}]}, format="json")
    assert other.status_code == nowhere.status_code == 400
    [error] = other.json()["errors"]
    assert error["field"] == "rows[0].uscc" and error["message"] == f"企业“{OTH_FIRM}”不存在或不在您的权限范围内"
    assert nowhere.json()["errors"] == [{**error, "message": f"企业“{uscc(99)}”不存在或不在您的权限范围内"}]
    economy = api_for(person("jingji", "economy"))
    steal = economy.post("/api/enterprise/bulk/", {"rows": [
        {"uscc": OTH_FIRM, "name": "被改名", "park": "ECO", "registered_on": "2015-01-01"}]}, format="json")
    assert steal.status_code == 400
    assert steal.json()["errors"] == [{"field": "rows[0].park", "code": "invalid",
                                       "message": "无权修改企业：这条记录不在您的权限范围内"}]
    assert fingerprint() == before
    # his own park's rows go in
    own = api.post("/api/enterprise_month/bulk/", {"rows": [
        {"uscc": uscc(1), "month": "2022-10", "output_value": "999.99"}]}, format="json")
    assert own.status_code == 200 and own.json()["updated"] == 1
    assert month_value(uscc(1)) == Decimal("999.99")


def test_a_sub_park_member_cannot_rename_or_reparent_the_parent(world):
    api = api_for(person("cee", "economy", park="ECO-CEE"))
    before = fingerprint("park")
    rename = api.post("/api/park/bulk/", {"rows": [{"code": "ECO", "name": "被改名园区"}]}, format="json")
    assert rename.status_code == 400 and rename.json()["errors"][0]["message"].startswith("无权修改园区")
    reparent = api.patch(f"/api/park/{Park.objects.get(code='ECO-CEE').pk}/", {"parent": "OTH"}, format="json")
    assert reparent.status_code == 400
    assert reparent.json()["errors"] == [{"field": "parent", "code": "invalid",
                                          "message": "园区“OTH”不存在或不在您的权限范围内"}]
    top = api.patch(f"/api/park/{Park.objects.get(code='ECO-CEE').pk}/", {"parent": None}, format="json")
    assert top.status_code == 403 and "新的园区须设在您的园区之下" in top.json()["errors"][0]["message"]
    assert fingerprint("park") == before
    assert api.patch(f"/api/park/{Park.objects.get(code='ECO-CEE').pk}/", {"name": "中东欧园"},
                     format="json").status_code == 200


def test_api_refusals_do_not_tell_whether_another_parks_record_exists(world):
    stats = api_for(person("tongji", "statistician"))
    record = EnterpriseMonth.objects.get(uscc_id=OTH_FIRM, month="2022-10")
    missing = EnterpriseMonth.objects.order_by("-pk").first().pk + 1000
    for method in ("get", "patch", "put", "delete"):
        there = getattr(stats, method)(f"/api/enterprise_month/{record.pk}/", {}, format="json")
        absent = getattr(stats, method)(f"/api/enterprise_month/{missing}/", {}, format="json")
        assert there.status_code == absent.status_code == 404, method
        assert there.json() == absent.json()
    made = stats.post("/api/enterprise_month/", {"uscc": OTH_FIRM, "month": "2023-01"}, format="json")
    nothing = stats.post("/api/enterprise_month/", {"uscc": uscc(99), "month": "2023-01"}, format="json")
    assert made.status_code == nothing.status_code == 400
    assert made.json()["errors"][0]["message"].replace(OTH_FIRM, "X") == \
        nothing.json()["errors"][0]["message"].replace(uscc(99), "X")


def test_an_enterprise_user_files_only_his_own_returns_in_the_form(client, world):
    qiye = person("qiye", "enterprise", enterprise=uscc(1))
    logged_in(client, qiye)
    # the form's enterprise is his own, whatever is posted
    client.post("/ledgers/enterprise_month/add/", {"uscc": OTHER_FIRM, "month": "2023-01", "output_value": "5"})
    assert not EnterpriseMonth.objects.filter(uscc_id=OTHER_FIRM, month="2023-01").exists()
    assert EnterpriseMonth.objects.get(uscc_id=uscc(1), month="2023-01").output_value == Decimal("5")
    theirs = EnterpriseMonth.objects.get(uscc_id=OTHER_FIRM, month="2022-10")
    assert client.post(f"/ledgers/enterprise_month/{theirs.pk}/edit/", {
        "uscc": OTHER_FIRM, "month": "2022-10", "output_value": "999.99"}).status_code == 404
    assert month_value(OTHER_FIRM) == Decimal("1000")


def test_the_command_line_imports_as_a_user(world, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "enterprise_month.csv").write_text(f"uscc,month,output_value\n{OTHER_FIRM},2022-10,999.99\n",
                                                 encoding="utf-8")
    person("qiye", "enterprise", enterprise=uscc(1))
    with pytest.raises(CommandError) as refused:
        call_command("import", str(folder), "--user", "qiye")
    assert refused.value.returncode == 2
    assert month_value(OTHER_FIRM) == Decimal("1000")
    with pytest.raises(CommandError):
        call_command("import", str(folder), "--user", "nobody")
    call_command("import", str(folder))  # the operator (the server's shell) imports anything
    assert month_value(OTHER_FIRM) == Decimal("999.99")


# -- Django admin -----------------------------------------------------------------------------------------------

def _staff(username: str, role: str | None, park: str | None = "ECO"):
    from django.contrib.auth.models import Permission

    user = person(username, role, park=park, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=("core", "governance")))
    return user


def test_the_admin_goes_through_the_gate(client, world):
    economy = _staff("jingji", "economy")
    client.force_login(economy)
    own = Enterprise.objects.get(uscc=uscc(1))
    theirs = Enterprise.objects.get(uscc=OTH_FIRM)
    url = "/admin/core/enterprise/"
    assert client.get(f"{url}{own.pk}/change/").status_code == 200
    listed = client.get(url)
    assert {obj.uscc for obj in listed.context["cl"].result_list} == {uscc(i) for i in (1, 2, 4, 5)}
    form = {"uscc": own.uscc, "name": "改名", "park": "ECO", "registered_on": "2015-01-01", "country": "CN",
            "land_area_mu": "20", "employees": "", "above_scale": "", "credit_code": ""}
    seq = last_seq()
    moved = client.post(f"{url}{own.pk}/change/", {**form, "park": "OTH"})
    other = client.post(f"{url}{theirs.pk}/change/", {**form, "uscc": theirs.uscc, "park": "OTH"})
    assert moved.status_code == 403 and other.status_code in (302, 404)
    assert Enterprise.objects.get(uscc=uscc(1)).park_id == "ECO" and theirs.name == Enterprise.objects.get(
        uscc=OTH_FIRM).name
    assert [e.detail["via"] for e in denials_since(seq)] == ["admin"]
    hazard = Hazard.objects.filter(inspection__uscc_id=uscc(1)).first()
    assert client.post(f"/admin/governance/hazard/{hazard.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Hazard.objects.filter(pk=hazard.pk).exists()
    # the system administrator, even a staff member with every model permission, writes nothing
    client.force_login(_staff("ops", "sysadmin", park=None))
    assert client.get(f"{url}{own.pk}/change/").status_code in (302, 404)
    assert client.post(f"{url}add/", {**form, "uscc": uscc(77)}).status_code == 403
    assert not Enterprise.objects.filter(uscc=uscc(77)).exists()


# -- the permission matrix over every write path ------------------------------------------------------------------

KINDS = ("enterprise", "enterprise_month", "hazard", "park")
PATHS = ("form_add", "form_edit", "form_delete", "import_add", "import_change",
         "api_add", "api_put", "api_patch", "api_delete", "bulk_add", "bulk_change")
ACTION_OF = {"form_add": "add", "form_edit": "change", "form_delete": "delete", "import_add": "import",
             "import_change": "import", "api_add": "add", "api_put": "change", "api_patch": "change",
             "api_delete": "delete", "bulk_add": "import", "bulk_change": "import"}
# who, role, membership (park, or the enterprise user's own firm)
ACTORS = {
    "jingji": ("economy", "ECO"), "anquan": ("safety_env", "ECO"), "tongji": ("statistician", "ECO"),
    "lingdao": ("leader", "ECO"), "qiye": ("enterprise", uscc(1)), "stray": ("economy", None),
    "sysadmin": ("sysadmin", None), "admin": ("", "*"),
}


def _new_values(kind: str, n: int, park: str) -> dict:
    """A new record of `kind` in `park` (ECO: of qiye's firm)."""
    firm = uscc(1) if park == "ECO" else OTH_FIRM
    return {
        "enterprise": {"uscc": uscc(50 + n), "name": f"新企业{n}", "park": park, "registered_on": "2020-01-01",
                       "country": "CN"},
        "enterprise_month": {"uscc": firm, "month": f"{2030 + n // 12}-{n % 12 + 1:02d}", "output_value": "5"},
        "hazard": {"inspection": Inspection.objects.get(uscc_id=firm).code, "description": f"新隐患{n}",
                   "level": "general", "deadline": "2022-07-01"},
        "park": {"code": f"{park}-N{n}", "name": f"新园区{n}", "parent": park},
    }[kind]


def _target(kind: str, park: str, n: int):
    """A stored record of `kind` in `park` (ECO: of qiye's firm) that nothing refers to (deletable)."""
    obj = _make_target(kind, park, n)
    return type(obj).objects.get(pk=obj.pk)


def _make_target(kind: str, park: str, n: int):
    firm = uscc(1) if park == "ECO" else OTH_FIRM
    if kind == "enterprise":
        return Enterprise.objects.create(uscc=uscc(100 + n), name="目标企业", park_id=park, registered_on="2015-01-01")
    if kind == "enterprise_month":
        return EnterpriseMonth.objects.create(uscc_id=firm, month=f"{2040 + n // 12}-{n % 12 + 1:02d}",
                                              output_value=Decimal("1"))
    if kind == "hazard":
        return Hazard.objects.create(inspection=Inspection.objects.get(uscc_id=firm), description=f"目标隐患{n}",
                                     deadline="2022-07-01")
    return Park.objects.create(code=f"{park}-T{n}", name="目标园区", parent_id=park)


CHANGED = {"enterprise": ("name", "已改名"), "enterprise_month": ("output_value", "999.99"),
           "hazard": ("description", "已改描述"), "park": ("name", "已改名")}


def _json(obj) -> dict:
    return {k: v for k, v in serializer_for(obj.kind_key)(obj).data.items() if k not in ("id", "created", "last_updated")}


def _form_data(obj) -> dict:
    return {key: ("" if value is None else value) for key, value in _json(obj).items() if not isinstance(value, bool)}


def _perform(path: str, kind: str, park: str, obj, web, api, n: int):
    """One write through `path`; returns a function telling whether it took effect."""
    model = kind_models()[kind]
    field, value = CHANGED[kind]
    if obj is None:
        values = _new_values(kind, n, park)
        if path == "form_add":
            web.post(f"/ledgers/{kind}/add/", values)
        elif path == "api_add":
            api.post(f"/api/{kind}/", values, format="json")
        elif path == "bulk_add":
            api.post(f"/api/{kind}/bulk/", {"rows": [values]}, format="json")
        else:
            web_import(web, xlsx({kind: [list(values), list(values.values())]}))
        key = {k: values[k] for k in ("uscc", "month", "description", "code") if k in values}
        return lambda: model.objects.filter(**key).exists()
    if path in ("form_delete", "api_delete"):
        if path == "form_delete":
            web.post(f"/ledgers/{kind}/{obj.pk}/delete/")
        else:
            api.delete(f"/api/{kind}/{obj.pk}/")
        return lambda: not model.objects.filter(pk=obj.pk).exists()
    if path == "form_edit":
        web.post(f"/ledgers/{kind}/{obj.pk}/edit/", {**_form_data(obj), field: value})
    elif path == "api_put":
        api.put(f"/api/{kind}/{obj.pk}/", {**_json(obj), field: value}, format="json")
    elif path == "api_patch":
        api.patch(f"/api/{kind}/{obj.pk}/", {field: value}, format="json")
    else:
        row = {k: v for k, v in _json(obj).items() if v is not None} | {field: value}
        if path == "bulk_change":
            api.post(f"/api/{kind}/bulk/", {"rows": [row]}, format="json")
        else:
            web_import(web, xlsx({kind: [list(row), list(row.values())]}))
    return lambda: str(getattr(model.objects.get(pk=obj.pk), field)).rstrip("0") == value.rstrip("0")


def _allowed(who: str, kind: str, action: str, park: str) -> bool:
    role, membership = ACTORS[who]
    if membership == "*":
        return True
    if park != "ECO" or membership is None:
        return False
    return expected(role, kind, action)


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_every_write_path_follows_the_matrix(client, world, who):
    """Each representative user × kind × write path, in his park (ECO) and in another (OTH): what
    the matrix allows takes effect, anything else changes nothing."""
    role, membership = ACTORS[who]
    if membership == "*":
        user = person(who, None, park=None, is_superuser=True, is_staff=True)
    elif role == "enterprise":
        user = person(who, role, enterprise=membership)
    else:
        user = person(who, role, park=membership)
    web = logged_in(client, user)
    api = api_for(user)
    wrong = []
    n = 0
    for park in ("ECO", "OTH"):
        web.get("/", {"park": park})  # the web import works in the selected park (kept when not his)
        for kind in KINDS:
            for path in PATHS:
                n += 1
                allowed = _allowed(who, kind, ACTION_OF[path], park)
                obj = None if path in ("form_add", "api_add", "import_add", "bulk_add") else _target(kind, park, n)
                before = fingerprint(kind)
                took_effect = _perform(path, kind, park, obj, web, api, n)
                done = took_effect()
                locked = role == "enterprise" and path == "form_add"  # his form files for his own firm only
                if done != allowed:
                    wrong.append((park, kind, path, "allowed" if allowed else "refused", "done" if done else "not done"))
                elif not done and not locked and fingerprint(kind) != before:
                    wrong.append((park, kind, path, "refused but changed"))
    assert wrong == [], wrong
