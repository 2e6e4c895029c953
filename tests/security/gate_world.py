"""The world of the write-gate tests, and helpers to write through every path and see what changed.

- `build()`: the web tests' dataset with two rounds: ECO holds 测试企业1 (`uscc(1)`, the demo's
  `qiye` files for it) and 测试企业4, its sub-park ECO-CEE 测试企业2 and 5, OTH 测试企业3 and 6;
  every enterprise has monthly returns for 2021–2022 (工业总产值 1000), inspections with hazards.
- `person(username, role, park=…, enterprise=…)`: a user as after his first login (no password
  change pending), with one role and one membership (`park=None`: none).
- `xlsx(sheets)`, `web_import(client, content)`: a workbook; its preview, then (when the preview
  gave a token) its apply.
- `fingerprint(*kinds)`: the rows of the ledger tables, to assert that a refused write changed nothing.
- `last_seq()`, `denials_since(seq)`: the refusals the audit log holds since a point (those of a
  rolled-back import too: the audit log writes them after the rollback).
"""
from __future__ import annotations

import io

import openpyxl
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parkledger.accounts.models import Membership, RoleAssignment, SecurityProfile
from parkledger.audit.models import AuditEntry
from parkledger.core.kinds import kind_models
from tests.web import data
from tests.web.data import uscc

__all__ = ["build", "person", "xlsx", "upload", "web_import", "issues", "fingerprint", "last_seq", "denials_since",
           "uscc", "PASSWORD", "XLSX"]

PASSWORD = "Gate-Pass-2022"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build() -> data.Dataset:
    return data.build(2)


def person(username: str, role: str | None, *, park: str | None = "ECO", enterprise: str | None = None, **flags):
    """A user with one role and one membership (`enterprise`: an enterprise user's own firm)."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, **flags)
    SecurityProfile.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False})
    if role:
        RoleAssignment.objects.create(user=user, role=role)
    if enterprise:
        Membership.objects.create(user=user, enterprise_id=enterprise)
    elif park:
        Membership.objects.create(user=user, park_id=park)
    return user


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook: sheet name → rows (the first is the header)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "ledgers.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def web_import(client, content: bytes):
    """(preview, applied): the preview's response, and the apply's when the preview offered it."""
    preview = client.post("/import/", {"file": upload(content)})
    token = preview.context.get("token") if preview.status_code == 200 and preview.context else ""
    applied = client.post("/import/apply/", {"token": token}) if token else None
    return preview, applied


def issues(response) -> list[str]:
    """The import page's issues as the importer's lines (`sheet, row, column: reason`)."""
    return [str(issue) for issue in response.context["result"].issues]


def fingerprint(*kinds: str) -> dict[str, list[tuple]]:
    """Every row of the kinds' tables (every ledger without kinds)."""
    models = kind_models()
    return {kind: list(models[kind]._base_manager.order_by("pk").values_list()) for kind in kinds or models}


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def denials_since(seq: int) -> list[AuditEntry]:
    """The refusals (`perm_denied`, denied) logged after entry `seq`, oldest first."""
    return list(AuditEntry.objects.filter(seq__gt=seq, action="perm_denied", result="denied").order_by("seq"))
