"""Writing, verifying, exporting and purging the hash-chained audit log.

- `audit_log(action, *, obj=None, user=None, result="success", detail=None)` appends one entry
  (the actor and address come from `parkledger.accounts.context`).
- `append_entries(rows)` appends many entries at once (an import's rows): the chain's tail is
  read once under the chain's lock, the hashes are computed here and the entries inserted in
  batches.
- `verify_chain()` recomputes every hash and reports edited, inserted or deleted entries.
- `export_csv(stream, entries)` writes entries as CSV; `purge_before(cutoff)` removes entries
  older than the retention period and re-anchors the chain with a checkpoint entry.
- `record_history(model, pk)` is one record's entries, newest first; `entry_changes(entry)` the
  fields an entry changed.
"""
from __future__ import annotations

import csv
import hashlib
import json
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import IO, Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.accounts.conf import security_setting
from parkledger.accounts.context import current_actor
from parkledger.audit.models import AuditAction, AuditEntry, AuditResult

__all__ = [
    "GENESIS_HASH", "audit_log", "append_entries", "snapshot_values", "jsonable", "record_snapshot", "object_kind", "object_natural_key",
    "entry_payload", "entry_hash", "natural_key_getter", "instance_values", "stored_values_getter", "canonical_json", "verify_chain", "VerifyReport", "export_csv", "purge_before",
    "record_history", "entry_changes", "AUDIT_CSV_COLUMNS",
]

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 0x504C4155  # "PLAU": serialises appends to the chain on PostgreSQL


def jsonable(value: Any) -> Any:
    """A JSON value that survives a database round trip unchanged (no floats, no Decimals, no dates)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)
    return str(value)


def object_kind(model: type[models.Model]) -> str:
    """A ledger's kind key, else `app_label.model_name`."""
    return getattr(model, "kind_key", "") or model._meta.label_lower


def natural_key_getter(model: type[models.Model]) -> Any:
    """`object_natural_key` for many records of one model (the key's attnames looked up once)."""
    names = getattr(model, "natural_key_fields", None)
    if not names:
        return object_natural_key
    try:
        getter = operator.attrgetter(*(model._meta.get_field(name).attname for name in names))
    except Exception:  # a natural key that is not made of fields
        return object_natural_key
    if len(names) == 1:
        return lambda obj: ("" if (v := getter(obj)) is None else str(v))[:255]
    return lambda obj: "/".join("" if v is None else str(v) for v in getter(obj))[:255]


def object_natural_key(obj: models.Model) -> str:
    natural_key = getattr(obj, "natural_key", None)
    if callable(natural_key):
        try:
            return "/".join("" if v is None else str(v) for v in natural_key())[:255]
        except Exception:  # a natural key over a missing relation
            return ""
    return str(obj)[:255]


_PLAIN = (str, int, bool, type(None))


@dataclass(frozen=True)
class _SnapshotPlan:
    names: tuple[str, ...]
    attnames: tuple[str, ...]
    getter: Any  # obj → tuple of the attnames' values
    decimals: tuple[tuple[int, Decimal], ...]  # (position, quantum) of each decimal field


@cache
def _snapshot_plan(model: type[models.Model]) -> _SnapshotPlan:
    """What a snapshot of a model reads: the user-entered fields, and the places of its decimals."""
    from parkledger.core.kinds import data_fields

    fields = data_fields(model)
    attnames = tuple(f.attname for f in fields)
    getter = operator.attrgetter(*attnames) if len(attnames) > 1 else (lambda obj: (getattr(obj, attnames[0]),))
    return _SnapshotPlan(
        names=tuple(f.name for f in fields), attnames=attnames, getter=getter,
        decimals=tuple((i, Decimal(1).scaleb(-f.decimal_places)) for i, f in enumerate(fields)
                       if isinstance(f, models.DecimalField)),
    )


def _snapshot(plan: _SnapshotPlan, values: tuple | list) -> dict[str, Any]:
    values = list(values)
    for i, quantum in plan.decimals:
        value = values[i]
        if isinstance(value, Decimal) and value.is_finite():
            # as the database stores it: Decimal("10") and Decimal("10.0000") are one value
            values[i] = format(value.quantize(quantum), "f")
    return {name: value if type(value) in _PLAIN else jsonable(value) for name, value in zip(plan.names, values, strict=True)}


def record_snapshot(obj: models.Model) -> dict[str, Any]:
    """The user-entered values of a record (references as codes, decimals at the field's
    places), JSON-ready."""
    plan = _snapshot_plan(type(obj))
    return _snapshot(plan, plan.getter(obj))


def instance_values(model: type[models.Model], obj: models.Model) -> tuple:
    """The raw values of a record's user-entered fields (in `snapshot_values`' order)."""
    return _snapshot_plan(model).getter(obj)


def stored_values_getter(model: type[models.Model]) -> Any:
    """stored values by attname → the tuple `instance_values` gives for the same record."""
    attnames = _snapshot_plan(model).attnames
    return lambda values: tuple(values.get(attname) for attname in attnames)


def snapshot_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """`record_snapshot` of a record given as its stored values by attname (no instance needed)."""
    plan = _snapshot_plan(model)
    return _snapshot(plan, [values.get(attname) for attname in plan.attnames])


def _utc_text(time: datetime) -> str:
    return time.astimezone(UTC).isoformat(timespec="milliseconds")


_PAYLOAD_FIELDS = ("user_id", "username", "ip", "action", "object_kind", "object_pk", "natural_key", "result",
                   "before", "after", "detail")


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    """The entry's canonical content: every stored field except `hash` (the time in UTC, to the millisecond)."""
    payload = {name: getattr(entry, name) for name in _PAYLOAD_FIELDS}
    payload.update(seq=entry.seq, time=_utc_text(entry.time), prev_hash=entry.prev_hash)
    return payload


def _payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """sha256 over the canonical JSON (sorted keys, no spaces, UTF-8) of the entry's payload."""
    return _payload_hash(entry_payload(entry))


def _lock_chain() -> None:
    """Serialise appends so two writers never chain onto the same entry."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


_INSERT_FIELDS = ("seq", "time", "user_id", "username", "ip", "action", "object_kind", "object_pk",
                  "natural_key", "result", "before", "after", "detail", "prev_hash", "hash")


def _insert(cursor: Any, entry: AuditEntry) -> None:
    """INSERT one entry with plain SQL (appends are frequent: the ORM's per-query cost is avoided)."""
    meta = AuditEntry._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    params = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    if connection.features.can_return_columns_from_insert:
        cursor.execute(f"{sql} RETURNING {quote(meta.pk.column)}", params)
        entry.pk = cursor.fetchone()[0]
    else:
        cursor.execute(sql, params)
        entry.pk = cursor.lastrowid


def _now_ms() -> datetime:
    now = timezone.now()
    # milliseconds: the precision every database and Django's JSON serialiser keep
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _append(**fields: Any) -> AuditEntry:
    quote = connection.ops.quote_name
    table = quote(AuditEntry._meta.db_table)
    for attempt in range(5):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _lock_chain()
                cursor.execute(f"SELECT {quote('seq')}, {quote('hash')} FROM {table} ORDER BY {quote('seq')} DESC LIMIT 1")
                last = cursor.fetchone()
                seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
                entry = AuditEntry(seq=seq, prev_hash=prev_hash, time=_now_ms(), **fields)
                entry.hash = entry_hash(entry)
                _insert(cursor, entry)
                entry._state.adding = False
                entry._state.db = connection.alias
                return entry
        except IntegrityError:  # a concurrent writer took the same seq (SQLite): chain onto it
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


APPEND_BATCH = 2000
_JSON_FIELDS = ("before", "after", "detail")
_encode_text = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) does to a str


def canonical_json(value: Any) -> str:
    """The canonical JSON of a value (sorted keys, no spaces, UTF-8 text), as the hash reads it."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _scalar_json(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _encode_text(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return canonical_json(value)
    return str(value)


_SCALAR_FIELDS = tuple(name for name in _PAYLOAD_FIELDS if name not in _JSON_FIELDS)
#: every hashed field, in the canonical JSON's (sorted) order
_HASHED_KEYS = tuple(sorted((*_PAYLOAD_FIELDS, "seq", "time", "prev_hash")))


COPY_THRESHOLD = 200  # PostgreSQL: from this many entries on, COPY instead of INSERTs


def _insert_many(cursor: Any, entries: list[list[Any]]) -> None:
    """INSERT many entries (parameter lists in `_INSERT_FIELDS` order, JSON fields as JSON text);
    on PostgreSQL a large batch goes through COPY (one statement instead of one per entry)."""
    meta = AuditEntry._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql" and len(entries) >= COPY_THRESHOLD:
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for entry in entries:
                copy.write_row(entry)
        return
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    marks = ", ".join(f"%s{cast}" if f.name in _JSON_FIELDS else "%s" for f in fields)
    cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})", entries)


def append_entries(rows: list[dict[str, Any]]) -> int:
    """Append one entry per dict of field values (user_id, username, ip, action, result,
    object_kind, object_pk, natural_key, before, after, detail: JSON-ready), in order; returns
    the count.

    The hashes are computed here (the canonical JSON of each entry is assembled from its
    fields' JSON, which is also what the JSON columns store) and the entries inserted in
    batches of `APPEND_BATCH` rows. The chain's tail is read once and held until the
    surrounding transaction ends: on PostgreSQL by the chain's advisory lock, on SQLite by the
    write lock the transaction holds once it has written (an import has written its rows
    before it logs them). Should another writer still have taken the next number, the whole
    batch is chained again onto its entry.
    """
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(AuditEntry._meta.db_table)
    for attempt in range(5):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _lock_chain()
                cursor.execute(f"SELECT {quote('seq')}, {quote('hash')} FROM {table} ORDER BY {quote('seq')} DESC LIMIT 1")
                last = cursor.fetchone()
                seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
                now = _now_ms()
                time_json = _encode_text(_utc_text(now))
                time_param = AuditEntry._meta.get_field("time").get_db_prep_save(now, connection)
                batch: list[list[Any]] = []
                shared: dict[int, str] = {}  # JSON of a value several rows share (the rows keep it alive)
                for fields in rows:
                    seq += 1
                    texts = {name: fields.get(name, "") for name in _SCALAR_FIELDS}
                    texts["user_id"] = fields.get("user_id")
                    parts = {name: _scalar_json(value) for name, value in texts.items()}
                    for name in _JSON_FIELDS:
                        value = fields.get(name)
                        if value is None:
                            texts[name], parts[name] = None, "null"
                            continue
                        text = shared.get(id(value))
                        if text is None:
                            text = shared[id(value)] = canonical_json(value)
                        texts[name] = parts[name] = text
                    parts.update(seq=str(seq), time=time_json, prev_hash=_encode_text(prev_hash))
                    canonical = "{" + ",".join(f'"{key}":{parts[key]}' for key in _HASHED_KEYS) + "}"
                    entry_hash_ = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
                    texts.update(seq=seq, time=time_param, prev_hash=prev_hash, hash=entry_hash_)
                    batch.append([texts[name] for name in _INSERT_FIELDS])
                    prev_hash = entry_hash_
                    if len(batch) >= APPEND_BATCH:
                        _insert_many(cursor, batch)
                        batch = []
                if batch:
                    _insert_many(cursor, batch)
                return len(rows)
        except IntegrityError:  # a concurrent writer took the same seq (SQLite): chain onto it
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def audit_log(
    action: str,
    *,
    obj: models.Model | None = None,
    user: Any = None,
    result: str = AuditResult.SUCCESS,
    detail: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    kind: str = "",
) -> AuditEntry:
    """Append one audit entry and return it.

    `user` overrides the current actor's user (a login names the user before the session
    knows him); it may be a user object or a user name (a failed login of an unknown name).
    `obj` names the object (kind key or model label, pk, natural key); `kind` names a kind
    without an object (an export of a whole ledger).
    """
    actor = current_actor()
    user_id, username = actor.user_id, actor.username
    if isinstance(user, str):
        user_id, username = None, user
    elif user is not None:
        user_id, username = user.pk, user.get_username()
    object_fields: dict[str, Any] = {"object_kind": kind, "object_pk": "", "natural_key": ""}
    if obj is not None:
        object_fields = {
            "object_kind": kind or object_kind(obj.__class__),
            "object_pk": "" if obj.pk is None else str(obj.pk),
            "natural_key": object_natural_key(obj),
        }
    return _append(
        user_id=user_id, username=username[:150], ip=actor.ip, action=str(action), result=str(result),
        before=jsonable(before), after=jsonable(after), detail=jsonable(detail), **object_fields,
    )


# -- verification -----------------------------------------------------------------------------

@dataclass
class VerifyReport:
    """The outcome of `verify_chain`: entries checked, problems found (each naming an entry)."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return not self.problems


def _anchors() -> dict[int, str]:
    """seq of the first kept entry → its expected prev_hash, from the purge checkpoints."""
    anchors: dict[int, str] = {}
    for detail in AuditEntry.objects.filter(action=AuditAction.AUDIT_PURGE).values_list("detail", flat=True):
        if isinstance(detail, dict) and "anchor_seq" in detail:
            anchors[int(detail["anchor_seq"])] = str(detail.get("anchor_prev_hash", ""))
    return anchors


def verify_chain(entries: Iterable[AuditEntry] | None = None) -> VerifyReport:
    """Recompute the chain; a problem names the entry that was edited, or the gap where entries went."""
    report = VerifyReport()
    rows = entries if entries is not None else AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    previous: AuditEntry | None = None
    for entry in rows:
        report.checked += 1
        if previous is None:
            report.first_seq = entry.seq
            if entry.seq == 1:
                if entry.prev_hash != GENESIS_HASH:
                    report.problems.append(_("条目 #%(seq)s：首条的前一条哈希不是初始值") % {"seq": entry.seq})
            elif _anchors().get(entry.seq) != entry.prev_hash:
                report.problems.append(
                    _("条目 #1 至 #%(last)s 缺失：没有清理检查点记录这些条目的删除") % {"last": entry.seq - 1}
                )
        else:
            if entry.seq != previous.seq + 1:
                report.problems.append(
                    _("条目 #%(a)s 至 #%(b)s 缺失（在 #%(prev)s 与 #%(seq)s 之间被删除）")
                    % {"a": previous.seq + 1, "b": entry.seq - 1, "prev": previous.seq, "seq": entry.seq}
                )
            elif entry.prev_hash != previous.hash:
                report.problems.append(
                    _("条目 #%(seq)s：前一条哈希与条目 #%(prev)s 不符（链被改写）")
                    % {"seq": entry.seq, "prev": previous.seq}
                )
        if entry_hash(entry) != entry.hash:
            report.problems.append(_("条目 #%(seq)s：内容与哈希不符（被修改）") % {"seq": entry.seq})
        previous = entry
    if previous is not None:
        report.last_seq = previous.seq
        report.head_hash = previous.hash
    return report


# -- export, purge, history ---------------------------------------------------------------------

AUDIT_CSV_COLUMNS = (
    "seq", "time", "username", "user_id", "ip", "action", "result", "object_kind", "object_pk",
    "natural_key", "before", "after", "detail", "prev_hash", "hash",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    # a cell starting with = + - @ is a formula to Excel: quote it (CSV injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_csv(stream: IO[str], entries: Iterable[AuditEntry]) -> int:
    """Write entries as CSV (times in the local time zone); returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(AUDIT_CSV_COLUMNS)
    count = 0
    for entry in entries:
        row = []
        for column in AUDIT_CSV_COLUMNS:
            value = getattr(entry, column)
            if column == "time":
                value = timezone.localtime(value).isoformat(timespec="seconds")
            row.append(_cell(value))
        writer.writerow(row)
        count += 1
    return count


class RetentionError(ValueError):
    """A purge that would remove entries younger than the retention period."""


def purge_before(cutoff: datetime) -> int:
    """Delete the entries older than `cutoff` (a prefix of the chain) and append a checkpoint.

    Refuses a cutoff inside the retention period (`AUDIT_RETENTION_DAYS`, ≥ 180 days).
    """
    days = int(security_setting("AUDIT_RETENTION_DAYS"))
    limit = timezone.now() - timedelta(days=max(days, 180))
    if cutoff > limit:
        raise RetentionError(
            _("审计日志须保留至少 %(days)s 天：只能清理 %(limit)s 之前的条目") % {"days": max(days, 180), "limit": limit.date()}
        )
    with transaction.atomic():
        _lock_chain()
        first_kept = AuditEntry.objects.filter(time__gte=cutoff).order_by("seq").values_list("seq", "prev_hash").first()
        if first_kept is None:
            # never purge the whole log: keep the last entry as the anchor
            first_kept = AuditEntry.objects.order_by("-seq").values_list("seq", "prev_hash").first()
        if first_kept is None:
            return 0
        doomed = AuditEntry.objects.filter(seq__lt=first_kept[0])
        count = doomed.count()
        if not count:
            return 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL parkledger.audit_purge = 'on'")
        doomed._raw_delete(doomed.db)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL parkledger.audit_purge = 'off'")
        audit_log(
            AuditAction.AUDIT_PURGE,
            detail={
                "purged_before": cutoff.isoformat(), "purged_count": count,
                "anchor_seq": first_kept[0], "anchor_prev_hash": first_kept[1],
            },
        )
    return count


def record_history(model: type[models.Model], pk: Any) -> models.QuerySet[AuditEntry]:
    """The audit entries of one record, newest first (rows created by an import, logged before
    their id existed, are found by the record's natural key)."""
    kind = object_kind(model)
    condition = models.Q(object_pk=str(pk))
    obj = model._base_manager.filter(pk=pk).first()
    if obj is not None:
        natural_key = object_natural_key(obj)
        if natural_key:
            condition |= models.Q(object_pk="", natural_key=natural_key)
    return AuditEntry.objects.filter(condition, object_kind=kind).order_by("-seq")


def entry_changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field whose value differs between the entry's snapshots."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
