"""Create, read, update, list and delete through the API, for every ledger kind."""
from __future__ import annotations

import pytest
from django.db import models

from parkledger.core.kinds import data_fields, kind_models

from .samples import create_from_payload, make_world, optional_value, payload

pytestmark = pytest.mark.django_db

KINDS = list(kind_models())


def field_keys(kind: str) -> set[str]:
    return {"id"} | {fld.name for fld in data_fields(kind_models()[kind])}


@pytest.mark.parametrize("kind", KINDS)
def test_it_creates_reads_updates_lists_and_deletes(client, kind):
    world = make_world()
    data = payload(kind, 2, world)
    for field in data_fields(kind_models()[kind]):
        if isinstance(field, models.OneToOneField):  # one record per target: refer to a fresh one
            target_kind = field.related_model.kind_key
            target = create_from_payload(target_kind, payload(target_kind, 2, world))
            data[field.name] = getattr(target, field.target_field.attname)

    created = client.post(f"/api/{kind}/", data, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) == field_keys(kind)  # exactly the spec's keys, references by their codes
    for key, value in data.items():
        assert body[key] == value, key
    pk = body["id"]
    assert kind_models()[kind].objects.filter(pk=pk).exists()

    read = client.get(f"/api/{kind}/{pk}/")
    assert read.status_code == 200
    assert read.json() == body

    change = optional_value(kind, data)
    if change:
        key, value = change
        patched = client.patch(f"/api/{kind}/{pk}/", {key: value}, format="json")
        assert patched.status_code == 200, patched.json()
        assert patched.json()[key] == value
        assert client.get(f"/api/{kind}/{pk}/").json()[key] == value

    replaced = client.put(f"/api/{kind}/{pk}/", data, format="json")
    assert replaced.status_code == 200, replaced.json()
    if change:  # a full update leaves out the optional field: it is emptied
        assert replaced.json()[change[0]] in (None, "")

    listed = client.get(f"/api/{kind}/")
    assert listed.status_code == 200
    page = listed.json()
    assert page["count"] == 2  # the world's record and the new one
    assert {row["id"] for row in page["results"]} == {world[kind].pk, pk}

    deleted = client.delete(f"/api/{kind}/{pk}/")
    assert deleted.status_code == 204
    assert client.get(f"/api/{kind}/{pk}/").status_code == 404
    assert not kind_models()[kind].objects.filter(pk=pk).exists()
