"""A batch's COPY left open while the next batch is read (PostgreSQL): the rows-written hooks see
the batch stored, and an import failing meanwhile leaves nothing and a usable connection."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from parkledger.audit.models import AuditEntry
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio import hooks, importing, kind_import
from parkledger.dataio.importing import import_path
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

USCCS = [make_uscc(f"91330281MA2H6{i:04d}") for i in range(4)]


@pytest.fixture
def copied_batches(db, monkeypatch):
    """Batches of 5 rows, every one of them written by COPY on PostgreSQL."""
    Park.objects.create(code="ECO", name="生态园")
    monkeypatch.setattr(kind_import, "BATCH_ROWS", 5)
    monkeypatch.setattr(importing, "COPY_THRESHOLD", 1)


def _file(tmp_path):
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    (d / "enterprise.csv").write_text("uscc,name,park,registered_on\n" + "".join(
        f"{u},企业{i},ECO,2020-01-01\n" for i, u in enumerate(USCCS)), encoding="utf-8")
    (d / "enterprise_month.csv").write_text("uscc,month,above_scale,output_value\n" + "".join(
        f"{u},2022-{m:02d},false,{i}.{m}\n" for i, u in enumerate(USCCS) for m in range(1, 7)), encoding="utf-8")
    return d


def test_the_hooks_of_a_batch_see_its_rows_stored(copied_batches, tmp_path, monkeypatch):
    seen: list[tuple[str, int, int]] = []

    def count_stored(model, changes):
        seen.append((model.kind_key, len(changes), model._default_manager.count()))

    monkeypatch.setattr(hooks, "_rows_written", [*hooks._rows_written, count_stored])
    end_write = importing.ImportContext.end_write
    left_open: list[bool] = []

    def spied_end_write(self):
        left_open.append(self.write_pending)
        end_write(self)

    monkeypatch.setattr(importing.ImportContext, "end_write", spied_end_write)
    result = import_path(_file(tmp_path))
    assert result.ok, result.issue_lines()
    assert any(left_open) == (connection.vendor == "postgresql")
    assert seen == [("enterprise", 4, 4), *(("enterprise_month", 5, n) for n in range(5, 21, 5)),
                    ("enterprise_month", 4, 24)]
    assert EnterpriseMonth.objects.count() == 24
    assert AuditEntry.objects.filter(object_kind="enterprise_month").count() == 24
    call_command("audit", "verify")


def test_a_failure_while_a_batch_is_stored_leaves_nothing(copied_batches, tmp_path, monkeypatch):
    read = kind_import.KindImport.read
    calls = {"n": 0}

    def failing_read(self, limit=None):
        if self.kind == "enterprise_month":
            calls["n"] += 1
            if calls["n"] == 3:  # batches 1 and 2 written, the second one's COPY maybe still open
                raise RuntimeError("the file went away")
        return read(self, limit)

    monkeypatch.setattr(kind_import.KindImport, "read", failing_read)
    abandon = importing.ImportContext.abandon_write
    abandoned: list[bool] = []

    def spied_abandon(self):
        abandoned.append(self.write_pending)
        abandon(self)

    monkeypatch.setattr(importing.ImportContext, "abandon_write", spied_abandon)
    with pytest.raises(RuntimeError):
        import_path(_file(tmp_path))
    assert abandoned == [connection.vendor == "postgresql"]  # the second batch's COPY was open
    assert not Enterprise.objects.exists() and not EnterpriseMonth.objects.exists()
    with connection.cursor() as cursor:  # the connection is usable
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    monkeypatch.setattr(kind_import.KindImport, "read", read)
    result = import_path(_file(tmp_path))
    assert result.ok, result.issue_lines()
    assert EnterpriseMonth.objects.count() == 24
    call_command("audit", "verify")
