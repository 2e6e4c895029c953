"""Extension points of the import: checks other apps add to every imported row, and after-import actions.

- `register_row_check(func)`: `func(model, instance, is_new)` is called for every row that
  passed the import's own validation, before anything is written. `instance` is an unsaved
  model instance holding the row's values (for an update: the stored values overlaid with
  the file's); `is_new` tells whether the row creates a record. Raise
  `django.core.exceptions.ValidationError` to reject the row: a message dict names the
  field(s) (reported under their column), a plain message is reported without a column.
  Example: rows of a closed accounting period (封账) are rejected.
- `register_after_import(func)`: `func(result, user)` is called with the `ImportResult` and
  the importing user (or None) once a (non dry-run) import has been committed. Example: the
  audit log records what an import changed.

- `register_rows_check(func)`: the batch form of a row check, for checks that would otherwise
  query the database per row: `func(model, changes)` is called once per kind with a list of
  `RowChange` (instance, is_new, `before` = the stored values by attname, `park` = the row's
  park code as the importer resolved it, `stored_park` = the stored record's park (an update of
  a kind with a `park_path`), sheet and row number); `change.reject(reason, field)` refuses a row.
  A row one check refused is not passed to the checks registered after it.
- `register_rows_written(func)`: `func(model, changes)` is called once per kind right after its
  rows were written, inside the import's transaction (what it writes is rolled back with a
  failed import). Example: the audit log's entry per changed record, written in bulk.

- `register_import_scope(func)`: `func()` is called once when an import starts and returns an
  `ImportScope` (what the acting user may import; the write gate, `parkledger.accounts.gate`,
  registers it) or None (no restriction: an import run from the server's shell). With a scope,
  a sheet of a kind the user may not import has every row refused with `refuse_kind(model)`'s
  reason before anything else is read from the database, and references count only stored
  records of `reference_filter(model)` (a Q; None for any), a reference outside it being
  reported as one to nothing with `missing_reference`: a refusal never tells whether another
  park's record exists.

- `register_after_export(func)`: `func(kinds=…, park=…, fmt=…, rows=…, user=…, target=…)` is
  called after `parkledger export` wrote its files (the web pages and the API, which export
  through `export_queryset`, log their own exports).

All work as decorators, and are usually called from an `AppConfig.ready()`. Tests use
`registered(...)` to add a hook for the duration of a `with` block. A hook is called for
every row of every import: keep it free of per-row queries (the batch forms exist for that).
"""
from __future__ import annotations

__all__ = [
    "RowCheck", "AfterImport", "register_row_check", "register_after_import",
    "row_checks", "after_import_hooks", "registered", "suspended",
    "RowChange", "register_rows_check", "register_rows_written", "rows_checks", "rows_written_hooks",
    "batch_hooks_active", "register_after_export", "after_export_hooks",
    "ImportScope", "register_import_scope", "import_scope", "import_source", "importing_from",
]

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

RowCheck = Callable[[type, Any, bool], None]
AfterImport = Callable[[Any, Any], None]

_row_checks: list[RowCheck] = []
_after_import: list[AfterImport] = []
_rows_checks: list[Callable] = []
_rows_written: list[Callable] = []
_after_export: list[Callable] = []
_import_scopes: list[Callable] = []
_source: ContextVar[str] = ContextVar("parkledger_import_source", default="")


def import_source() -> str:
    """The file (or API kind) the running import reads, for the hooks that record where rows came from."""
    return _source.get()


@contextmanager
def importing_from(source: str) -> Iterator[None]:
    """Name the running import's source for the duration of the block (the importer sets it)."""
    token = _source.set(str(source or ""))
    try:
        yield
    finally:
        _source.reset(token)


def register_after_export(func: Callable) -> Callable:
    """Add an action called after every command-line export (see the module docstring)."""
    if func not in _after_export:
        _after_export.append(func)
    return func


def after_export_hooks() -> tuple[Callable, ...]:
    return tuple(_after_export)


@dataclass
class RowChange:
    """One imported row as a batch hook sees it."""

    model: type
    instance: Any  # unsaved instance with the row's values (stored values overlaid with the file's)
    is_new: bool
    before: dict[str, Any] | None  # the stored record's data values by attname; None for a new record
    park: str | None  # the park the row belongs to (through its references)
    sheet: str
    row: int
    rejections: list[tuple[str, str | None]] = field(default_factory=list)
    stored_park: str | None = None  # the stored record's park before the import (updates)

    def reject(self, reason: str, field_name: str | None = None) -> None:
        """Refuse the row: `reason` is shown under the field's column (or the row's)."""
        self.rejections.append((str(reason), field_name))


@dataclass(frozen=True)
class ImportScope:
    """What the acting user may import (see the module docstring)."""

    refuse_kind: Callable[[type], str | None]  # model → the reason no row of it may be imported, or None
    reference_filter: Callable[[type], Any]  # model → Q of the stored records rows may refer to, or None
    missing_reference: str  # "%(kind)s“%(v)s”…": a reference to nothing or to a record outside the scope


def register_import_scope(func: Callable[[], ImportScope | None]) -> Callable:
    """Add the function giving an import's scope (see the module docstring)."""
    if func not in _import_scopes:
        _import_scopes.append(func)
    return func


def import_scope() -> ImportScope | None:
    """The scope of an import starting now: the first registered function's that gives one."""
    for func in _import_scopes:
        scope = func()
        if scope is not None:
            return scope
    return None


def register_rows_check(func: Callable) -> Callable:
    """Add a batch check `func(model, changes)` (see the module docstring)."""
    if func not in _rows_checks:
        _rows_checks.append(func)
    return func


def register_rows_written(func: Callable) -> Callable:
    """Add `func(model, changes)`, called after each kind's rows are written (see the module docstring)."""
    if func not in _rows_written:
        _rows_written.append(func)
    return func


def rows_checks() -> tuple[Callable, ...]:
    return tuple(_rows_checks)


def rows_written_hooks() -> tuple[Callable, ...]:
    return tuple(_rows_written)


def batch_hooks_active() -> bool:
    return bool(_rows_checks or _rows_written)


def register_row_check(func: RowCheck) -> RowCheck:
    """Add a check called for every imported row (see the module docstring)."""
    if func not in _row_checks:
        _row_checks.append(func)
    return func


def register_after_import(func: AfterImport) -> AfterImport:
    """Add an action called after every committed import (see the module docstring)."""
    if func not in _after_import:
        _after_import.append(func)
    return func


def row_checks() -> tuple[RowCheck, ...]:
    return tuple(_row_checks)


def after_import_hooks() -> tuple[AfterImport, ...]:
    return tuple(_after_import)


@contextmanager
def registered(*, row_check: RowCheck | None = None, after_import: AfterImport | None = None) -> Iterator[None]:
    """Register hooks for the duration of a `with` block (tests)."""
    if row_check is not None:
        register_row_check(row_check)
    if after_import is not None:
        register_after_import(after_import)
    try:
        yield
    finally:
        if row_check is not None and row_check in _row_checks:
            _row_checks.remove(row_check)
        if after_import is not None and after_import in _after_import:
            _after_import.remove(after_import)


@contextmanager
def suspended() -> Iterator[None]:
    """No hooks at all for the duration of a `with` block (to measure the importer alone)."""
    lists = (_row_checks, _after_import, _rows_checks, _rows_written, _after_export, _import_scopes)
    saved = [items[:] for items in lists]
    for items in lists:
        items.clear()
    try:
        yield
    finally:
        for items, kept in zip(lists, saved, strict=True):
            items[:] = kept
