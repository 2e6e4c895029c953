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

Both work as decorators, and are usually called from an `AppConfig.ready()`. Tests use
`registered(...)` to add a hook for the duration of a `with` block.
"""
from __future__ import annotations

__all__ = [
    "RowCheck", "AfterImport", "register_row_check", "register_after_import",
    "row_checks", "after_import_hooks", "registered", "suspended",
]

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

RowCheck = Callable[[type, Any, bool], None]
AfterImport = Callable[[Any, Any], None]

_row_checks: list[RowCheck] = []
_after_import: list[AfterImport] = []


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
    saved = (_row_checks[:], _after_import[:])
    _row_checks.clear()
    _after_import.clear()
    try:
        yield
    finally:
        _row_checks[:], _after_import[:] = saved
