"""Closed periods (封账): which month dates a record, and whether a write touches a closed month.

A park's month is closed by a `ClosedPeriod` row on the park or on any park above it (a
sub-park's figures roll up into its parent). While a month is closed, records dated in it
cannot be created, changed or deleted, unless the security administrator opened a correction
(`PeriodUnlock`) on that closed row, with a reason and an expiry; writes made through a
correction carry it in their audit entries.

The month that dates a record comes from the fields listed below for its kind. Month fields
give the month; dates give their month; a `year` gives December of that year (the annual
figure is reported with December). Paths through a reference (`inspection__inspected_on`)
date a record by its parent's date.

| kind | dating fields |
|---|---|
| park, wetland | (none: master data without a date) |
| enterprise | registered_on, closed_on |
| enterprise_month, park_month, gov_project_month, estimate, manual_figure | month |
| target, permu_evaluation | year (→ December) |
| platform | opened_on |
| investment_project | contacted_on, submitted_on, reviewed_on, signed_on, started_on, production_on, registered_on, terminated_on, fai_registered_on |
| talent | introduced_on, left_on |
| talent_application | applied_on |
| talent_honour | awarded_on |
| platform_project | incubated_on, recommended_on, signed_on, landed_on |
| platform_tenant | moved_in_on, moved_out_on |
| qualification | applied_on, granted_on |
| patent | granted_on |
| disbursement | paid_on |
| tech_upgrade_acceptance | accepted_on |
| service_request | received_on, resolved_on |
| support_package | as_of |
| gov_project | started_on, completed_on, fai_registered_on |
| sub_project | tendered_on, completed_on |
| milestone | happened_on |
| land_transfer | transferred_on |
| sea_use | submitted_on, approved_on |
| stock_release | released_on |
| safety_letter | signed_on |
| safety_insurance | insured_from |
| inspection | inspected_on |
| hazard | inspection__inspected_on, rectified_on |
| safety_outreach | held_on |
| odour_case | listed_on, accepted_on |
| air_sample, water_sample | sampled_on |
| env_case | found_on, closed_on |
| governance_issue | found_on, rectified_on |
| petition | received_on, forwarded_on, accepted_on, notified_on, replied_on, closed_on |
| dispute | received_on, mediated_on |
| asset_filing | decided_on |
| financing_project | started_on, approved_on |
| party_activity | held_on |
| union | founded_on |
| task_force | formed_on, dissolved_on |

Planned or deadline dates (`planned_start_on`, `deadline`, `extended_until`, `insured_to`)
date nothing: they are not events of the month.

An enterprise's park is not checked: moving an enterprise to another park is allowed whatever
its dates, since closed months keep the figures frozen at the close and the move is recorded as
an event (`parkledger.periods.moves`); a park has no dating field, so re-parenting one is allowed too.

The check reads closed months, corrections and the park tree once per transaction; saving a
`ClosedPeriod`, `PeriodUnlock`, park or enterprise through the ORM (or the services) refreshes
it, so write those rows with `save()`, never with `bulk_create` or `update()`.

The rule for a write:
- create: refused when any dating value of the new record lies in a closed month;
- delete: refused when any dating value of the old record lies in a closed month;
- change: a dating value that changes (even within its month) is checked at its old and its
  new month (recording a stage reached this month is allowed; changing a date in, into or out
  of a closed month is not);
  when any other value changes (or the park), every old dating month is checked.

An import applies the same rule to all rows of a kind at once (`check_import_rows`): the
closed months and corrections are read once per import, and only rows dated in a month that is
closed somewhere cost more (one query per kind for the dates and parks reached through a
reference).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkledger.accounts.scoping import _follow, park_ancestors, park_parents, record_park_code
from parkledger.audit.log import instance_values, snapshot_values, stored_values_getter
from parkledger.periods.models import ClosedPeriod, PeriodUnlock

__all__ = [
    "PERIOD_FIELDS", "PeriodClosedError", "Lock", "month_of", "record_months", "locks_for_write",
    "check_record_write", "closed_lock", "is_month_closed", "invalidate", "check_import_rows",
]

# kind → the field that places its records in a park and may change without touching a closed month
MOVABLE_FIELDS: dict[str, str] = {"enterprise": "park"}

PERIOD_FIELDS: dict[str, tuple[str, ...]] = {
    "park": (),
    "enterprise": ("registered_on", "closed_on"),
    "enterprise_month": ("month",),
    "park_month": ("month",),
    "platform": ("opened_on",),
    "investment_project": (
        "contacted_on", "submitted_on", "reviewed_on", "signed_on", "started_on", "production_on",
        "registered_on", "terminated_on", "fai_registered_on",
    ),
    "talent": ("introduced_on", "left_on"),
    "talent_application": ("applied_on",),
    "talent_honour": ("awarded_on",),
    "platform_project": ("incubated_on", "recommended_on", "signed_on", "landed_on"),
    "platform_tenant": ("moved_in_on", "moved_out_on"),
    "qualification": ("applied_on", "granted_on"),
    "patent": ("granted_on",),
    "permu_evaluation": ("year",),
    "disbursement": ("paid_on",),
    "tech_upgrade_acceptance": ("accepted_on",),
    "service_request": ("received_on", "resolved_on"),
    "support_package": ("as_of",),
    "gov_project": ("started_on", "completed_on", "fai_registered_on"),
    "gov_project_month": ("month",),
    "sub_project": ("tendered_on", "completed_on"),
    "wetland": (),
    "milestone": ("happened_on",),
    "land_transfer": ("transferred_on",),
    "sea_use": ("submitted_on", "approved_on"),
    "stock_release": ("released_on",),
    "safety_letter": ("signed_on",),
    "safety_insurance": ("insured_from",),
    "inspection": ("inspected_on",),
    "hazard": ("inspection__inspected_on", "rectified_on"),
    "safety_outreach": ("held_on",),
    "odour_case": ("listed_on", "accepted_on"),
    "air_sample": ("sampled_on",),
    "water_sample": ("sampled_on",),
    "env_case": ("found_on", "closed_on"),
    "governance_issue": ("found_on", "rectified_on"),
    "petition": ("received_on", "forwarded_on", "accepted_on", "notified_on", "replied_on", "closed_on"),
    "dispute": ("received_on", "mediated_on"),
    "asset_filing": ("decided_on",),
    "financing_project": ("started_on", "approved_on"),
    "party_activity": ("held_on",),
    "union": ("founded_on",),
    "task_force": ("formed_on", "dissolved_on"),
    "target": ("year",),
    "estimate": ("month",),
    "manual_figure": ("month",),
}


class PeriodClosedError(ValidationError):
    """A write into a closed month (the API answers 409). `park` and `month` name the closed period."""

    def __init__(self, park: str, month: str, *, record_park: str | None = None, kind: str = "") -> None:
        self.park = park
        self.month = month
        self.record_park = record_park or park
        self.kind = kind
        if self.record_park != park:
            message = _(
                "%(record_park)s 所属的 %(park)s 园区 %(month)s 已封账：该月的记录不能新增、修改或删除；"
                "如需更正，请安全管理员开启更正解锁"
            ) % {"record_park": self.record_park, "park": park, "month": month}
        else:
            message = _(
                "%(park)s 园区 %(month)s 已封账：该月的记录不能新增、修改或删除；如需更正，请安全管理员开启更正解锁"
            ) % {"park": park, "month": month}
        super().__init__(message, code="period_closed", params={"park": park, "month": month})


@dataclass(frozen=True)
class Lock:
    """A closed (park, month) met by a write, with the correction that lets it through (if any)."""

    park: str
    month: str
    record_park: str
    unlock: PeriodUnlock | None

    @property
    def open(self) -> bool:
        return self.unlock is not None


def month_of(value: Any) -> str | None:
    """`YYYY-MM` for a date, a month string or a year (December); None for empty values."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, int):
        return f"{value:04d}-12"
    text = str(value)
    if len(text) >= 7 and text[4] == "-":
        return text[:7]
    if text.isdigit() and len(text) == 4:
        return f"{text}-12"
    return None


def record_months(obj: models.Model) -> dict[str, str | None]:
    """dating field → month for a record (see PERIOD_FIELDS)."""
    return {name: month_of(_follow(obj, name)) for name in PERIOD_FIELDS.get(getattr(obj, "kind_key", ""), ())}


def _other_values(obj: models.Model, dating: tuple[str, ...]) -> dict[str, Any]:
    from parkledger.core.kinds import data_fields

    skip = {name for name in dating if "__" not in name}
    skip.add(MOVABLE_FIELDS.get(getattr(obj, "kind_key", ""), ""))
    return {f.attname: f.value_from_object(obj) for f in data_fields(type(obj)) if f.name not in skip}


class _State:
    """What the period check reads from the database: closed months, corrections, the park tree,
    the parks of referenced records. Loaded once per transaction (and again after any change to
    those tables, see `invalidate`), so an import checks thousands of rows without a query each."""

    def __init__(self) -> None:
        self.closed: dict[str, set[str]] = {}
        for park, month in ClosedPeriod.objects.values_list("park_id", "month"):
            self.closed.setdefault(month, set()).add(park)
        self._parents: dict[str, str | None] | None = None
        self._unlocks: list[PeriodUnlock] | None = None
        self.parks_of: dict[tuple, str | None] = {}
        self.block: Any = None
        self.generation = _generation

    @property
    def parents(self) -> dict[str, str | None]:
        if self._parents is None:
            self._parents = park_parents()
        return self._parents

    def unlock_for(self, park: str, month: str, user_id: int | None) -> PeriodUnlock | None:
        if self._unlocks is None:
            self._unlocks = list(PeriodUnlock.objects.filter(revoked_at__isnull=True).order_by("-unlocked_at"))
        now = timezone.now()
        for unlock in self._unlocks:
            if (unlock.park_id == park and unlock.month == month and unlock.is_active(now)
                    and (unlock.user_id is None or (user_id is not None and unlock.user_id == user_id))):
                return unlock
        return None

    def record_park(self, obj: models.Model) -> str | None:
        """`record_park_code`, remembering the park of each referenced record."""
        path = getattr(obj, "park_path", "")
        if path and "__" not in path:
            return record_park_code(obj)
        if path:
            first = obj._meta.get_field(path.split("__")[0])
            key = (obj._meta.label, path, getattr(obj, first.attname))
        else:
            key = (obj._meta.label, getattr(obj, "subject_kind", None), getattr(obj, "subject", None))
        if key not in self.parks_of:
            self.parks_of[key] = record_park_code(obj)
        return self.parks_of[key]


_generation = 0


def invalidate() -> None:
    """Forget the cached state (closed months, corrections or parks changed)."""
    global _generation
    _generation += 1


def _state() -> _State:
    conn = connection
    if conn.in_atomic_block and conn.atomic_blocks:
        cached = getattr(conn, "_pl_period_state", None)
        if cached is not None and cached.block is conn.atomic_blocks[0] and cached.generation == _generation:
            return cached
        state = _State()
        state.block = conn.atomic_blocks[0]
        conn._pl_period_state = state
        return state
    return _State()


def _touched(old: models.Model | None, new: models.Model | None, state: _State) -> set[tuple[str, str]]:
    """The (record park, month) pairs a write touches, by the rule in the module docstring;
    parks are looked up only for months that are closed somewhere."""
    kind = getattr(new if new is not None else old, "kind_key", "")
    dating = PERIOD_FIELDS.get(kind, ())
    if not dating:
        return set()
    new_months = record_months(new) if new is not None else {}
    old_months = record_months(old) if old is not None else {}
    if not any(m in state.closed for m in (*new_months.values(), *old_months.values())):
        return set()
    new_park = state.record_park(new) if new is not None else None
    old_park = state.record_park(old) if old is not None else None
    pairs: set[tuple[str | None, str | None]] = set()
    if old is None:
        pairs = {(new_park, m) for m in new_months.values()}
    elif new is None:
        pairs = {(old_park, m) for m in old_months.values()}
    else:
        park_changed = old_park != new_park and kind not in MOVABLE_FIELDS
        for name in dating:
            if park_changed or _follow(old, name) != _follow(new, name):
                pairs |= {(old_park, old_months[name]), (new_park, new_months[name])}
        if _other_values(old, dating) != _other_values(new, dating):
            pairs |= {(old_park, m) for m in old_months.values()}
    return {(p, m) for p, m in pairs if p and m}


def closed_lock(park: str, month: str, *, user_id: int | None = None, state: _State | None = None) -> Lock | None:
    """The closed period covering a park's month (its own or an ancestor's), with any active correction."""
    state = state or _state()
    closed = state.closed.get(month)
    if not closed:
        return None
    for code in park_ancestors(park, state.parents):
        if code in closed:
            return Lock(code, month, park, state.unlock_for(code, month, user_id))
    return None


def is_month_closed(park: str, month: str) -> bool:
    """Is a park's month closed (by itself or a park above it), ignoring corrections?"""
    return closed_lock(park, month) is not None


def locks_for_write(old: models.Model | None, new: models.Model | None, *, user_id: int | None = None) -> list[Lock]:
    """The closed periods a write (create: old None; delete: new None) runs into."""
    state = _state()
    locks = []
    for park, month in sorted(_touched(old, new, state)):
        lock = closed_lock(park, month, user_id=user_id, state=state)
        if lock is not None:
            locks.append(lock)
    return locks


def check_record_write(old: models.Model | None, new: models.Model | None, *, user_id: int | None = None) -> list[Lock]:
    """Raise PeriodClosedError when a write touches a closed month without an active correction;
    return the corrections it goes through (empty for ordinary writes)."""
    locks = locks_for_write(old, new, user_id=user_id)
    for lock in locks:
        if not lock.open:
            kind = getattr(new if new is not None else old, "kind_key", "")
            raise PeriodClosedError(lock.park, lock.month, record_park=lock.record_park, kind=kind)
    return locks


# -- imports: the rule for many rows at once ------------------------------------------------------

def _chunks(values: list, size: int = 900) -> list[list]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def _through_values(model: type[models.Model], path: str, refs: set) -> dict[Any, Any]:
    """reference value → the value at the rest of `path` (`inspection__inspected_on`: inspection
    code → its date), for the stored records referred to (one query per 900 references)."""
    first, rest = path.split("__", 1)
    fld = model._meta.get_field(first)
    target = fld.target_field.attname
    found: dict[Any, Any] = {}
    for chunk in _chunks(sorted((r for r in refs if r not in (None, "")), key=str)):
        found.update(fld.related_model._base_manager.filter(**{f"{target}__in": chunk}).values_list(target, rest))
    return found


def _comparable(model: type[models.Model], values: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    """A record's snapshot (values as stored) without the fields in `skip`."""
    return {k: v for k, v in snapshot_values(model, values).items() if k not in skip}


def check_import_rows(model: type[models.Model], changes: list, *, user_id: int | None = None) -> None:
    """The rule of the module docstring for an import's rows of one kind (`RowChange`s of
    `parkledger.dataio.hooks`: the row's values, the stored values by attname, the row's park).

    A row that runs into a closed month without an active correction is rejected under the
    column of the dating field concerned; a row let through by a correction gets
    `instance._pl_corrections` (the corrections) for its audit entry.
    """
    kind = getattr(model, "kind_key", "")
    dating = PERIOD_FIELDS.get(kind, ())
    if not changes:
        return
    state = _state()
    if not state.closed:
        return
    if kind == "park":
        # parks come first in an import: its new parks (and new parents) count for the rows
        # after them, so a month closed on a park also closes it for a sub-park the file adds
        parents = state.parents
        for change in changes:
            parents[change.instance.code] = change.instance.parent_id
    if not dating:
        return
    attname = {name: model._meta.get_field(name.split("__", 1)[0]).attname for name in dating}
    through = {
        name: _through_values(model, name, {getattr(c.instance, attname[name]) for c in changes}
                              | {c.before.get(attname[name]) for c in changes if c.before is not None})
        for name in dating if "__" in name
    }

    def dates(get: Any) -> dict[str, Any]:
        return {name: (through[name].get(get(attname[name])) if name in through else get(attname[name]))
                for name in dating}

    candidates = []
    for change in changes:
        new = dates(lambda a, c=change: getattr(c.instance, a))
        old = dates(change.before.get) if change.before is not None else None
        months = [month_of(v) for v in (*new.values(), *(old.values() if old else ()))]
        if any(m in state.closed for m in months):
            candidates.append((change, new, old))
    if not candidates:
        return
    old_parks = _stored_parks(model, [c for c, _new, old in candidates if old is not None])
    skip = {name for name in dating if "__" not in name}
    if kind in MOVABLE_FIELDS:
        skip.add(MOVABLE_FIELDS[kind])  # snapshots are keyed by field name
    stored_values, locks = stored_values_getter(model), {}
    for change, new, old in candidates:
        new_park = change.park
        pairs: set[tuple[str | None, str | None, str]] = set()
        if old is None:
            pairs = {(new_park, month_of(v), name) for name, v in new.items()}
        else:
            old_park = old_parks.get(id(change))
            park_changed = old_park != new_park and kind not in MOVABLE_FIELDS
            if not park_changed and old == new and stored_values(change.before) == instance_values(model, change.instance):
                continue  # the row repeats the stored record
            for name in dating:
                if park_changed or old[name] != new[name]:
                    pairs |= {(old_park, month_of(old[name]), name), (new_park, month_of(new[name]), name)}
            if _comparable(model, change.before, skip) != _comparable(
                    model, {f.attname: getattr(change.instance, f.attname) for f in model._meta.concrete_fields}, skip):
                pairs |= {(old_park, month_of(v), name) for name, v in old.items()}
        corrections = []
        for park, month, name in sorted(p for p in pairs if p[0] and p[1]):
            if (park, month) not in locks:
                locks[park, month] = closed_lock(park, month, user_id=user_id, state=state)
            lock = locks[park, month]
            if lock is None:
                continue
            if not lock.open:
                error = PeriodClosedError(lock.park, lock.month, record_park=lock.record_park, kind=kind)
                change.reject(error.messages[0], name.split("__", 1)[0])
                break
            corrections.append({"unlock_id": lock.unlock.pk, "park": lock.park, "month": lock.month,
                                "reason": lock.unlock.reason})
        change.instance._pl_corrections = corrections


def _stored_parks(model: type[models.Model], changes: list) -> dict[int, str | None]:
    """id(change) → the park the stored record belongs to now (before the import writes), in bulk."""
    path = getattr(model, "park_path", "")
    parks: dict[int, str | None] = {}
    if not changes:
        return parks
    if path and "__" not in path:
        fld = model._meta.get_field(path)
        return {id(c): c.before.get(fld.attname) for c in changes}
    if path:
        first = path.split("__", 1)[0]
        ref_attname = model._meta.get_field(first).attname
        found = _through_values(model, path, {c.before.get(ref_attname) for c in changes})
        return {id(c): found.get(c.before.get(ref_attname)) for c in changes}
    state = _state()
    for change in changes:  # milestones: through their subject (a few rows of a small kind)
        parks[id(change)] = state.record_park(model(**{k: v for k, v in change.before.items() if k != "pk"}))
    return parks
