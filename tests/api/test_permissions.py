"""The permission matrix over the API: every role × ledger kind × action, in the user's own park,
and nothing of another park (its records are 404, writes into it are refused)."""
from __future__ import annotations

import pytest

from parkledger.core.kinds import data_fields, kind_models
from tests.accounts.conftest import make_user
from tests.accounts.matrix import ROLES, expected
from tests.accounts.world import build_parks, build_records

from .conftest import api_client, token_client
from .samples import payload

pytestmark = pytest.mark.django_db

DENIED = 403
#: every action is tried on these (one or two kinds of each chapter); view and add on every kind
EVERY_ACTION_KINDS = {
    "park", "enterprise", "enterprise_month", "qualification", "platform", "gov_project", "inspection",
    "petition", "asset_filing", "party_activity", "target",
}


def user_for(role: str, world):
    if role == "enterprise":
        return make_user(f"u-{role}", role, enterprise=world["enterprise"].uscc)
    if role in ("sysadmin", "secadmin", "auditadmin"):
        return make_user(f"u-{role}", role)
    return make_user(f"u-{role}", role, park="ECO")


def new_payload(kind: str, world, n: int) -> dict:
    data = payload(kind, n, world)
    if kind == "park":
        data["parent"] = "ECO"  # a sub-park of the user's park (a new top-level park would be outside it)
    for field in data_fields(kind_models()[kind]):
        if field.one_to_one:  # one record per enterprise: a fresh enterprise would need its own rights
            data.pop(field.name, None)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_the_api_follows_the_matrix(role):
    build_parks()
    world = build_records("ECO", "E")
    client = api_client(user_for(role, world))
    mismatches = []

    def check(kind, action, response, ok_codes):
        allowed = expected(role, kind, action)
        got_allowed = response.status_code in ok_codes
        if got_allowed != allowed or (not allowed and response.status_code not in (DENIED, 404)):
            mismatches.append((kind, action, response.status_code, response.content[:200]))

    for kind in kind_models():
        obj = world[kind]
        base = f"/api/{kind}/"
        check(kind, "view", client.get(f"{base}{obj.pk}/"), {200})
        if any(f.one_to_one for f in data_fields(kind_models()[kind])):
            continue  # union: one per enterprise, and the world's enterprise already has one
        created = client.post(base, new_payload(kind, world, 2), format="json")
        check(kind, "add", created, {201})
        if kind not in EVERY_ACTION_KINDS:
            continue
        # the created record (valid by construction) when there is one, else the world's
        target = created.json()["id"] if created.status_code == 201 else obj.pk
        check(kind, "change", client.patch(f"{base}{target}/", {}, format="json"), {200})
        check(kind, "export", client.get(f"{base}export/", {"fmt": "csv"}), {200})
        check(kind, "import", client.post(f"{base}bulk/", {"rows": [new_payload(kind, world, 3)], "dry_run": True},
                                          format="json"), {200})
        check(kind, "delete", client.delete(f"{base}{target}/"), {204})
    assert not mismatches, mismatches


def test_another_parks_records_are_404_and_cannot_be_written_into():
    build_parks()
    eco = build_records("ECO", "E", number=1)
    oth = build_records("OTH", "O", number=2)
    client = token_client(make_user("clerk", "economy", park="ECO"))
    for kind in ("enterprise", "qualification", "patent", "disbursement", "support_package"):
        assert client.get(f"/api/{kind}/{oth[kind].pk}/").status_code == 404
        assert client.patch(f"/api/{kind}/{oth[kind].pk}/", {}, format="json").status_code == 404
        assert client.delete(f"/api/{kind}/{oth[kind].pk}/").status_code == 404
        listed = client.get(f"/api/{kind}/").json()
        assert [row["id"] for row in listed["results"]] == [eco[kind].pk]
    # a new record in park OTH, or referring to OTH's enterprise: "not found" on the deciding field
    data = payload("enterprise", 5, {**eco, "park": oth["park"]})
    response = client.post("/api/enterprise/", data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "park"
    data = payload("patent", 5, {**eco, "enterprise": oth["enterprise"]})
    response = client.post("/api/patent/", data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "uscc"
    # moving an own record into the other park is refused as well
    response = client.patch(f"/api/enterprise/{eco['enterprise'].pk}/", {"park": "OTH"}, format="json")
    assert response.status_code == 400


def test_a_sub_parks_records_are_visible_from_its_parent():
    build_parks()
    cee = build_records("ECO-CEE", "C", number=3)
    client = token_client(make_user("clerk", "economy", park="ECO"))
    assert client.get(f"/api/enterprise/{cee['enterprise'].pk}/").status_code == 200
    assert client.get("/api/enterprise/", {"park": "ECO"}).json()["count"] == 1


def test_the_audit_log_is_for_the_audit_administrator_only():
    build_parks()
    build_records("ECO", "E")
    for role in ROLES:
        user = user_for(role, {"enterprise": None}) if role != "enterprise" else make_user("ent", role)
        response = api_client(user).get("/api/audit/")
        assert response.status_code == (200 if role == "auditadmin" else 403), role
    auditor = api_client(make_user("aud2", "auditadmin"))
    body = auditor.get("/api/audit/", {"action": "create", "object_kind": "enterprise"}).json()
    assert body["count"] >= 1
    assert {row["action"] for row in body["results"]} == {"create"}
    assert auditor.get("/api/audit/", {"action": "nope"}).status_code == 400
    assert auditor.get("/api/audit/", {"date_from": "2022/01/01"}).status_code == 400


def test_refused_requests_are_audited():
    from parkledger.audit.models import AuditEntry

    build_parks()
    world = build_records("ECO", "E")
    leader = make_user("boss", "leader", park="ECO")
    response = token_client(leader).delete(f"/api/enterprise/{world['enterprise'].pk}/")
    assert response.status_code == 403
    entry = AuditEntry.objects.filter(action="perm_denied").latest("seq")
    assert entry.username == "boss" and entry.result == "denied"
    assert entry.detail["attempted"] == f"api DELETE /api/enterprise/{world['enterprise'].pk}/"


def test_api_writes_are_audited_as_the_tokens_user():
    from parkledger.audit.models import AuditEntry

    build_parks()
    world = build_records("ECO", "E")
    clerk = make_user("clerk", "economy", park="ECO")
    response = token_client(clerk).patch(f"/api/enterprise/{world['enterprise'].pk}/", {"name": "新名称"},
                                         format="json")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="change", object_kind="enterprise").latest("seq")
    assert entry.username == "clerk"
    assert entry.after["name"] == "新名称" and entry.before["name"] != "新名称"
