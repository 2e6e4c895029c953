"""/healthz: 200 with every check up, 503 naming what is down; no login; nothing else revealed."""
from __future__ import annotations

import pytest

from parkledger.jobs import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_up(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PARKLEDGER_MIN_FREE_MB = 1
    health.beat("test-worker")
    monkeypatch.setitem(health.CHECKS, "pdf_converter", lambda: True)


def test_all_up_is_200_without_login(client, all_up):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "disk": "ok", "worker": "ok",
                                                "pdf_converter": "ok"}}
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200  # monitors that only ask for the headers
    assert client.post("/healthz").status_code == 405


def test_what_is_down_is_named_with_503(client, all_up, monkeypatch, settings):
    monkeypatch.setitem(health.CHECKS, "pdf_converter", lambda: False)
    settings.PARKLEDGER_MIN_FREE_MB = 10 ** 12  # more than any disk
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["down"] == ["disk", "pdf_converter"]
    assert body["checks"]["database"] == "ok"


def test_a_worker_without_a_fresh_heartbeat_is_down(client, all_up, settings):
    for beat_file in (settings.VAR_DIR / "run").glob("*.beat"):
        beat_file.unlink()
    assert client.get("/healthz").json()["down"] == ["worker"]
    health.beat("another")
    assert health.worker_alive() and not health.worker_alive(exclude="another")


def test_pending_migrations_are_down(client, all_up, monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)
    monkeypatch.setattr(health, "pending_migrations", lambda: ["jobs.0099_future"])
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["down"] == ["migrations"]
    assert "0099" not in response.content.decode()


def test_a_user_held_at_the_password_gate_still_gets_healthz(client, all_up, django_user_model):
    from parkledger.accounts.models import SecurityProfile

    user = django_user_model.objects.create_user("expired", password="Old-Pass-2020")
    SecurityProfile.objects.update_or_create(user=user, defaults={"must_change_password": True})
    client.force_login(user)
    assert client.get("/").status_code == 302
    assert client.get("/healthz").status_code == 200


def test_the_converter_check_connects_to_its_port(settings):
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        settings.PARKLEDGER_UNOSERVER = f"127.0.0.1:{server.getsockname()[1]}"
        assert health.converter_alive()
    assert not health.converter_alive(timeout=0.2)
    settings.PARKLEDGER_UNOSERVER = ""
    assert not health.converter_alive()


def test_a_file_missing_from_the_manifest_is_linked_by_its_plain_name(tmp_path):
    import json

    from parkledger.jobs.static import StaticStorage

    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {"web/app.css": "web/app.0123456789ab.css"},
                                                           "version": "1.1"}))
    storage = StaticStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("web/app.css") == "/static/web/app.0123456789ab.css"
    assert storage.url("web/new.svg") == "/static/web/new.svg"
