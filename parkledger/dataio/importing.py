"""Importing ledgers from a workbook, CSV files or API rows: validate everything, then write all or nothing.

Public API (used by the `parkledger import` command, the web import page and the API):

- `import_path(path, *, park=None, dry_run=False, user=None, progress=False) -> ImportResult`:
  an `.xlsx` workbook (one sheet per kind), a directory of `<kind>.csv` files or one
  `<kind>.csv` file (see `parkledger.dataio.sources` for what is accepted).
- `import_upload(fileobj, filename, ...)`: an uploaded file (size and type checked first).
- `import_rows(kind, rows, ...)`: a list of dicts keyed by field key (the API's bulk upsert).

Rules (the same for all three):
- Sheets are named by kind key or Chinese name, headers by field key or Chinese label; the
  template's second header row of field keys is skipped.
- Every cell is read by its field's type and every row validated as the web forms do (field
  validators, required fields, choices, the model's `clean()`), references are resolved to the
  database or the same import in any sheet order, natural keys must be unique in the import,
  and an enterprise's `above_scale` flag must not differ within a year (file and database).
- `park`: rows without a park take this park; rows of other parks (other than its sub-parks),
  directly or through what they refer to, are rejected.
- Rows are upserted on the kind's natural key (`model.natural_key_fields`); a kind with a
  generated code gets `instance.content_code()` when the code cell is empty, so importing the
  same file twice updates instead of duplicating. Columns a file leaves out keep their stored
  values on update and take their defaults on create. A row equal to its stored record is
  counted as updated but not written (its `last_updated` stays).
- One transaction, under the per-park lock of imports and period closing (a second import of the
  same park waits and sees the first one's rows as updates; an import that waited for a close
  refuses the just-closed month): any issue, and nothing is written. Issues are `ImportIssue(sheet, row,
  column, reason)` (row = the spreadsheet's row number, column = the header as written),
  collected for every row, the first `MAX_REPORTED_ISSUES` listed and the rest counted.

Who imports: `user` (the web page's and the API's user, `parkledger import --user`) is the
actor while the import runs, so the write gate (`parkledger.accounts.gate`, through the import
scope and rows check it registers) lets him write only what he may write in a form: per row, its
kind, create or change, its park before and after, his own enterprise. An import without a user
(`parkledger import` from the server's shell) is the operator's.

Extension points: `parkledger.dataio.hooks` (row checks other apps add, e.g. closed periods and
the write gate; after-import actions, e.g. the audit log) and `parkledger.dataio.checks`
(cross-row checks).
"""
from __future__ import annotations

__all__ = [
    "ImportIssue", "ImportResult", "import_path", "import_upload", "import_rows",
    "ImportContext", "MAX_UPLOAD_BYTES", "UPLOAD_SUFFIXES",
]

import gc
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from parkledger.accounts.context import acting_as, current_actor
from parkledger.core.kinds import kind_models
from parkledger.core.models import LedgerModel, Park
from parkledger.dataio import hooks
from parkledger.dataio.checks import CROSS_ROW_CHECKS
from parkledger.dataio.issues import MAX_REPORTED_ISSUES, ImportIssue, ImportResult, IssueLog
from parkledger.dataio.kind_import import KindImport, Row
from parkledger.dataio.labels import IGNORED_SHEETS, kind_for_name, normalise_name
from parkledger.dataio.sources import RawSheet, SourceError, read_path
from parkledger.periods.parklock import lock_parks

MAX_UPLOAD_BYTES = 50 << 20
UPLOAD_SUFFIXES = (".xlsx", ".csv")
WRITE_BATCH = 5000
COPY_THRESHOLD = 2000  # PostgreSQL: from this many rows of a kind on, write through COPY


class ImportAbandoned(Exception):
    """Aborts a write left open when the import fails before it is ended (`ImportContext.abandon_write`)."""


class ImportContext:
    """What the kinds of one import share: issues, the park scope, lookups across kinds."""

    def __init__(self, *, park: str | None, progress: Any = None) -> None:
        self.issues = IssueLog()
        self.park = park or None
        self.allowed_parks: set[str] = set()
        self.plans: dict[str, KindImport] = {}
        self._known: dict[tuple[type, str], dict[Any, bool]] = {}
        self._parks: dict[tuple[type, str], dict[Any, Any]] = {}
        self._progress = progress
        self.write_failed = False
        self.needs_db_clean = False  # a kind's clean() reads the database: write even after an issue
        self.chunk_size = 900 if connection.vendor == "sqlite" else 10_000
        self.scope = hooks.import_scope()  # what the acting user may import (None: anything)
        self._open_write: tuple[KindImport, ExitStack] | None = None  # a COPY `upsert` left open

    # -- small services ---------------------------------------------------
    def tick(self, n: int) -> None:
        if self._progress is not None and n:
            self._progress.update(n)

    def chunks(self, values: Iterable[Any]) -> Iterable[list[Any]]:
        batch: list[Any] = []
        for value in values:
            batch.append(value)
            if len(batch) >= self.chunk_size:
                yield batch
                batch = []
        if batch:
            yield batch

    @staticmethod
    def kind_label(kind: str) -> str:
        """The kind's name in the active language (for messages)."""
        return str(kind_models()[kind]._meta.verbose_name)

    def missing_reference(self, kind: str, value: Any) -> str:
        """The issue of a reference to a record that does not exist (or, in a scoped import, that
        the user may not see: the same words)."""
        text = self.scope.missing_reference if self.scope is not None else _(
            "%(kind)s“%(v)s”不存在（数据库和本次导入中都没有）")
        return text % {"kind": self.kind_label(kind), "v": value}

    def cross_row_checks(self, kind: str) -> list:
        return CROSS_ROW_CHECKS.get(kind, [])

    # -- references ---------------------------------------------------------
    def _stored(self, model: type[LedgerModel], attname: str, values: set) -> set:
        """Which of `values` the database holds in `model.attname` (cached per model and field)."""
        cache = self._known.setdefault((model, attname), {})
        missing = [v for v in values if v not in cache]
        stored = model._default_manager.all()
        if self.scope is not None and (within := self.scope.reference_filter(model)) is not None:
            stored = stored.filter(within)  # a record the user may not see is one he may not refer to
        for chunk in self.chunks(sorted(missing, key=str)):
            found = set(stored.filter(**{f"{attname}__in": chunk}).values_list(attname, flat=True))
            for value in chunk:
                cache[value] = value in found
        return {v for v in values if cache.get(v)}

    def known_values(self, model: type[LedgerModel], attname: str, values: set) -> set:
        """Which of `values` exist: in a good row of the import or in the database."""
        plan = self.plans.get(model.kind_key)
        in_file = plan.keys_by(attname, good=True) & values if plan else set()
        return in_file | self._stored(model, attname, values - in_file)

    def bad_values(self, model: type[LedgerModel], attname: str) -> set:
        """Values only rows with errors of the import hold (references to them are not reported again)."""
        plan = self.plans.get(model.kind_key)
        if not plan:
            return set()
        return plan.keys_by(attname, good=False) - plan.keys_by(attname, good=True)

    def preload_parks(self, model: type[LedgerModel], attname: str, values: set) -> None:
        """Load the stored park of many records at once (see `park_of`)."""
        cache = self._parks.setdefault((model, attname), {})
        missing = [v for v in values if v not in cache and v not in (None, "")]
        path = model.park_path
        if not path or not missing:
            return
        for chunk in self.chunks(sorted(missing, key=str)):
            for value, park in model._default_manager.filter(**{f"{attname}__in": chunk}).values_list(attname, path):
                cache[value] = park
            for value in chunk:
                cache.setdefault(value, None)

    def park_of(self, model: type[LedgerModel], attname: str, value: Any) -> str | None:
        """The park of the record whose `attname` is `value`: from the import's row, else the database."""
        return self.park_lookup(model, attname)(value)

    def park_lookup(self, model: type[LedgerModel], attname: str) -> Callable[[Any], str | None]:
        """`park_of` for many values of one model's field."""
        plan = self.plans.get(model.kind_key)
        cache = self._parks.setdefault((model, attname), {})

        def lookup(value: Any) -> str | None:
            if value is None or value == "":
                return None
            if plan is not None:
                found, park = plan.park_in_import(attname, value)
                if found:
                    return park
            if value not in cache:
                self.preload_parks(model, attname, {value})
            return cache.get(value)

        return lookup

    def prepare(self, plans: list[KindImport]) -> None:
        """What the kinds must keep between batches: the values other kinds of the import refer to."""
        wanted: set[tuple[str, str]] = set()
        subjects = False
        for plan in plans:
            for _name, target, attname, _get in plan.references():
                wanted.add((target.kind_key, attname))
            subjects = subjects or hasattr(plan.model, "subject_model")
        for plan in plans:
            plan.remembered = {attname for kind, attname in wanted if kind == plan.kind}
            if subjects and "code" in plan.attnames:
                plan.remembered.add("code")
        self.needs_db_clean = any(plan.model.clean is not LedgerModel.clean for plan in plans)

    def scope_parks(self) -> bool:
        """The park and its sub-parks (stored, or new in the import); False when the park does not exist.

        Stored parks keep their stored place in the tree for this purpose, so a file cannot pull
        another park into the scope by giving it a new parent.
        """
        if not self.park:
            return True
        stored: dict[str, str | None] = dict(Park.objects.values_list("code", "parent_id"))
        new_parent: dict[str, str | None] = {}
        plan = self.plans.get("park")
        if plan is not None:
            pos_code, pos_parent = plan.position["code"], plan.position["parent"]
            for row in plan.rows:
                code = row.values[pos_code]
                if not row.bad and code and code not in stored:
                    new_parent[code] = row.values[pos_parent]
        if self.park not in stored and self.park not in new_parent:
            return False
        tree = {**stored, **new_parent}
        for code in tree:
            seen, current = set(), code
            while current and current not in seen:
                if current == self.park:
                    self.allowed_parks.add(code)
                    break
                seen.add(current)
                current = tree.get(current)
        return True

    def prepare_park_lookups(self, plan: KindImport) -> None:
        """Before `check_parks`: the stored parks of every record the plan's rows refer to, in bulk."""
        path = plan.model.park_path
        if (not self.park and not hooks.batch_hooks_active()) or path in ("code", "park"):
            return
        if not path:
            by_model: dict[type, set] = {}
            for row in plan.rows:
                ref = plan.subject_reference(row) if row.ok else None
                if ref:
                    by_model.setdefault(ref[0], set()).add(ref[1])
            for model, codes in by_model.items():
                self.preload_parks(model, "code", codes)
            return
        first = path.split("__", 1)[0]
        fld = plan.model._meta.get_field(first)
        pos = plan.position[first]
        values = {row.values[pos] for row in plan.rows if row.ok}
        target_plan = self.plans.get(fld.related_model.kind_key)
        if target_plan is not None:
            attname = fld.target_field.attname
            values = {v for v in values if not target_plan.park_in_import(attname, v)[0]}
        self.preload_parks(fld.related_model, fld.target_field.attname, values)

    # -- writing ------------------------------------------------------------
    def upsert(self, plan: KindImport, rows: list[Row], *, leave_open: bool = False) -> None:
        """Write the rows of a kind (insert or update on the natural key) in a savepoint.

        `leave_open`: on PostgreSQL a COPY of new rows may be left for the server to store while
        the caller reads on (no query before `end_write`, which ends it: `write_pending` says so)."""
        if self.write_failed:
            return
        try:
            if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD:
                self._upsert_by_copy(plan, rows, leave_open)
            else:
                self._upsert_by_statements(plan, rows)
        except DatabaseError as exc:
            self._write_error(plan, exc)

    def _write_error(self, plan: KindImport, exc: DatabaseError) -> None:
        self.write_failed = True
        self.issues.add(plan.name, None, "", _("写入数据库失败：%(e)s") % {"e": exc})

    @property
    def write_pending(self) -> bool:
        """Whether a COPY `upsert` left open is still to be ended (`end_write`)."""
        return self._open_write is not None

    def end_write(self) -> None:
        """End the COPY `upsert` left open: wait for the server to have stored its rows (a failure
        is the kind's write error, as in `upsert`)."""
        if self._open_write is None:
            return
        (plan, stack), self._open_write = self._open_write, None
        try:
            stack.close()
        except DatabaseError as exc:
            self._write_error(plan, exc)

    def abandon_write(self) -> None:
        """Abort a COPY `upsert` left open (the import failed meanwhile): its savepoint is rolled back."""
        if self._open_write is None:
            return
        (_plan, stack), self._open_write = self._open_write, None
        failure = ImportAbandoned("the import failed while its rows were written")
        stack.__exit__(ImportAbandoned, failure, None)

    def _upsert_by_copy(self, plan: KindImport, rows: list[Row], leave_open: bool = False) -> None:
        """PostgreSQL: the rows of records that were not stored when the batch was read are COPied
        into the table itself; the others into a temporary table, then one INSERT … SELECT … ON
        CONFLICT. (The import holds its parks' lock; should another writer still have stored one
        of the new keys meanwhile, the COPY fails on the unique key and nothing is written.)
        With `leave_open` a batch of new rows only has its COPY left open (see `upsert`)."""
        table, columns, conflict, sets, attnames = plan.upsert_parts()
        column_list = ", ".join(columns)
        new = [row for row in rows if row.existing is None and row.key and None not in row.key and "" not in row.key]
        stored = [row for row in rows if row.existing is not None] if len(new) < len(rows) else []
        if len(new) + len(stored) < len(rows):  # a row whose key was not looked up: upserted
            new = []
            stored = rows
        with ExitStack() as stack:
            stack.enter_context(transaction.atomic())
            cursor = stack.enter_context(connection.cursor())
            if new:
                sql = f"COPY {table} ({column_list}) FROM STDIN"
                if leave_open and not stored:
                    # the server stores the rows while the caller reads on; ended by end_write
                    self._copy_rows(stack.enter_context(cursor.cursor.copy(sql)), plan, new, attnames)
                    self._open_write = (plan, stack.pop_all())
                    return
                with cursor.cursor.copy(sql) as copy:
                    self._copy_rows(copy, plan, new, attnames)
            if not stored:
                return
            staging = connection.ops.quote_name(f"pl_import_{plan.kind}")
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {column_list} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
                self._copy_rows(copy, plan, stored, attnames)
            cursor.execute(
                f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
            )
            cursor.execute(f"DROP TABLE {staging}")

    def _copy_rows(self, copy: Any, plan: KindImport, rows: list[Row], attnames: list[str]) -> None:
        for count, params in enumerate(plan.params(rows, attnames), start=1):
            copy.write_row(params)
            if count % WRITE_BATCH == 0:
                self.tick(WRITE_BATCH)
        self.tick(len(rows) % WRITE_BATCH)

    def _upsert_by_statements(self, plan: KindImport, rows: list[Row]) -> None:
        """One INSERT … ON CONFLICT per row, sent in batches with executemany."""
        sql, attnames = plan.upsert_sql()
        with transaction.atomic(), connection.cursor() as cursor:
            batch: list[list[Any]] = []
            for params in plan.params(rows, attnames):
                batch.append(params)
                if len(batch) >= WRITE_BATCH:
                    cursor.executemany(sql, batch)
                    self.tick(len(batch))
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                self.tick(len(batch))


# ---------------------------------------------------------------------------
# The import itself
# ---------------------------------------------------------------------------

def _plans_for(ctx: ImportContext, sheets: list[RawSheet]) -> None:
    """Which sheet holds which kind; unknown and doubled sheets are issues."""
    models = kind_models()
    found: dict[str, RawSheet] = {}
    for sheet in sheets:
        ctx.issues.sheet_order(sheet.name)  # issues are listed in the file's sheet order
        kind = kind_for_name(sheet.name)
        if kind is None:
            if not sheet.rows or normalise_name(sheet.name) in IGNORED_SHEETS:
                continue
            ctx.issues.add(sheet.name, None, "", _("未知的台账类型“%(name)s”：工作表（或CSV文件）应以台账类型命名，"
                                                   "如 enterprise_month 或 企业月报") % {"name": sheet.name})
            continue
        if kind in found:
            ctx.issues.add(sheet.name, None, "", _("与“%(other)s”是同一种台账，一种台账只能有一张表") % {
                "other": found[kind].name})
            continue
        found[kind] = sheet
    for kind, model in models.items():
        if kind in found:
            ctx.plans[kind] = KindImport(ctx, kind, model, found[kind])


def _run(
    sheets: list[RawSheet], errors: list[SourceError], *, park: str | None, dry_run: bool, user: Any,
    progress: Any, source: str,
) -> ImportResult:
    started = time.monotonic()
    bar = None
    total = sum(max(len(sheet.rows) - 1, 0) for sheet in sheets)
    if callable(progress) and total:  # a background job's progress: progress(units) → .update(n), .close()
        bar = progress(total * 2)
    elif progress and total:
        from tqdm import tqdm

        bar = tqdm(total=total * 2, unit=_("行"), file=sys.stderr, leave=False, mininterval=0.5)
    ctx = ImportContext(park=park, progress=bar)
    for error in errors:
        ctx.issues.add(error.sheet, error.row, error.column, error.reason)
    try:
        _plans_for(ctx, sheets)
        plans = list(ctx.plans.values())
        if not ctx.issues and not any(plan.sheet.rows for plan in plans):
            ctx.issues.add(source, None, "", _("文件中没有数据（没有一张以台账类型命名且有数据行的表）"))
        result = ImportResult(dry_run=dry_run, rows=total, source=source)
        try:
            with transaction.atomic():
                # first thing in the transaction: one import (or period close) of a park at a time,
                # so the stored rows and closed months read below are final (parkledger.periods.parklock)
                lock_parks([ctx.park] if ctx.park else None)
                with hooks.importing_from(source), _fewer_collections(), _larger_page_cache():
                    _validate_and_write(ctx, plans)
                if ctx.issues or dry_run:
                    transaction.set_rollback(True)
        except DatabaseError as exc:
            ctx.issues.add(source, None, "", _("写入数据库失败：%(e)s") % {"e": exc})
    finally:
        if bar is not None:
            bar.close()
    result.issues, result.more_issues = ctx.issues.reported(MAX_REPORTED_ISSUES)
    result.counts = {
        plan.kind: {"created": plan.created, "updated": plan.updated}
        for plan in plans if plan.created or plan.updated
    } if not ctx.issues else {}
    result.rows = sum(plan.row_count for plan in plans)
    result.seconds = time.monotonic() - started
    if result.ok and not dry_run:
        for hook in hooks.after_import_hooks():
            hook(result, user)
    return result


IMPORT_GC_THRESHOLD = (50_000, 20, 20)
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, ...] = ()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while an import runs (its rows are freed by reference
    counting; the collector's passes over every live object were a fifth of the import's time).
    Process-wide, so counted: the first import in sets the thresholds, the last one out restores them."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(*IMPORT_GC_THRESHOLD)
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


IMPORT_SQLITE_CACHE_KIB = 64 << 10


@contextmanager
def _larger_page_cache() -> Iterator[None]:
    """SQLite: a page cache of `IMPORT_SQLITE_CACHE_KIB` while an import runs (the default 2 MB
    is smaller than the indexes an import inserts into at random places, the audit log's MACs
    above all, so their pages were read again and again); the connection's own size is restored
    after. PostgreSQL: nothing (its shared buffers are the server's)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        saved = int(cursor.fetchone()[0])
        if saved >= 0 or -saved >= IMPORT_SQLITE_CACHE_KIB:  # pages, or already as large
            yield
            return
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {saved}")


def _validate_and_write(ctx: ImportContext, plans: list[KindImport]) -> None:
    """Each kind in dependency order, batch by batch: read, check, write (while no issue was found,
    or when a kind's clean() must see the rows written before it), keep what later batches and
    kinds need, drop the rest; then the kind's cross-row checks."""
    for plan in plans:
        plan.read_header()
    plans = [plan for plan in plans if plan.header_ok]
    if ctx.scope is not None:
        for plan in plans:
            plan.refusal = ctx.scope.refuse_kind(plan.model)
    if not ctx.issues and not any(plan.has_rows() for plan in plans):
        ctx.issues.add(plans[0].name if len(plans) == 1 else "", None, "", _("没有数据行（表头下面是空的）"))
        return
    ctx.prepare(plans)
    # the park scope: known before the first row is checked (new parks of the file count: the park
    # sheet, first in dependency order, is read whole before)
    scoped = not ctx.park
    if not scoped and "park" not in ctx.plans:
        scoped = True
        if not ctx.scope_parks():
            ctx.issues.add("", None, "", _("园区“%(p)s”不存在") % {"p": ctx.park})
            return
    try:
        for plan in plans:
            for _batch in plan.batches():  # a batch's write is ended once the next one is read
                if not scoped:
                    scoped = True
                    if not ctx.scope_parks():
                        ctx.issues.add("", None, "", _("园区“%(p)s”不存在") % {"p": ctx.park})
                        return
                plan.validate_fields()
                plan.check_unique()
                plan.check_references()
                ctx.prepare_park_lookups(plan)
                plan.check_parks()
                plan.validate()
                if not ctx.issues or ctx.needs_db_clean:
                    plan.write()
            plan.finish()
    finally:
        ctx.abandon_write()  # left open by a failure (an exception) only


@contextmanager
def _acting(user: Any) -> Iterator[None]:
    """The import's user is the actor while it runs (the request's address kept), unless he is already."""
    actor = current_actor()
    if getattr(user, "pk", None) is None or actor.user_id == user.pk:  # no user (or a mere name: hooks' tests)
        yield
        return
    with acting_as(user, ip=actor.ip):
        yield


def import_path(
    path: str | Path, *, park: str | None = None, dry_run: bool = False, user: Any = None, progress: Any = False,
) -> ImportResult:
    """Import a workbook, a CSV file or a directory of CSV files (see the module docstring)."""
    target = Path(path)
    sheets, errors = read_path(target)
    with _acting(user):
        return _run(sheets, errors, park=park, dry_run=dry_run, user=user, progress=progress, source=target.name)


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):g}MB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):g}KB"
    return _("%(n)d字节") % {"n": size}


def _safe_filename(filename: str) -> str:
    name = Path(str(filename).replace("\\", "/")).name
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", name).lstrip(".")
    return name[:120] or "upload"


def import_upload(
    fileobj: IO[bytes], filename: str, *, park: str | None = None, dry_run: bool = False, user: Any = None,
    max_bytes: int | None = None,
) -> ImportResult:
    """Import an uploaded `.xlsx` or `<kind>.csv` (the web page): size and type are checked first."""
    limit = max_bytes or int(getattr(settings, "DATAIO_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))
    name = _safe_filename(filename)
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        return ImportResult(issues=[ImportIssue(name, None, "", _("只能上传.xlsx工作簿或.csv文件"))], source=name)
    with tempfile.TemporaryDirectory(prefix="parkledger-import-") as tmp:
        target = Path(tmp) / name
        size = 0
        with open(target, "wb") as out:
            while True:
                chunk = fileobj.read(1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    return ImportResult(issues=[ImportIssue(name, None, "", _(
                        "文件超过%(size)s，请拆分后分批导入") % {"size": _size_text(limit)})], source=name)
                out.write(chunk)
        return import_path(target, park=park, dry_run=dry_run, user=user)


def import_rows(
    kind: str, rows: list[dict[str, Any]], *, park: str | None = None, dry_run: bool = False, user: Any = None,
) -> ImportResult:
    """Upsert API rows (dicts keyed by field key) of one kind; issues name the row by its position (1 = first)."""
    if kind_for_name(kind) is None:
        return ImportResult(issues=[ImportIssue(kind, None, "", _("未知的台账类型“%(name)s”") % {"name": kind})],
                            source=kind)
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return ImportResult(issues=[ImportIssue(kind, None, "", _("数据应为对象的列表"))], source=kind)
    header: list[str] = []
    seen: set[str] = set()
    for row in rows:
        for key in row:
            if key not in seen:
                seen.add(str(key))
                header.append(str(key))
    sheet = RawSheet(name=kind, source=kind)
    sheet.rows.append((0, list(header)))
    for number, row in enumerate(rows, start=1):
        sheet.rows.append((number, [row.get(key) for key in header]))
    with _acting(user):
        return _run([sheet], [], park=park, dry_run=dry_run, user=user, progress=False, source=kind)
