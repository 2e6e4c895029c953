"""A file past the upload limit is never spooled whole to disk, and the user gets the size message.

Real multipart requests through Django's parser; the temporary-file handler is watched to see what
reaches the disk.
"""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client

from parkledger.web.upload_limit import ENVELOPE_BYTES

pytestmark = pytest.mark.django_db

LIMIT = 100_000


class Disk:
    """What the temporary-file handler was given: files opened and bytes written."""

    def __init__(self) -> None:
        self.opened = 0
        self.written = 0


@pytest.fixture
def disk(monkeypatch, settings, tmp_path) -> Disk:
    seen = Disk()
    new_file, receive = TemporaryFileUploadHandler.new_file, TemporaryFileUploadHandler.receive_data_chunk

    def counting_new_file(self, *args, **kwargs):
        seen.opened += 1
        return new_file(self, *args, **kwargs)

    def counting_receive(self, raw_data, start):
        seen.written += len(raw_data)
        return receive(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", counting_new_file)
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting_receive)
    settings.PARKLEDGER_MAX_UPLOAD_BYTES = LIMIT
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1_000  # every test upload goes through a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()
    settings.VAR_DIR = tmp_path
    return seen


def _boss(client: Client) -> Client:
    from tests.web import data
    from tests.web.conftest import make_user

    data.build(1)
    client.force_login(make_user("boss", "", park=None, is_superuser=True, is_staff=True))
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    return client


def _csv(size: int) -> SimpleUploadedFile:
    head = b"code,name\n"
    return SimpleUploadedFile("big.csv", head + b"x" * (size - len(head)), content_type="text/csv")


def _message(size: int) -> str:
    return f"文件过大（{size} 字节），上限 {LIMIT} 字节"


def test_a_request_longer_than_the_limit_writes_nothing(client, disk, tmp_path):
    size = LIMIT + ENVELOPE_BYTES + 50_000
    response = _boss(client).post("/import/", {"file": _csv(size)})
    assert response.status_code == 200
    assert _message(size) in response.content.decode()
    assert disk.opened == 0 and disk.written == 0
    assert not list((tmp_path / "spool").iterdir())
    assert not list((tmp_path / "uploads").rglob("*.csv"))


def test_a_file_just_past_the_limit_stops_at_the_limit_and_its_part_is_deleted(client, disk, tmp_path):
    size = LIMIT + 10_000  # the request's length alone does not tell
    response = _boss(client).post("/import/", {"file": _csv(size)})
    assert response.status_code == 200
    assert _message(size) in response.content.decode()
    assert disk.opened == 1 and 0 < disk.written <= LIMIT
    assert not list((tmp_path / "spool").iterdir())
    assert not list((tmp_path / "uploads").rglob("*.csv"))


def test_a_file_within_the_limit_is_received_whole(client, disk, tmp_path):
    size = LIMIT - 1_000
    response = _boss(client).post("/import/", {"file": _csv(size)})
    assert response.status_code in (200, 302)
    assert "文件过大" not in response.content.decode()
    # kept for its column mapping (not the template's format), whole
    (stored,) = (tmp_path / "uploads").rglob("*.csv")
    assert stored.stat().st_size == size and disk.written == size


def test_the_form_fields_after_the_refused_file_still_arrive(disk, tmp_path):
    """The CSRF token sent after the file: the page with the message, not a CSRF refusal."""
    client = _boss(Client(enforce_csrf_checks=True))
    client.get("/import/")
    token = client.cookies["csrftoken"].value
    size = LIMIT + ENVELOPE_BYTES + 1
    response = client.post("/import/", {"file": _csv(size), "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert _message(size) in response.content.decode()
    assert disk.written == 0


def test_the_learning_page_refuses_it_with_its_own_message(client, disk):
    size = LIMIT + ENVELOPE_BYTES + 1
    response = _boss(client).post("/reports/learn/", {"file": _csv(size)})
    assert response.status_code == 400
    assert "文件太大" in response.content.decode()
    assert disk.written == 0
