"""Writing, verifying, exporting and purging the MAC-chained audit log.

Every entry's `hash` is HMAC-SHA256, under the audit key (`parkledger.audit.keys`: an
environment variable or a file outside the database), of the entry's canonical JSON, which
includes `prev_hash`, the MAC of the entry before it. Without the key nobody can edit an entry
and recompute the chain after it; the head is also anchored outside the database after every
committed write batch (`parkledger.audit.anchors`), so cutting the newest entries shows too.

- `audit_log(action, *, obj=None, user=None, result="success", detail=None)` appends one entry
  (the actor and address come from `parkledger.accounts.context`).
- `append_entries(rows)` appends many entries at once (an import's rows): the chain's tail is
  read once under the chain's lock, the MACs are computed here and the entries inserted in
  batches (one streamed COPY on PostgreSQL); one anchor per batch.
- `verify_chain()` recomputes every MAC and reports edited, inserted or deleted entries, a cut
  tail (the last anchor is ahead of the database), forged checkpoints and a wrong key.
- `export_csv(stream, entries)` writes entries as CSV; `purge_before(cutoff)` removes entries
  older than the retention period and appends a MAC'd checkpoint (on PostgreSQL the rows are
  deleted by the SECURITY DEFINER function `parkledger_audit_purge`, see migration 0002).
- `record_history(model, pk)` is one record's entries, newest first; `entry_changes(entry)` the
  fields an entry changed.

Databases written before the key existed (entries chained by plain SHA-256): the first append
under a key finds a head that is not MAC'd but matches the old unkeyed hash and, if the log has
no key checkpoint yet, first appends one (`audit_rekey`, 启用审计密钥) recording the legacy
range and head; `parkledger audit rechain` does the same on demand. Verify checks the entries
before that checkpoint with the old unkeyed hash (they are only as strong as before, but the
checkpoint's MAC seals their head: rewriting them changes the head it names) and every entry
from the checkpoint on with the key. A second key checkpoint is never written automatically.
"""
from __future__ import annotations

import csv
import hashlib
import json
import operator
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.accounts.conf import security_setting
from parkledger.accounts.context import current_actor
from parkledger.audit import anchors
from parkledger.audit.keys import AuditKey, load_key
from parkledger.audit.models import AuditAction, AuditEntry, AuditResult

__all__ = [
    "GENESIS_HASH", "audit_log", "append_entries", "snapshot_values", "jsonable", "record_snapshot",
    "record_snapshot_json", "object_kind", "object_natural_key",
    "entry_payload", "entry_hash", "legacy_hash", "seal_legacy_chain", "reanchor_after_restore", "RetentionError", "PurgeUnavailable", "natural_key_getter", "instance_values", "stored_values_getter", "canonical_json", "verify_chain", "VerifyReport", "export_csv", "purge_before",
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


_encode_text = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) does to a str


_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """The canonical JSON of a value (sorted keys, no spaces, UTF-8 text), as the MAC reads it."""
    return _CANONICAL_ENCODER.encode(value)


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
    decimals: tuple[tuple[int, Decimal, int], ...]  # (position, quantum, places) of each decimal field
    # the snapshot as canonical JSON (`record_snapshot_json`): the fields in the JSON's (sorted) order
    sorted_getter: Any  # obj → tuple of the values in sorted-name order
    json_template: str  # '{"name":%s,…}' in sorted-name order
    sorted_decimals: tuple[tuple[Decimal, int] | None, ...]  # (quantum, places) per sorted position


def _attrs_getter(attnames: tuple[str, ...]) -> Any:
    if len(attnames) > 1:
        return operator.attrgetter(*attnames)
    return lambda obj: (getattr(obj, attnames[0]),)


@cache
def _snapshot_plan(model: type[models.Model]) -> _SnapshotPlan:
    """What a snapshot of a model reads: the user-entered fields, and the places of its decimals."""
    from parkledger.core.kinds import data_fields

    fields = data_fields(model)
    attnames = tuple(f.attname for f in fields)
    ordered = sorted(fields, key=lambda f: f.name)
    return _SnapshotPlan(
        names=tuple(f.name for f in fields), attnames=attnames, getter=_attrs_getter(attnames),
        decimals=tuple((i, Decimal(1).scaleb(-f.decimal_places), f.decimal_places) for i, f in enumerate(fields)
                       if isinstance(f, models.DecimalField)),
        sorted_getter=_attrs_getter(tuple(f.attname for f in ordered)),
        json_template="{" + ",".join(f"{_encode_text(f.name).replace('%', '%%')}:%s" for f in ordered) + "}",
        sorted_decimals=tuple((Decimal(1).scaleb(-f.decimal_places), f.decimal_places)
                              if isinstance(f, models.DecimalField) else None for f in ordered),
    )


def _decimal_text(value: Decimal, quantum: Decimal, places: int | None = None) -> str:
    """`format(value.quantize(quantum), "f")` (`places`: the quantum's decimal places), without the
    quantize when only zeros are missing."""
    text = format(value, "f")
    if places is None:
        places = -int(quantum.as_tuple().exponent)
    if places <= 0:
        return format(value.quantize(quantum), "f")
    dot = text.find(".")
    if dot < 0:
        return f"{text}.{'0' * places}"
    missing = places - (len(text) - dot - 1)
    if missing > 0:
        return text + "0" * missing
    return text if missing == 0 else format(value.quantize(quantum), "f")


def _snapshot(plan: _SnapshotPlan, values: tuple | list) -> dict[str, Any]:
    values = list(values)
    for i, quantum, places in plan.decimals:
        value = values[i]
        if value.__class__ is Decimal and places > 0 and value.is_finite():
            # as the database stores it: Decimal("10") and Decimal("10.0000") are one value
            # (`_decimal_text` inlined: the usual value only lacks zeros)
            text = format(value, "f")
            dot = text.find(".")
            missing = places - (len(text) - dot - 1) if dot >= 0 else -1
            values[i] = (text + "0" * missing if missing > 0 else text if missing == 0
                         else _decimal_text(value, quantum, places))
        elif isinstance(value, Decimal) and value.is_finite():
            values[i] = _decimal_text(value, quantum, places)
    return {name: value if type(value) in _PLAIN else jsonable(value) for name, value in zip(plan.names, values, strict=True)}


def record_snapshot(obj: models.Model) -> dict[str, Any]:
    """The user-entered values of a record (references as codes, decimals at the field's
    places), JSON-ready."""
    plan = _snapshot_plan(type(obj))
    return _snapshot(plan, plan.getter(obj))


_BOOL_JSON = {True: "true", False: "false"}


def record_snapshot_json(obj: models.Model) -> str:
    """`canonical_json(record_snapshot(obj))`, made without the dict: the text an entry stores
    and MACs (`append_entries(…, encode=…)`)."""
    plan = _snapshot_plan(type(obj))
    texts = []
    append = texts.append
    for value, decimal in zip(plan.sorted_getter(obj), plan.sorted_decimals, strict=True):
        cls = value.__class__
        if cls is str:
            append(_encode_text(value))
        elif decimal is not None and cls is Decimal and decimal[1] > 0:
            # as the database stores it (see `_snapshot`): str() is plain notation unless it
            # writes an exponent ("E"), a value with more places than the field's is rounded
            text = str(value)
            dot = text.find(".")
            if dot >= 0:
                missing = decimal[1] - (len(text) - dot - 1)
                plain = missing >= 0 and "E" not in text
            else:
                missing = -1
                plain = "E" not in text and value.is_finite()
            if not plain:
                append(_snapshot_value_json(value, decimal))
            elif dot < 0:
                append(f'"{text}.{"0" * decimal[1]}"')
            else:
                append(f'"{text}{"0" * missing}"' if missing else f'"{text}"')
        elif value is None:
            append("null")
        elif cls is bool:
            append(_BOOL_JSON[value])
        elif cls is int:
            append(int.__repr__(value))
        else:
            append(_snapshot_value_json(value, decimal))
    return plan.json_template % tuple(texts)


def _snapshot_value_json(value: Any, decimal: tuple[Decimal, int] | None) -> str:
    """The canonical JSON of one value of a snapshot, as `_snapshot` makes it (the general way)."""
    if decimal is not None and isinstance(value, Decimal) and value.is_finite():
        return _encode_text(_decimal_text(value, *decimal))
    return canonical_json(value if type(value) in _PLAIN else jsonable(value))


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


def _payload_bytes(payload: dict[str, Any]) -> bytes:
    return canonical_json(payload).encode("utf-8")


def entry_hash(entry: AuditEntry, key: AuditKey | None = None) -> str:
    """HMAC-SHA256 under the audit key of the canonical JSON (sorted keys, no spaces, UTF-8) of
    the entry's payload."""
    return (key or load_key()).mac(_payload_bytes(entry_payload(entry)))


def legacy_hash(entry: AuditEntry) -> str:
    """The unkeyed sha256 the log was chained with before it had a key (see the module docstring)."""
    return hashlib.sha256(_payload_bytes(entry_payload(entry))).hexdigest()


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


# -- the chain's head: anchors after commit, the legacy seal ------------------------------------

#: per database alias, the head (seq, MAC) this process last wrote or found MAC'd under its key
_known_heads: dict[str, tuple[int, str]] = {}


def _anchor_after_commit() -> None:
    """After a committed write batch: the head as committed, to the anchor file (and syslog)."""
    try:
        head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        if head is not None:
            anchors.write_anchor(load_key(), head[0], head[1], connection.alias)
    except Exception as exc:  # an anchor that cannot be written must not fail the committed work
        anchors.log.error("audit anchor not written: %s", exc)


def reanchor_after_restore() -> None:
    """After a restore from a backup: anchor the restored head as a new start (a `reset` line),
    since the anchors of the overwritten database name entries the backup does not hold."""
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS_HASH)
    anchors.write_anchor(load_key(), head[0], head[1], connection.alias, reset=True)
    _known_heads.pop(connection.alias, None)


def _schedule_anchor() -> None:
    """One anchor per transaction that appended entries, written once it commits: a callback is
    registered unless the one registered before is still waiting for this transaction's commit
    (a rollback, or a savepoint's, drops it from the connection's list)."""
    pending = getattr(connection, "_pl_audit_anchor", None)
    if pending is not None and any(item[1] is pending for item in connection.run_on_commit):
        return

    def anchor() -> None:
        if getattr(connection, "_pl_audit_anchor", None) is anchor:
            connection._pl_audit_anchor = None
        _anchor_after_commit()

    connection._pl_audit_anchor = anchor
    transaction.on_commit(anchor)


def _tail(cursor: Any) -> tuple[int, str] | None:
    quote = connection.ops.quote_name
    table = quote(AuditEntry._meta.db_table)
    cursor.execute(f"SELECT {quote('seq')}, {quote('hash')} FROM {table} ORDER BY {quote('seq')} DESC LIMIT 1")
    row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _checked_tail(cursor: Any, key: AuditKey) -> tuple[int, str] | None:
    """The chain's tail to append to; a legacy (unkeyed) head is sealed first (module docstring)."""
    last = _tail(cursor)
    if last is None or _known_heads.get(connection.alias) == last:
        return last
    head = AuditEntry.objects.filter(seq=last[0]).first()
    if head is not None and head.hash != entry_hash(head, key) and head.hash == legacy_hash(head) \
            and not AuditEntry.objects.filter(action=AuditAction.AUDIT_REKEY).exists() \
            and not any(isinstance(a, anchors.Anchor) and a.valid for a in anchors.read_anchors(key, connection.alias)):
        # never a log that was anchored under the key: that one was rewritten without it
        sealed = _seal(cursor, key, last)
        last = (sealed.seq, sealed.hash)
    _known_heads[connection.alias] = last
    return last


def _seal(cursor: Any, key: AuditKey, last: tuple[int, str]) -> AuditEntry:
    first = AuditEntry.objects.order_by("seq").values_list("seq", flat=True).first()
    actor = current_actor()
    entry = AuditEntry(
        seq=last[0] + 1, prev_hash=last[1], time=_now_ms(), user_id=actor.user_id, username=actor.username[:150],
        ip=actor.ip, action=str(AuditAction.AUDIT_REKEY), result=str(AuditResult.SUCCESS), object_kind="",
        object_pk="", natural_key="", before=None, after=None,
        detail={"legacy_first": first, "legacy_last": last[0], "legacy_head": last[1], "key_id": key.key_id},
    )
    entry.hash = entry_hash(entry, key)
    _insert(cursor, entry)
    return entry


def seal_legacy_chain() -> AuditEntry | None:
    """`parkledger audit rechain`: seal an unkeyed chain's head with a key checkpoint now (None
    when the log is empty, already keyed or already sealed)."""
    key = load_key()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_chain()
        before = AuditEntry.objects.filter(action=AuditAction.AUDIT_REKEY).values_list("seq", flat=True).first()
        _known_heads.pop(connection.alias, None)
        _checked_tail(cursor, key)
        sealed = AuditEntry.objects.filter(action=AuditAction.AUDIT_REKEY).order_by("seq").first()
        if sealed is None or sealed.seq == before:
            return None
        _schedule_anchor()
        return sealed


def _append(**fields: Any) -> AuditEntry:
    key = load_key()
    for attempt in range(5):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _lock_chain()
                last = _checked_tail(cursor, key)
                seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
                entry = AuditEntry(seq=seq, prev_hash=prev_hash, time=_now_ms(), **fields)
                entry.hash = entry_hash(entry, key)
                _insert(cursor, entry)
                entry._state.adding = False
                entry._state.db = connection.alias
                _known_heads[connection.alias] = (entry.seq, entry.hash)
                _schedule_anchor()
                return entry
        except IntegrityError:  # a concurrent writer took the same seq (SQLite): chain onto it
            _known_heads.pop(connection.alias, None)
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


APPEND_BATCH = 2000
_JSON_FIELDS = ("before", "after", "detail")


def _scalar_json(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _encode_text(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return canonical_json(value)
    return str(value)


_SCALAR_FIELDS = tuple(name for name in _PAYLOAD_FIELDS if name not in _JSON_FIELDS)
#: every MAC'd field, in the canonical JSON's (sorted) order
_HASHED_KEYS = tuple(sorted((*_PAYLOAD_FIELDS, "seq", "time", "prev_hash")))


COPY_THRESHOLD = 200  # PostgreSQL: from this many entries on, COPY instead of INSERTs


def _copy_sql() -> str:
    """The COPY statement of entries (columns in `_INSERT_FIELDS` order, JSON fields as JSON text)."""
    meta = AuditEntry._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _INSERT_FIELDS)
    return f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"


def _insert_many(cursor: Any, entries: list[tuple[Any, ...]]) -> None:
    """INSERT many entries (parameter lists in `_INSERT_FIELDS` order, JSON fields as JSON text);
    on PostgreSQL a large batch goes through COPY (one statement instead of one per entry)."""
    meta = AuditEntry._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql" and len(entries) >= COPY_THRESHOLD:
        with cursor.cursor.copy(_copy_sql()) as copy:
            for entry in entries:
                copy.write_row(entry)
        return
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    marks = ", ".join(f"%s{cast}" if f.name in _JSON_FIELDS else "%s" for f in fields)
    cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})", entries)


def append_entries(rows: list[dict[str, Any]], *, common: dict[str, Any] | None = None,
                   encode: Mapping[str, Callable[[Any], str]] | None = None) -> int:
    """Append one entry per dict of field values (user_id, username, ip, action, result,
    object_kind, object_pk, natural_key, before, after, detail: JSON-ready), in order; returns
    the count. `common`: the values of fields every entry shares, given once instead of in each
    row (an import's actor, kind and result); `encode`: for JSON fields (before, after, detail)
    whose row values are not JSON-ready, the function that turns a value into its canonical JSON
    text (`str` for a text made already, `record_snapshot_json` for a record), called while
    the entries are written (on PostgreSQL the server stores entries meanwhile); None stays null.

    The MACs are computed here (the canonical JSON of each entry is assembled from its
    fields' JSON, which is also what the JSON columns store, the shared fields' JSON filled in
    once; the key's HMAC state is set up once and copied per entry) and the entries inserted in
    batches of `APPEND_BATCH` rows;
    on PostgreSQL, from `COPY_THRESHOLD` entries on, through one COPY that sends each entry as
    soon as its MAC is known (the server stores entries while the next ones are computed).
    The chain's tail is read once and held until the surrounding transaction ends: on
    PostgreSQL by the chain's advisory lock, on SQLite by the write lock the transaction holds
    once it has written (an import has written its rows before it logs them). Should another
    writer still have taken the next number, the whole batch is chained again onto its entry.
    The head is anchored once, when the surrounding transaction commits.
    """
    if not rows:
        return 0
    common = dict(common or {})
    encode = dict(encode or {})
    if unknown := (set(common) | set(encode)) - set(_PAYLOAD_FIELDS):
        raise ValueError(f"not fields of an audit entry: {sorted(unknown)}")
    key = load_key()
    keyed_mac = key.mac_function()
    # the fields each row gives (with their defaults), and the JSON text and value of the common ones
    scalar_fields = [(name, None if name == "user_id" else "") for name in _SCALAR_FIELDS if name not in common]
    json_fields = [(name, encode.get(name)) for name in _JSON_FIELDS if name not in common]
    fixed_texts: dict[str, str] = {}
    fixed_values: list[Any] = []
    for name, value in common.items():
        if name in _JSON_FIELDS:
            text = None if value is None else encode[name](value) if name in encode else canonical_json(value)
            fixed_texts[name], value = ("null" if text is None else text), text
        else:
            fixed_texts[name] = _encode_text(value) if value.__class__ is str else _scalar_json(value)
        fixed_values.append(value)
    # a row's values: its scalars, its JSON texts, seq, prev_hash, hash, then time and the common ones
    row_names = (*(name for name, _d in scalar_fields), *(name for name, _r in json_fields))
    in_columns = operator.itemgetter(
        *((*row_names, "seq", "prev_hash", "hash", "time", *common).index(name) for name in _INSERT_FIELDS))
    in_slots = operator.itemgetter(
        *((*row_names, "seq", "prev_hash").index(name) for name in _HASHED_KEYS if name not in (*common, "time")))
    for attempt in range(5):
        try:
            with transaction.atomic(), connection.cursor() as cursor, ExitStack() as stack:
                _lock_chain()
                last = _checked_tail(cursor, key)
                seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
                now = _now_ms()
                texts_of = {**fixed_texts, "time": _encode_text(_utc_text(now))}
                # the canonical JSON of an entry, what the entries share filled in: a slot per row field
                template = "{" + ",".join(
                    f'"{name}":' + (texts_of[name].replace("%", "%%") if name in texts_of else "%s")
                    for name in _HASHED_KEYS) + "}"
                tail = (AuditEntry._meta.get_field("time").get_db_prep_save(now, connection), *fixed_values)
                batch: list[tuple[Any, ...]] = []
                shared: dict[int, str] = {}  # JSON of a value several rows share (the rows keep it alive)
                stream = None
                if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD:
                    # one COPY for all the entries, each sent as soon as its MAC is known: the
                    # server stores the entries while the next ones are computed
                    stream = stack.enter_context(cursor.cursor.copy(_copy_sql()))
                for fields in rows:
                    seq += 1
                    get = fields.get
                    values = [get(name, default) for name, default in scalar_fields]
                    texts = [_encode_text(value) if value.__class__ is str else _scalar_json(value) for value in values]
                    for name, to_text in json_fields:
                        value = get(name)
                        if value is None:
                            text = None
                        elif to_text is not None:
                            text = to_text(value)
                        else:
                            text = shared.get(id(value))
                            if text is None:
                                text = shared[id(value)] = canonical_json(value)
                        values.append(text)
                        texts.append("null" if text is None else text)
                    texts.append(str(seq))
                    texts.append(_encode_text(prev_hash))
                    entry_mac = keyed_mac((template % in_slots(texts)).encode("utf-8"))
                    values += (seq, prev_hash, entry_mac, *tail)
                    entry = in_columns(values)
                    prev_hash = entry_mac
                    if stream is not None:
                        stream.write_row(entry)
                        continue
                    batch.append(entry)
                    if len(batch) >= APPEND_BATCH:
                        _insert_many(cursor, batch)
                        batch = []
                if batch:
                    _insert_many(cursor, batch)
                stack.close()  # the COPY ends here: a clash of numbers is raised inside the retry
                _known_heads[connection.alias] = (seq, prev_hash)
                _schedule_anchor()
                return len(rows)
        except IntegrityError:  # a concurrent writer took the same seq (SQLite): chain onto it
            _known_heads.pop(connection.alias, None)
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _entry_fields(
    action: str, *, obj: models.Model | None, user: Any, result: str, detail: dict[str, Any] | None,
    before: dict[str, Any] | None, after: dict[str, Any] | None, kind: str,
) -> dict[str, Any]:
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
    return dict(
        user_id=user_id, username=username[:150], ip=actor.ip, action=str(action), result=str(result),
        before=jsonable(before), after=jsonable(after), detail=jsonable(detail), **object_fields,
    )


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
    without an object (an export of a whole ledger). A refusal inside a transaction that will
    roll back goes through `parkledger.audit.refusals.audit_refusal` instead.
    """
    from parkledger.audit import refusals

    refusals.flush_if_outside_transaction()
    return _append(**_entry_fields(action, obj=obj, user=user, result=result, detail=detail,
                                   before=before, after=after, kind=kind))


# -- verification -----------------------------------------------------------------------------

_CHECKPOINTS = (str(AuditAction.AUDIT_PURGE), str(AuditAction.AUDIT_REKEY))


@dataclass
class VerifyReport:
    """The outcome of `verify_chain`: entries checked, problems found (each naming an entry or an
    anchor), and notes that are no problem (entries from before the key, no anchor yet)."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str = GENESIS_HASH
    anchor_seq: int | None = None  # the newest valid anchor's sequence number
    key_id: str = ""
    wrong_key: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _checkpoints(key: AuditKey) -> tuple[int | None, dict[int, str]]:
    """(seq of the key checkpoint whose MAC holds, {first kept seq: its prev_hash} of the purge
    checkpoints whose MAC holds): a checkpoint without a valid MAC counts for nothing."""
    rekey_seq = None
    for entry in AuditEntry.objects.filter(action=AuditAction.AUDIT_REKEY).order_by("seq"):
        if entry.hash == entry_hash(entry, key):
            rekey_seq = entry.seq
            break
    purged: dict[int, str] = {}
    for entry in AuditEntry.objects.filter(action=AuditAction.AUDIT_PURGE):
        legacy = rekey_seq is not None and entry.seq < rekey_seq
        expected = legacy_hash(entry) if legacy else entry_hash(entry, key)
        if entry.hash == expected and isinstance(entry.detail, dict) and "anchor_seq" in entry.detail:
            purged[int(entry.detail["anchor_seq"])] = str(entry.detail.get("anchor_prev_hash", ""))
    return rekey_seq, purged


def _seq_range(first: int, last: int) -> str:
    return f"#{first}" if first == last else _("#%(a)s 至 #%(b)s") % {"a": first, "b": last}


def _mac_problems(failures: list[tuple[int, bool]]) -> list[tuple[int, str]]:
    """(seq, message) for entries whose MAC does not hold: forged checkpoints one by one, runs
    of consecutive other entries as one range (an edit and the chain recomputed after it)."""
    problems: list[tuple[int, str]] = []
    run: list[int] = []

    def close_run() -> None:
        if not run:
            return
        if len(run) == 1:
            text = _("条目 #%(seq)s：内容与 MAC 不符（被修改）") % {"seq": run[0]}
        else:
            text = _("条目 %(range)s：内容与 MAC 不符（#%(first)s 被修改，其后的链被重算）") % {
                "range": _seq_range(run[0], run[-1]), "first": run[0]}
        problems.append((run[0], text))
        run.clear()

    for seq, checkpoint in failures:
        if checkpoint:
            close_run()
            problems.append((seq, _("条目 #%(seq)s：检查点的 MAC 无效（伪造的检查点，不能证明之前条目的删除）") % {"seq": seq}))
            continue
        if run and seq != run[-1] + 1:
            close_run()
        run.append(seq)
    close_run()
    return problems


def verify_chain(entries: Iterable[AuditEntry] | None = None, *, key: AuditKey | None = None) -> VerifyReport:
    """Recompute the chain and compare its head with the external anchors; each problem names
    the entry that was edited, the gap where entries went, a cut tail, a forged checkpoint or
    anchor line, or a wrong key. Raises `AuditKeyMissing` without a key."""
    key = key or load_key(create=False)
    report = VerifyReport(key_id=key.key_id)
    rekey_seq, purged = _checkpoints(key)
    anchor_list: list[anchors.Anchor] = []
    unreadable: list[tuple[str, int]] = []
    if entries is None:
        for item in anchors.read_anchors(key, connection.alias):
            (anchor_list if isinstance(item, anchors.Anchor) else unreadable).append(item)
    resets = [i for i, a in enumerate(anchor_list) if a.valid and a.reset]
    valid_anchors = [a for a in anchor_list[resets[-1] if resets else 0:] if a.valid]
    wanted = {a.seq for a in valid_anchors}
    seen: dict[int, str] = {}
    found: list[tuple[int, str]] = []  # (seq, problem) of the chain itself
    failures: list[tuple[int, bool]] = []
    keyed_checked = keyed_ok = legacy_only = 0
    rows = entries if entries is not None else AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    previous: AuditEntry | None = None
    for entry in rows:
        report.checked += 1
        if previous is None:
            report.first_seq = entry.seq
            if entry.seq == 1:
                if entry.prev_hash != GENESIS_HASH:
                    found.append((entry.seq, _("条目 #%(seq)s：首条的前一条哈希不是初始值") % {"seq": entry.seq}))
            elif purged.get(entry.seq) != entry.prev_hash:
                found.append((1, _("条目 #1 至 #%(last)s 缺失：没有有效的清理检查点记录这些条目的删除")
                              % {"last": entry.seq - 1}))
        else:
            if entry.seq != previous.seq + 1:
                found.append((previous.seq + 1,
                    _("条目 #%(a)s 至 #%(b)s 缺失（在 #%(prev)s 与 #%(seq)s 之间被删除）")
                    % {"a": previous.seq + 1, "b": entry.seq - 1, "prev": previous.seq, "seq": entry.seq}
                ))
            elif entry.prev_hash != previous.hash:
                found.append((entry.seq,
                    _("条目 #%(seq)s：前一条哈希与条目 #%(prev)s 不符（链被改写）")
                    % {"seq": entry.seq, "prev": previous.seq}
                ))
        if rekey_seq is not None and entry.seq < rekey_seq:
            good = entry.hash == legacy_hash(entry)
        else:
            keyed_checked += 1
            good = entry.hash == entry_hash(entry, key)
            keyed_ok += good
            if not good and entry.hash == legacy_hash(entry):
                legacy_only += 1
        if not good:
            failures.append((entry.seq, entry.action in _CHECKPOINTS))
        if entry.seq in wanted:
            seen[entry.seq] = entry.hash
        previous = entry
    if previous is not None:
        report.last_seq = previous.seq
        report.head_hash = previous.hash
    if rekey_seq is not None and report.first_seq is not None and report.first_seq < rekey_seq:
        report.notes.append(
            _("条目 %(range)s 写于启用审计密钥之前，按原无密钥哈希校验，由条目 #%(rekey)s 的检查点封存")
            % {"range": _seq_range(report.first_seq, rekey_seq - 1), "rekey": rekey_seq})

    if keyed_checked and not keyed_ok and rekey_seq is None and legacy_only == keyed_checked and not valid_anchors:
        found.append((report.first_seq or 0, _(
            "条目 %(range)s 仍以无密钥哈希链接，尚未启用审计密钥（运行 parkledger audit rechain）"
        ) % {"range": _seq_range(report.first_seq or 0, report.last_seq or 0)}))
        failures = []
    elif keyed_checked and not keyed_ok and not valid_anchors and (
        any(a.kid != key.key_id for a in anchor_list) or (not anchor_list and keyed_checked >= 2)
    ):
        report.wrong_key = True
        written_with = sorted({a.kid for a in anchor_list if a.kid != key.key_id})
        found.append((0, _("审计密钥错误：当前密钥（ID %(kid)s）下 %(n)s 条的 MAC 全部不符%(other)s；请使用写入日志时的密钥")
                      % {"kid": key.key_id, "n": keyed_checked,
                         "other": _("，锚点由密钥 ID %(ids)s 签名") % {"ids": "、".join(written_with)} if written_with else ""}))
        failures = []
    found.extend(_mac_problems(failures))
    found.sort(key=lambda item: item[0])
    report.problems = [text for _seq, text in found]

    if entries is not None or report.wrong_key:
        return report
    for file, line in unreadable:
        report.problems.append(_("外部锚点 %(file)s 第 %(line)s 行无法读取（被改动）") % {"file": file, "line": line})
    for anchor in anchor_list:
        if not anchor.valid:
            report.problems.append(
                _("外部锚点 %(file)s 第 %(line)s 行的签名无效（伪造或被改动，记录 #%(seq)s）")
                % {"file": anchor.file, "line": anchor.line, "seq": anchor.seq})
    if not valid_anchors:
        if report.checked:
            report.notes.append(_("尚无外部锚点：链尾是否被截断，要等下一次写入后才能核对"))
        return report
    newest = max(valid_anchors, key=lambda a: a.seq)
    report.anchor_seq = newest.seq
    if report.last_seq is None or newest.seq > report.last_seq:
        head = report.last_seq or 0
        report.problems.append(
            _("链尾被截断：外部锚点记录到 #%(anchor)s（%(time)s），数据库只到 #%(head)s：条目 %(range)s 被删除")
            % {"anchor": newest.seq, "time": newest.time, "head": head, "range": _seq_range(head + 1, newest.seq)})
    mismatched = sorted({a.seq for a in valid_anchors if a.seq in seen and seen[a.seq] != a.mac})
    for seq in mismatched:
        report.problems.append(_("条目 #%(seq)s 与外部锚点记录的 MAC 不符（被改写，或链尾被删除后重新写入）") % {"seq": seq})
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


class PurgeUnavailable(RuntimeError):
    """PostgreSQL: the purge function or its role is missing (see the README)."""


MIN_RETENTION_DAYS = 180
PURGE_FUNCTION = "parkledger_audit_purge"


def purge_before(cutoff: datetime) -> int:
    """Delete the entries older than `cutoff` (a prefix of the chain) and append a checkpoint
    (MAC'd like every entry; it names the first kept entry and its prev_hash, and the key's id).

    Refuses a cutoff inside the retention period (`AUDIT_RETENTION_DAYS`, ≥ 180 days). On
    PostgreSQL the rows are deleted by `parkledger_audit_purge(first_kept)`, a SECURITY DEFINER
    function owned by the role `parkledger_audit_purger`: the append-only trigger lets only that
    role delete, and the function itself refuses entries younger than 180 days.
    """
    days = max(int(security_setting("AUDIT_RETENTION_DAYS")), MIN_RETENTION_DAYS)
    limit = timezone.now() - timedelta(days=days)
    if cutoff > limit:
        raise RetentionError(
            _("审计日志须保留至少 %(days)s 天：只能清理 %(limit)s 之前的条目") % {"days": days, "limit": limit.date()}
        )
    key = load_key()
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
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SELECT {PURGE_FUNCTION}(%s)", [first_kept[0]])
                    count = int(cursor.fetchone()[0])
            except DatabaseError as exc:
                raise PurgeUnavailable(
                    _("数据库拒绝清理审计日志（%(error)s）：清理函数或其角色缺失，见 README 的“审计日志”一节")
                    % {"error": str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__}
                ) from exc
        else:
            doomed._raw_delete(doomed.db)
        audit_log(
            AuditAction.AUDIT_PURGE,
            detail={
                "purged_before": cutoff.isoformat(), "purged_count": count,
                "anchor_seq": first_kept[0], "anchor_prev_hash": first_kept[1], "key_id": key.key_id,
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
