"""One kind's rows in an import: header, cells, defaults, validation, references and the upsert.

The rows of a kind are read, checked and written in batches (`BATCH_ROWS` rows; a kind whose
rows refer to rows of the same kind, the park tree, in one batch), so an import holds one batch
of rows at a time, whatever its size; each step runs over a batch at once, so the database sees
one query per kind, batch and step, never one per row:

1. `read_header`: columns by field key or Chinese label; unknown, doubled and missing columns.
2. `parse`: every cell by its field's type (`parkledger.dataio.converters`), choices by key or
   label.
3. `complete`: the import's park for rows without one, generated codes, the natural keys, the
   stored records with those keys (one query), stored values for columns the file leaves out.
4. `validate_fields`, `check_unique`, `check_references`, `check_parks`, `validate`: required
   fields and field validators, duplicate keys, references to the database or the same
   import, the park scope, the model's `clean()` (date order) and cross-row checks
   (`parkledger.dataio.checks`), then the hooks of other apps (`parkledger.dataio.hooks`).
5. `write`: the model's own `clean()` where it reads the database (it then sees the rows of
   earlier kinds and batches), then one `INSERT … ON CONFLICT (natural key) DO UPDATE` per
   row, batched with `executemany` (COPY on PostgreSQL), then the rows-written hooks. A row
   whose every value equals its stored record's is not written (the record and its
   `last_updated` stay as they are); it is still counted as updated, and the hooks see it.
   On PostgreSQL a COPY of new rows is ended, and the hooks called, once the next batch has
   been read (`end_write`): the server stores the rows while the file is read on.

Between batches a kind keeps only what later batches and kinds need, compactly: the keys seen
(duplicates), the values other kinds refer to (good and bad rows apart) with the park of each
good row, and what its cross-row checks collect. The import's transaction makes the batches
all or nothing.

A row with an error is left out of the later steps; rows referring to it are left out
silently (their only fault is the other row's), so each problem is reported once.
"""
from __future__ import annotations

__all__ = ["KindImport", "Row"]

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.core.kinds import data_fields
from parkledger.core.models import LedgerModel
from parkledger.dataio import hooks
from parkledger.dataio.cells import CellError
from parkledger.dataio.converters import converter, validator
from parkledger.dataio.labels import column_map, field_label, normalise_name
from parkledger.dataio.sources import RawSheet, SourceError, column_letter

if TYPE_CHECKING:
    from parkledger.dataio.importing import ImportContext


# Columns an exported list carries for people (an enterprise's name beside its code); not imported.
READ_ONLY_HEADERS = frozenset({"企业名称"})
BATCH_ROWS = 10_000  # rows of a kind read, checked and written at a time


def instance_maker(model: type[LedgerModel]) -> Callable[[list[Any], bool], LedgerModel]:
    """(values in concrete-field order, adding) → an unsaved instance, as `model(*values)` makes
    it (without `__init__`'s per-field work when no init signal listens to the model)."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        def make(values: list[Any], adding: bool) -> LedgerModel:
            instance = model(*values)
            instance._state.adding = adding
            return instance

        return make
    attnames = [fld.attname for fld in model._meta.concrete_fields]
    new = model.__new__

    def make_fast(values: list[Any], adding: bool) -> LedgerModel:
        instance = new(model)
        state = ModelState()
        state.adding = adding
        instance._state = state
        instance.__dict__.update(zip(attnames, values, strict=True))
        return instance

    return make_fast


class Row:
    """A data row: its spreadsheet row number, its values (model field order) and its state."""

    __slots__ = ("number", "values", "bad", "blocked", "instance", "existing", "key", "failed", "before")

    def __init__(self, number: int, values: list[Any]) -> None:
        self.number = number
        self.values = values
        self.bad = False  # has an error of its own
        self.blocked = False  # refers to a row of the import that has an error
        self.instance: LedgerModel | None = None
        self.existing: tuple | None = None  # (pk, stored values…) when the record exists
        self.key: tuple | None = None
        self.failed: set[int] | None = None  # positions whose cell could not be read
        self.before: dict[str, Any] | None = None  # stored data values (for batch hooks)

    @property
    def ok(self) -> bool:
        return not self.bad and not self.blocked


class Column:
    """A header cell mapped to a field."""

    __slots__ = ("index", "header", "field", "position", "convert")

    def __init__(self, index: int, header: str, field: models.Field, position: int, convert: Callable) -> None:
        self.index = index  # cell index in the row
        self.header = header  # as the user wrote it
        self.field = field
        self.position = position  # index in the model's concrete fields
        self.convert = convert


class KindImport:
    """The rows of one kind in one import (see the module docstring for the steps)."""

    def __init__(self, ctx: ImportContext, kind: str, model: type[LedgerModel], sheet: RawSheet) -> None:
        self.ctx = ctx
        self.kind = kind
        self.model = model
        self.sheet = sheet
        self.name = sheet.name
        self.rows: list[Row] = []
        self.columns: list[Column] = []
        self.header_ok = False
        self.concrete = list(model._meta.concrete_fields)
        self.attnames = [fld.attname for fld in self.concrete]
        self.position = {fld.name: i for i, fld in enumerate(self.concrete)}
        self.data_fields = data_fields(model)
        self.nk_fields = [model._meta.get_field(name) for name in model.natural_key_fields]
        self.nk_positions = [self.position[fld.name] for fld in self.nk_fields]
        self.generated_code = model.has_generated_code()
        self.present: set[str] = set()  # field names with a column
        self.header_width = 0
        self.stored_parks: dict[tuple, Any] = {}
        self._rows_by: dict[str, dict[Any, Row]] = {}
        self.created = 0
        self.updated = 0
        self.row_count = 0  # data rows read (all batches)
        self.refusal: str | None = None  # the user may import no row of this kind: why
        self.whole_sheet = any(  # rows refer to rows of the same kind: all in one batch
            isinstance(fld, models.ForeignKey) and fld.related_model is model for fld in self.data_fields)
        self.remembered: set[str] = set()  # attnames other kinds refer to (set by the context)
        self._good_keys: dict[str, set] = {}  # attname → values in good rows of earlier batches
        self._bad_keys: dict[str, set] = {}  # attname → values in rows with errors of earlier batches
        self._park_by: dict[str, dict[Any, Any]] = {}  # attname → value → park, good rows of earlier batches
        self._unique_seen: dict[tuple[str, ...], dict[tuple, int]] = {}  # unique fields → key → first row
        self._strings: dict[str, str] = {}
        self._source: Iterator[tuple[int, list[Any]]] | None = None
        self._exhausted = False
        self._stopped = False
        self._changes: list[tuple[hooks.RowChange, Row]] | None = None
        self._written: list[hooks.RowChange] | None = None  # a written batch's changes, for the hooks (end_write)
        self.cross_checks = [check() for check in ctx.cross_row_checks(kind)]
        self._make_instance = instance_maker(model)
        self._stored_attnames: list[str] = []  # the data fields whose stored values `existing` holds
        self._stored_positions: list[int] = []  # their positions in a row's values

    # -- helpers -----------------------------------------------------------
    def issue(self, row: int | None, column: str, reason: str, *, order: int = 0) -> None:
        self.ctx.issues.add(self.name, row, column, reason, column_order=order)

    def column_of(self, field_name: str) -> tuple[str, int]:
        """The header text of a field as written (or its Chinese label when it has no column)."""
        for col in self.columns:
            if col.field.name == field_name:
                return col.header, col.index
        try:
            return field_label(self.model._meta.get_field(field_name)), 10_000
        except Exception:
            return "", 10_000

    def intern(self, text: str) -> str:
        """One string object per distinct text (what a kind keeps between batches is shared)."""
        return self._strings.setdefault(text, text)

    def number_error(self, number: int, field_name: str | None, reason: str) -> None:
        """An issue of a row already written and dropped (a cross-row check's, at the end of the kind)."""
        header, order = self.column_of(field_name) if field_name else ("", -1)
        self.issue(number, header, reason, order=order)

    def row_error(self, row: Row, field_name: str | None, reason: str) -> None:
        header, order = self.column_of(field_name) if field_name else ("", -1)
        row.bad = True
        self.issue(row.number, header, reason, order=order)

    def validation_error(self, row: Row, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                for error in errors:
                    self.row_error(row, None if name == NON_FIELD_ERRORS else name, "；".join(error.messages))
        else:
            self.row_error(row, None, "；".join(exc.messages))

    def good_rows(self) -> Iterable[Row]:
        return (row for row in self.rows if row.ok)

    def value(self, row: Row, name: str) -> Any:
        return row.values[self.position[name]]

    # -- 1. header ---------------------------------------------------------
    def read_header(self) -> bool:
        if not self.sheet.rows:
            self.header_ok = True
            return True
        number, cells = self.sheet.rows[0]
        mapping = column_map(self.model)
        seen: dict[str, str] = {}
        ok = True
        wrong_delimiter = False
        width = 0
        for index, cell in enumerate(cells):
            text = "" if cell is None else str(cell).strip()
            if not text:
                continue
            width = index + 1
            field = mapping.get(normalise_name(text))
            if field is None and normalise_name(text) in READ_ONLY_HEADERS:
                continue  # an enterprise's name beside its code in an exported list: for reading only
            if field is None:
                if ";" in text or "\t" in text:
                    reason = _("表头“%(col)s”像是用分号或制表符分隔的：CSV文件应以逗号分隔") % {"col": text}
                    wrong_delimiter = True
                else:
                    reason = _("未知的列：%(kind)s没有“%(col)s”这一项") % {"kind": self.ctx.kind_label(self.kind),
                                                                     "col": text}
                self.issue(number, text, reason, order=index)
                ok = False
                continue
            if field.name in seen:
                self.issue(number, text, _("列重复：与“%(other)s”是同一项") % {"other": seen[field.name]}, order=index)
                ok = False
                continue
            seen[field.name] = text
            self.columns.append(Column(index, text, field, self.position[field.name],
                                       converter(field, canonical=self.generated_code)))
        self.present = set(seen)
        for field in data_fields(self.model):
            if field.name in seen or field.blank or field.has_default() or field.null or wrong_delimiter:
                continue
            self.issue(number, field_label(field), _("缺少必填列“%(label)s”（%(key)s）") % {
                "label": field_label(field), "key": field.name})
            ok = False
        self.header_width = width
        self.header_ok = ok
        if ok:
            self.sheet.rows.pop(0)
            self._skip_key_row()
        return ok

    def _skip_key_row(self) -> None:
        """The template's second header row (field keys under the Chinese labels) is not data."""
        if not self.sheet.rows:
            return
        _number, cells = self.sheet.rows[0]
        filled = 0
        for col in self.columns:
            cell = cells[col.index] if col.index < len(cells) else None
            text = "" if cell is None else str(cell).strip()
            if text and text != col.field.name:
                return
            filled += bool(text)
        if filled:
            self.sheet.rows.pop(0)

    # -- 2. cells ----------------------------------------------------------
    def has_rows(self) -> bool:
        """Whether the sheet has a data row (reads one row ahead)."""
        return bool(self.sheet.rows)

    def read(self, limit: int | None = None) -> list[Row]:
        """The next `limit` rows (all when None), their cells read by their fields' types; [] when
        none was left."""
        if self._exhausted:
            return []
        if self._source is None:
            template = [None] * len(self.concrete)
            for i, fld in enumerate(self.concrete):
                if fld.name in ("id", "created", "last_updated"):
                    continue
                template[i] = fld.get_default()
            self._template = template
            self._plan = [(col.index, col.position, col.convert, col.header) for col in self.columns]
            self._source = iter(self.sheet.rows)
        source = self._source if limit is None else islice(self._source, limit)
        rows: list[Row] = []
        ended = False
        try:
            count = self._parse_rows(rows, source, self._template, self._plan, self.header_width, self.issue,
                                     self.ctx.tick, self.ctx.issues)
        except SourceError as exc:  # the file turned out unreadable further down (streamed rows)
            self.issue(exc.row, exc.column, exc.reason)
            count, ended = 0, True
        self.row_count += len(rows)
        if ended or self._stopped or limit is None or count < limit:
            self._exhausted = True
            self._source = None
            self.sheet.rows = []  # the cells are no longer needed
        return rows

    def _parse_rows(self, rows: list[Row], source: Iterable[tuple[int, list[Any]]], template: list, plan: list,
                    width: int, issue: Callable, progress: Callable, issues: Any) -> int:
        """Convert the source's rows into `rows`; returns how many were read."""
        count = 0
        append = rows.append
        for count, (number, cells) in enumerate(source, start=1):  # noqa: B007
            values = template.copy()
            row = Row(number, values)
            ncells = len(cells)
            if ncells < width:
                cells = [*cells, *([None] * (width - ncells))]
            for index, position, convert, header in plan:
                try:
                    values[position] = convert(cells[index])
                except CellError as exc:
                    row.bad = True
                    row.failed = {*(row.failed or ()), position}
                    issue(number, header, str(exc), order=index)
            if ncells > width:
                for index in range(width, ncells):
                    cell = cells[index]
                    if cell is not None and str(cell).strip():
                        row.bad = True
                        issue(number, column_letter(index), _("这一列没有表头，不知道是哪一项"), order=index)
                        break
            append(row)
            if count % 5000 == 0:
                progress(5000)
            if row.bad and issues.full():  # stop reading: the rest is not checked (issues.stopped)
                issues.stopped = self._stopped = True
                break
        progress(count % 5000)
        return count

    def batches(self) -> Iterator[list[Row]]:
        """Read the rows batch by batch (read, the kind's refusal, complete); `self.rows` is the batch.

        The next batch is read before the last one's write is ended (`end_write`: on PostgreSQL the
        server stores a COPY of new rows meanwhile) and before it is remembered and dropped."""
        limit = None if self.whole_sheet else BATCH_ROWS
        while True:
            rows = self.read(limit)
            self.end_write()
            self.remember()
            if not rows:
                break
            self.rows = rows
            self.refuse_kind(self.refusal)
            self.complete()
            yield self.rows
        self.rows = []

    # -- 3. keys, stored records, defaults -----------------------------------
    def complete(self) -> None:
        """Generated codes, natural keys, the stored records and their values for absent columns."""
        ctx = self.ctx
        if "park" in self.position and ctx.park and isinstance(self.model._meta.get_field("park"), models.ForeignKey):
            pos = self.position["park"]
            for row in self.rows:
                if not row.values[pos]:
                    row.values[pos] = ctx.park
        if self.generated_code:
            pos = self.position["code"]
            for row in self.rows:
                if not row.values[pos] and not row.bad:
                    row.values[pos] = self.model(*row.values).content_code()
        nk = self.nk_positions
        key_of = itemgetter(*nk) if len(nk) > 1 else (lambda values, p=nk[0]: (values[p],))
        for row in self.rows:
            row.key = key_of(row.values)
        self._load_existing()
        if self.kind == "park" and ctx.park:  # a park without a parent goes under the import's park
            pos_parent, pos_code = self.position["parent"], self.position["code"]
            for row in self.rows:
                if not row.values[pos_parent] and row.values[pos_code] != ctx.park:
                    row.values[pos_parent] = ctx.park

    def _load_existing(self) -> None:
        rows = [row for row in self.rows if not row.bad and None not in row.key and "" not in row.key]
        if not rows:
            return
        wants_before = hooks.batch_hooks_active()
        # every stored data value: those of absent columns fill the row, all of them tell whether
        # the row changes anything (`write` leaves unchanged rows out of the upsert)
        absent = [fld for fld in self.data_fields if fld.name not in self.model.natural_key_fields]
        nk_names = [fld.attname for fld in self.nk_fields]
        fetch = [*nk_names, "pk", *(fld.attname for fld in absent)]
        park_path = self.model.park_path
        if park_path:
            fetch.append(park_path)
        stored: dict[tuple, tuple] = {}
        width = len(nk_names)
        for lookup in self._key_lookups(rows, nk_names):
            for record in self.model._default_manager.filter(**lookup).values_list(*fetch):
                stored[tuple(record[:width])] = record[width:]
        absent_positions = [self.position[fld.name] for fld in absent]
        self._stored_attnames = [fld.attname for fld in absent]
        self._stored_positions = absent_positions
        for row in rows:
            record = stored.get(row.key)
            if record is None:
                continue
            row.existing = record
            stored_values = record[1: 1 + len(absent)]
            if wants_before:
                row.before = dict(zip(nk_names, row.key, strict=True))
                row.before.update((fld.attname, v) for fld, v in zip(absent, stored_values, strict=True))
            for fld, pos, value in zip(absent, absent_positions, stored_values, strict=True):
                if fld.name not in self.present:
                    row.values[pos] = value
        self.stored_parks = {key: record[-1] for key, record in stored.items()} if park_path else {}

    def _key_lookups(self, rows: list[Row], nk_names: list[str]) -> Iterator[dict[str, list]]:
        """Filters that find the stored records of the rows' keys: the key field with the most
        distinct values in chunks, each narrowed by the other key fields' values among its rows
        (a month's returns: those enterprises in that month; an enterprise's months: that
        enterprise in those months, not that month of every enterprise), so a query returns about
        the rows' own records, never a table growing with the import (its earlier batches are
        stored by then). At most `ctx.chunk_size` values a query; a batch's queries are few and
        their number does not depend on how many rows came before."""
        budget = self.ctx.chunk_size
        width = len(nk_names)
        if width == 1:
            for chunk in self.ctx.chunks(sorted({row.key[0] for row in rows}, key=str)):
                yield {f"{nk_names[0]}__in": chunk}
            return
        distinct = [{row.key[i] for row in rows} for i in range(width)]
        lead = max(range(width), key=lambda i: len(distinct[i]))
        others = [i for i in range(width) if i != lead]
        by_lead: dict[Any, list[set]] = {}
        for row in rows:
            key = row.key
            sets = by_lead.get(key[lead])
            if sets is None:
                sets = by_lead[key[lead]] = [set() for _ in others]
            for j, i in enumerate(others):
                sets[j].add(key[i])

        def lookup(leads: list, narrow: list[set]) -> dict[str, list]:
            found = {f"{nk_names[lead]}__in": leads}
            room = budget - len(leads)
            for j, i in enumerate(others):
                if len(narrow[j]) <= room:  # else that field does not narrow (the query finds more)
                    found[f"{nk_names[i]}__in"] = sorted(narrow[j], key=str)
                    room -= len(narrow[j])
            return found

        leads: list = []
        narrow: list[set] = [set() for _ in others]
        for value in sorted(by_lead, key=str):
            sets = by_lead[value]
            size = len(leads) + 1 + sum(len(narrow[j]) + len(sets[j] - narrow[j]) for j in range(len(others)))
            if leads and size > budget:
                yield lookup(leads, narrow)
                leads, narrow = [], [set() for _ in others]
            leads.append(value)
            for j in range(len(others)):
                narrow[j] |= sets[j]
        if leads:
            yield lookup(leads, narrow)

    def row_by(self, attname: str, value: Any) -> Row | None:
        """The good row of the batch whose field `attname` holds `value` (an index built on first use)."""
        index = self._rows_by.get(attname)
        if index is None:
            pos = self.attnames.index(attname)
            index = {row.values[pos]: row for row in self.rows if row.ok}
            self._rows_by[attname] = index
        return index.get(value)

    def park_in_import(self, attname: str, value: Any) -> tuple[bool, Any]:
        """(True, its park) when a good row of the import (this batch or an earlier one) holds `value`
        in `attname`, else (False, None)."""
        if self.rows:
            row = self.row_by(attname, value)
            if row is not None:
                return True, self.park_of_row(row)
        parks = self._park_by.get(attname)
        if parks is not None and value in parks:
            return True, parks[value]
        return False, None

    def keys_by(self, attname: str, *, good: bool | None = None) -> set:
        """Values of a field over the rows (all rows, or only good/bad ones), earlier batches included
        for the fields other kinds refer to. The set returned must not be changed."""
        if good is None:
            remembered = self._good_keys.get(attname, set()) | self._bad_keys.get(attname, set())
        else:
            remembered = (self._good_keys if good else self._bad_keys).get(attname, set())
        if not self.rows:
            return remembered
        pos = self.attnames.index(attname)
        current = {
            row.values[pos] for row in self.rows
            if row.values[pos] not in (None, "") and (good is None or row.ok == good)
        }
        return current | remembered if remembered else current

    def remember(self) -> None:
        """Keep what later batches and kinds need of the batch (the values other kinds refer to,
        with each good row's park when something asks for it), then drop the batch."""
        wants_parks = bool(self.ctx.park) or hooks.batch_hooks_active()
        intern = self.intern
        for attname in self.remembered:
            pos = self.attnames.index(attname)
            good = self._good_keys.setdefault(attname, set())
            bad = self._bad_keys.setdefault(attname, set())
            parks = self._park_by.setdefault(attname, {}) if wants_parks else None
            park_of = self.park_getter() if wants_parks else None
            for row in self.rows:
                value = row.values[pos]
                if value is None or value == "":
                    continue
                if value.__class__ is str:
                    value = intern(value)
                if row.ok:
                    good.add(value)
                    if parks is not None:
                        park = park_of(row)
                        parks[value] = intern(park) if park.__class__ is str else park
                else:
                    bad.add(value)
        self.rows = []
        self._rows_by = {}
        self._changes = None
        self.stored_parks = {}

    # -- 4. checks -----------------------------------------------------------
    def references(self) -> list[tuple[str, type[LedgerModel], str, Callable[[Row], Any]]]:
        """(field name, target model, target attname, row → referenced value) for each reference."""
        refs = []
        for fld in self.data_fields:
            if isinstance(fld, models.ForeignKey):
                pos = self.position[fld.name]
                refs.append((fld.name, fld.related_model, fld.target_field.attname,
                             lambda row, pos=pos: row.values[pos]))
        return refs

    def subject_reference(self, row: Row) -> tuple[type[LedgerModel], str] | None:
        """(model, code) of a milestone-like row's subject, when the kind has one."""
        if not hasattr(self.model, "subject_model") or "subject" not in self.position:
            return None
        kind = row.values[self.position["subject_kind"]]
        code = row.values[self.position["subject"]]
        if not kind or not code:
            return None
        try:
            return self.model(subject_kind=kind).subject_model(), code
        except KeyError:
            return None

    def check_references(self) -> None:
        ctx = self.ctx
        for name, target, target_attname, get in self.references():
            wanted = {get(row) for row in self.rows if not row.bad} - {None, ""}
            if not wanted:
                continue
            known = ctx.known_values(target, target_attname, wanted)
            bad = ctx.bad_values(target, target_attname)
            for row in self.rows:
                if row.bad:
                    continue
                value = get(row)
                if value in (None, ""):
                    continue
                if value in bad:
                    row.blocked = True
                elif value not in known:
                    self.row_error(row, name, ctx.missing_reference(target.kind_key, value))
        if hasattr(self.model, "subject_model"):
            by_model: dict[type, set] = {}
            subjects = {}
            for row in self.rows:
                if row.bad:
                    continue
                ref = self.subject_reference(row)
                if ref:
                    subjects[id(row)] = ref
                    by_model.setdefault(ref[0], set()).add(ref[1])
            known_by = {m: ctx.known_values(m, "code", codes) for m, codes in by_model.items()}
            bad_by = {m: ctx.bad_values(m, "code") for m in by_model}
            for row in self.rows:
                ref = subjects.get(id(row))
                if not ref:
                    continue
                target, code = ref
                if code in bad_by[target]:
                    row.blocked = True
                elif code not in known_by[target]:
                    self.row_error(row, "subject", ctx.missing_reference(target.kind_key, code))

    def park_of_row(self, row: Row) -> str | None:
        """The park a row belongs to (through its references), None when unknown."""
        path = self.model.park_path
        if path == "code":
            return row.values[self.position["code"]]
        if path == "park":
            return row.values[self.position["park"]]
        if not path:
            ref = self.subject_reference(row)
            return self.ctx.park_of(ref[0], "code", ref[1]) if ref else None
        first = path.split("__", 1)[0]
        fld = self.model._meta.get_field(first)
        return self.ctx.park_of(fld.related_model, fld.target_field.attname, row.values[self.position[first]])

    def park_getter(self) -> Callable[[Row], Any]:
        """`park_of_row` for many rows (what it reads looked up once)."""
        path = self.model.park_path
        if path in ("code", "park"):
            pos = self.position[path]
            return lambda row: row.values[pos]
        if not path:
            return self.park_of_row
        first = path.split("__", 1)[0]
        fld = self.model._meta.get_field(first)
        lookup = self.ctx.park_lookup(fld.related_model, fld.target_field.attname)
        pos = self.position[first]
        found: dict[Any, Any] = {}  # the park of each referenced record, looked up once per getter

        def park_of(row: Row) -> Any:
            value = row.values[pos]
            try:
                return found[value]
            except KeyError:
                park = found[value] = lookup(value)
                return park

        return park_of

    def check_parks(self) -> None:
        """With `--park`: every row (and every record it would change) belongs to the park or a sub-park."""
        ctx = self.ctx
        if not ctx.park:
            return
        path = self.model.park_path
        column = "code" if path == "code" else "park" if path == "park" else (
            "subject" if not path else path.split("__", 1)[0])
        park_of = self.park_getter()
        for row in self.rows:
            if not row.ok:
                continue
            park = park_of(row)
            if park is not None and park not in ctx.allowed_parks:
                if path == "code":
                    reason = _("园区“%(p)s”不是“%(scope)s”或其下级园区，不能在本次导入中新增或修改") % {
                        "p": park, "scope": ctx.park}
                else:
                    reason = _("属于园区“%(p)s”，不在本次导入的园区“%(scope)s”范围内") % {"p": park, "scope": ctx.park}
                self.row_error(row, column, reason)
                continue
            if path == "code" and row.values[self.position["code"]] != ctx.park:
                parent = row.values[self.position["parent"]]
                if parent not in ctx.allowed_parks:
                    self.row_error(row, "parent", _("上级园区“%(p)s”不是“%(scope)s”或其下级园区") % {
                        "p": parent or "", "scope": ctx.park})
                    continue
            stored_park = self.stored_parks.get(row.key) if row.existing and path else None
            if stored_park is not None and stored_park not in ctx.allowed_parks:
                self.row_error(row, column, _("已有记录属于园区“%(p)s”，不能在园区“%(scope)s”的导入中修改") % {
                    "p": stored_park, "scope": ctx.park})

    def refuse_kind(self, reason: str | None) -> None:
        """The user may import no row of this kind: each row refused (under its first key column)."""
        if not reason:
            return
        for row in self.rows:
            if not row.bad:
                self.row_error(row, self.nk_fields[0].name, reason)

    def unique_sets(self) -> list[tuple[str, ...]]:
        """The natural key and every other unique field or set of fields."""
        sets = [tuple(self.model.natural_key_fields)]
        for fld in self.data_fields:
            if fld.unique and (fld.name,) not in sets:
                sets.append((fld.name,))
        for constraint in self.model._meta.constraints:
            fields = tuple(getattr(constraint, "fields", ()) or ())
            if fields and fields not in sets:
                sets.append(fields)
        return sets

    def check_unique(self) -> None:
        """No two rows of the import with the same natural key (or other unique fields); the keys of
        earlier batches are kept (their texts shared) for this."""
        intern = self.intern
        for names in self.unique_sets():
            positions = [self.position[n] for n in names]
            first_seen = self._unique_seen.setdefault(names, {})
            labels = "+".join(field_label(self.model._meta.get_field(n)) for n in names)
            key_of = itemgetter(*positions) if len(positions) > 1 else (lambda values, p=positions[0]: (values[p],))
            for row in self.rows:
                if row.bad:
                    continue
                key = key_of(row.values)
                if None in key or "" in key:
                    continue
                earlier = first_seen.get(key)
                if earlier is None:
                    first_seen[tuple([intern(v) if v.__class__ is str else v for v in key])] = row.number
                    continue
                if earlier != row.number:
                    if self.generated_code and names == ("code",) and "code" not in self.present:
                        self.row_error(row, None, _("与第%(n)d行内容完全相同（重复的行）") % {"n": earlier})
                    else:
                        self.row_error(row, names[0], _("与第%(n)d行重复（%(labels)s相同）") % {
                            "n": earlier, "labels": labels})

    def needs_instances(self) -> bool:
        """Rows become model instances only when something reads them as such."""
        return (bool(self.model.date_order) or self.model.clean is not LedgerModel.clean or bool(hooks.row_checks())
                or hooks.batch_hooks_active())

    def validate_fields(self) -> None:
        """Required fields and each field's validators (before references: a malformed code says so)."""
        checks = []
        for fld in self.data_fields:
            pos = self.position[fld.name]
            required = not fld.blank
            runner = validator(fld)
            if required or runner:
                checks.append((fld.name, pos, required, runner))
        rows = self.rows
        if rows and not any(row.bad for row in rows):
            # the usual batch, no error yet: a column whose values are all there and all pass
            # its quick check needs nothing more; the others are checked row by row below
            columns = list(zip(*[row.values for row in rows], strict=True))
            slow = []
            for check in checks:
                _name, pos, required, runner = check
                column = columns[pos]
                # `None in` / `"" in` a column of decimals compares each with an ABC check: the
                # values' types first (a text or a None is what can be empty)
                types = set(map(type, column))
                empty = type(None) in types or (any(issubclass(t, str) for t in types) and "" in column)
                if required and empty:
                    slow.append(check)
                    continue
                if runner is not None:
                    quick = runner[0]
                    try:
                        passed = all(map(quick, [v for v in column if v is not None and v != ""] if empty else column))
                    except TypeError:
                        passed = False
                    if not passed:
                        slow.append(check)
            checks = slow
            if not checks:
                return
        for row in rows:
            if row.bad and not row.failed:
                continue
            values = row.values
            failed = row.failed or ()
            for name, pos, required, runner in checks:
                if pos in failed:
                    continue  # already reported: the cell could not be read
                value = values[pos]
                if value is None or value == "":
                    if required:
                        self.row_error(row, name, _("必填项，不能为空"))
                    continue
                if runner is not None:
                    try:
                        passed = runner[0](value)
                    except TypeError:
                        passed = False
                    if not passed:
                        errors = runner[1](value)
                        if errors:
                            self.row_error(row, name, "；".join(errors))

    def validate(self) -> None:
        """The model's date order (and the kind's cross-row checks), then the registered row checks."""
        plain_clean = self.model.clean is LedgerModel.clean
        date_order = bool(self.model.date_order)
        make_instances = self.needs_instances()
        row_checks = hooks.row_checks()
        model = self.model
        pos_id = self.position["id"]
        make = self._make_instance
        for row in self.rows:
            if not row.ok:
                continue
            values = row.values
            if row.existing:
                values[pos_id] = row.existing[0]
            if not make_instances:
                continue
            instance = make(values, row.existing is None)
            row.instance = instance
            if plain_clean and date_order:
                try:
                    instance.clean()
                except ValidationError as exc:
                    self.validation_error(row, exc)
        for check in self.cross_checks:
            check.collect(self)
        if row_checks:
            for row in self.rows:
                if not row.ok or row.instance is None:
                    continue
                for check in row_checks:
                    try:
                        check(model, row.instance, row.existing is None)
                    except ValidationError as exc:
                        self.validation_error(row, exc)
                        break
        if hooks.rows_checks():
            changes = self.changes()
            for check in hooks.rows_checks():  # a row refused by one check is not shown to the next
                check(model, [change for change, _row in changes if not change.rejections])
            for change, row in changes:
                for reason, field_name in change.rejections:
                    self.row_error(row, field_name, reason)

    def changes(self) -> list[tuple[hooks.RowChange, Row]]:
        """The good rows of the batch as batch hooks see them (made once per batch: a row a check
        refused is no longer good, and is left out by the callers)."""
        if self._changes is None:
            park_of, stored_parks, model, name = self.park_getter(), self.stored_parks, self.model, self.name
            change = hooks.RowChange
            self._changes = [
                (change(model, row.instance, row.existing is None, row.before, park_of(row), name, row.number,
                        stored_park=stored_parks.get(row.key) if row.existing else None), row)
                for row in self.rows if row.ok and row.instance is not None
            ]
        return [(change, row) for change, row in self._changes if row.ok]

    def finish(self) -> None:
        """After the last batch: the cross-row checks' verdicts; what the kind kept is dropped unless
        other kinds refer to it."""
        for check in self.cross_checks:
            check.finish(self)
        self._unique_seen = {}
        if not self.remembered:
            self._strings = {}

    # -- 5. write --------------------------------------------------------------
    def write(self) -> None:
        """The model's own clean() where it reads the database, then the upsert of the good rows."""
        if self.model.clean is not LedgerModel.clean:
            for row in self.rows:
                if row.ok and row.instance is not None:
                    try:
                        row.instance.clean()
                    except ValidationError as exc:
                        self.validation_error(row, exc)
        rows = [row for row in self.rows if row.ok]
        created = sum(1 for row in rows if row.existing is None)
        self.created += created
        self.updated += len(rows) - created  # a row of a stored record counts as updated, changed or not
        if not rows:
            return
        written = [row for row in rows if row.existing is None or self.changes_stored(row)]
        self.ctx.tick(len(rows) - len(written))  # progress: the rows left as they are are done
        if written:
            self.ctx.upsert(self, written, leave_open=True)
        if hooks.rows_written_hooks():
            self._written = [change for change, _row in self.changes()]
        if not self.ctx.write_pending:
            self.end_write()

    def end_write(self) -> None:
        """The end of the batch's write (`write`; a COPY the server was still storing, see
        `batches`), then the rows-written hooks."""
        changes, self._written = self._written, None
        self.ctx.end_write()
        if changes is not None and not self.ctx.write_failed:
            for hook in hooks.rows_written_hooks():
                hook(self.model, changes)

    def changes_stored(self, row: Row) -> bool:
        """Whether upserting a row of a stored record would change a stored value: False when every
        data value to be written equals the stored one (the record, its `last_updated` included,
        is then left as it is)."""
        stored = row.existing
        if stored is None:
            return True
        if row.instance is not None:
            get = row.instance.__dict__.get
            values = [get(attname) for attname in self._stored_attnames]
        else:
            values = [row.values[pos] for pos in self._stored_positions]
        return values != list(stored[1: 1 + len(values)])

    def upsert_parts(self) -> tuple[str, list[str], str, str, list[str]]:
        """(table, quoted columns, conflict columns, SET clause, attnames of the columns) of the upsert."""
        qn = connection.ops.quote_name
        fields = [fld for fld in self.concrete if not fld.primary_key]
        conflict = ", ".join(qn(fld.column) for fld in self.nk_fields)
        keep = {"created", *self.model.natural_key_fields}
        update = [
            fld for fld in fields
            if fld.name not in keep and (fld.name in self.present or fld.name == "last_updated")
        ]
        sets = ", ".join(f"{qn(fld.column)} = EXCLUDED.{qn(fld.column)}" for fld in update)
        return (qn(self.model._meta.db_table), [qn(fld.column) for fld in fields], conflict, sets,
                [fld.attname for fld in fields])

    def upsert_sql(self) -> tuple[str, list[str]]:
        """The INSERT … ON CONFLICT statement of one row, and the attnames of its parameters."""
        table, columns, conflict, sets, attnames = self.upsert_parts()
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
        )
        return sql, attnames

    def params(self, rows: list[Row], attnames: list[str]) -> Iterable[list[Any]]:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        stamp = {attnames.index("created"), attnames.index("last_updated")}
        from_instance = attrgetter(*attnames)
        from_values = itemgetter(*(self.attnames.index(a) for a in attnames))
        for row in rows:
            params = list(from_instance(row.instance) if row.instance is not None else from_values(row.values))
            for i in stamp:
                params[i] = now
            yield params
