"""Concurrent imports and closes of the same park, in threads with their own database connections.

Imports and `period close` take the same per-park lock first thing in their transaction, so:
two overlapping imports of the same rows run one after the other (the second sees the first's
rows as updates: audit create then change, nothing lost); a close waits for a running import;
an import that waited for a close refuses the just-closed month.

On SQLite the test database lives in memory (shared cache, where a second connection's write
fails at once instead of waiting); these tests copy it to a file for their duration, so every
thread has a connection of its own that waits on the database's write lock like a server's.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from parkledger.accounts.services import period_close
from parkledger.audit.models import AuditEntry
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio import hooks
from parkledger.dataio.importing import import_rows
from parkledger.indicators.engine import compute_figures
from parkledger.lib.uscc import make_uscc
from parkledger.periods import closing

pytestmark = pytest.mark.django_db(transaction=True)

ENTERPRISES = [make_uscc(f"91330281MA{n:07d}") for n in range(8101, 8121)]
MONTHS = ("2022-04", "2022-05", "2022-06")
WAIT = 20  # seconds a thread may wait for another before the test gives up


@pytest.fixture
def threaded_db(transactional_db, tmp_path):
    """The test database as every thread's connection sees it (a file copy on SQLite)."""
    conn = connection
    if conn.vendor != "sqlite" or not conn.is_in_memory_db():
        yield
        return
    conn.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    target = sqlite3.connect(path)
    conn.connection.backup(target)
    target.close()
    memory, name = conn.connection, conn.settings_dict["NAME"]
    conn.connection = None
    conn.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = name
        conn.connection = memory


@pytest.fixture
def park(threaded_db):
    Park.objects.create(code="ECO", name="生态园", city="宁波")
    for uscc in ENTERPRISES:
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-4:]}", park_id="ECO", registered_on=date(2020, 1, 1))
    return "ECO"


def rows(value: int) -> list[dict]:
    return [{"uscc": uscc, "month": month, "output_value": str(value + i)}
            for i, uscc in enumerate(ENTERPRISES) for month in MONTHS]


class Worker(threading.Thread):
    """Runs `func` in a thread with its own connection; keeps the result or the exception."""

    def __init__(self, name: str, func) -> None:
        super().__init__(name=name, daemon=True)
        self.func = func
        self.result = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.func()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc
        finally:
            connections.close_all()

    def outcome(self):
        self.join(WAIT)
        assert not self.is_alive(), f"{self.name} did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def pause_in(thread_name: str, inside: threading.Event, release: threading.Event):
    """A row check (runs inside the import's transaction, after its lock) that holds one thread's import."""
    def check(model, instance, is_new) -> None:
        if threading.current_thread().name == thread_name and not inside.is_set():
            inside.set()
            release.wait(WAIT)
    return check


def test_two_overlapping_imports_of_the_same_rows_lose_nothing(park):
    inside, release = threading.Event(), threading.Event()
    first = Worker("first", lambda: import_rows("enterprise_month", rows(1000), park=park))
    second = Worker("second", lambda: import_rows("enterprise_month", rows(5000), park=park))
    with hooks.registered(row_check=pause_in("first", inside, release)):
        first.start()
        assert inside.wait(WAIT)  # the first import is validating its rows, inside its transaction
        second.start()
        time.sleep(0.5)
        assert second.is_alive()  # waits for the first one's lock
        release.set()
        one, two = first.outcome(), second.outcome()
    assert one.ok and two.ok, (one.issues, two.issues)
    assert one.counts == {"enterprise_month": {"created": 60, "updated": 0}}
    assert two.counts == {"enterprise_month": {"created": 0, "updated": 60}}
    stored = {(r.uscc_id, r.month): r.output_value for r in EnterpriseMonth.objects.all()}
    assert stored == {(u, m): Decimal(5000 + i) for i, u in enumerate(ENTERPRISES) for m in MONTHS}
    actions: dict[str, list[str]] = {}
    for natural_key, action in AuditEntry.objects.filter(object_kind="enterprise_month").order_by("id").values_list(
            "natural_key", "action"):
        actions.setdefault(natural_key, []).append(action)
    assert len(actions) == 60 and set(map(tuple, actions.values())) == {("create", "change")}


def test_a_close_waits_for_a_running_import_and_freezes_what_it_wrote(park):
    inside, release = threading.Event(), threading.Event()
    importer = Worker("import", lambda: import_rows("enterprise_month", rows(1000), park=park))
    closer = Worker("close", lambda: period_close(actor=None, park=park, month="2022-05"))
    with hooks.registered(row_check=pause_in("import", inside, release)):
        importer.start()
        assert inside.wait(WAIT)
        closer.start()
        time.sleep(0.5)
        assert closer.is_alive()  # waits for the import's lock
        release.set()
        imported, closed = importer.outcome(), closer.outcome()
    assert imported.ok, imported.issues
    assert closed.close_result.outcome == "closed"
    # the frozen May figure includes every imported row: YTD April + May of 20 enterprises (万元 → 亿元)
    expected = sum(Decimal(1000 + i) for i in range(20)) * 2 / 10000
    assert compute_figures(park, "2022-05", ["econ.output"])["econ.output"].value == expected


def test_an_import_that_waited_for_a_close_refuses_the_just_closed_month(park, monkeypatch):
    inside, release = threading.Event(), threading.Event()
    real_freeze = closing.freeze

    def slow_freeze(*args, **kwargs):  # the close holds its lock while it computes the figures
        inside.set()
        release.wait(WAIT)
        return real_freeze(*args, **kwargs)

    monkeypatch.setattr(closing, "freeze", slow_freeze)
    closer = Worker("close", lambda: period_close(actor=None, park=park, month="2022-05"))
    importer = Worker("import", lambda: import_rows("enterprise_month", rows(1000), park=park))
    closer.start()
    assert inside.wait(WAIT)
    importer.start()
    time.sleep(0.5)
    assert importer.is_alive()  # waits for the close's lock
    release.set()
    closer.outcome()
    refused = importer.outcome()
    assert not refused.ok
    assert {issue.reason for issue in refused.issues} == {
        "ECO 园区 2022-05 已封账：该月的记录不能新增、修改或删除；如需更正，请安全管理员开启更正解锁"}
    assert len(refused.issues) == 20  # one per May row, none for April or June
    assert not EnterpriseMonth.objects.exists()  # all or nothing
