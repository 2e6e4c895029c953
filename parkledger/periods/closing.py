"""Closing a month (封账) and closing it again after a correction (更正): the frozen figures.

`close_month` is what `parkledger.accounts.services.period_close` (web, admin, API) and
`parkledger period close` run, under the per-park lock of imports (`parkledger.periods.parklock`),
so a close waits for a running import of the park and freezes what it committed:

- a month not closed yet: the `ClosedPeriod` row, then every figure of the park and of each of
  its sub-parks for that month (`FrozenFigures`; a sub-park whose month was frozen by its own
  earlier close keeps its figures);
- a closed month with an open correction (`PeriodUnlock`): the figures are computed and frozen
  again (a new version, with the correction's reason), the correction ends, and the re-close is
  audited with the reason and the figures that changed;
- a closed month without a correction: nothing changes (frozen figures are changed only by a
  correction), except that a month closed before figures were frozen gets its figures now.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction
from parkledger.core.models import Park
from parkledger.core.validators import validate_month
from parkledger.periods.frozen import Difference, compare, freeze, stored_snapshot
from parkledger.periods.models import ClosedPeriod, FrozenFigures, PeriodUnlock
from parkledger.periods.parklock import lock_parks

__all__ = ["CloseResult", "close_month", "active_unlocks"]

AUDITED_DIFFERENCES = 200  # the re-close's audit entry lists at most this many changed figures


@dataclass
class CloseResult:
    """What a close did: `outcome` is "closed", "refrozen", "frozen" (figures added to a month
    closed before figures were frozen) or "unchanged"; `differences`: figures a re-close changed."""

    closed: ClosedPeriod
    outcome: str
    parks: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    reason: str = ""


def active_unlocks(park: str, month: str) -> list[PeriodUnlock]:
    """The corrections open now on a park's closed month."""
    now = timezone.now()
    return [u for u in PeriodUnlock.objects.filter(park_id=park, month=month, revoked_at__isnull=True)
            if u.is_active(now)]


def _refresh_caches() -> None:
    try:
        from parkledger.web import figcache
    except ImportError:  # pragma: no cover - the web app is always installed
        return
    transaction.on_commit(figcache.new_generation)


def close_month(*, park: str, month: str, user: Any = None, note: str = "") -> CloseResult:
    """Close (or, through an open correction, close again) a park's month; see the module docstring."""
    validate_month(month)
    with transaction.atomic():
        lock_parks([park])
        if not Park.objects.filter(code=park).exists():
            raise ValidationError({"park": _("园区“%(code)s”不存在") % {"code": park}})
        parks = Park.objects.descendant_codes(park)
        closed = ClosedPeriod.objects.filter(park_id=park, month=month).first()
        user_obj = user if getattr(user, "pk", None) else None
        if closed is None:
            closed = ClosedPeriod.objects.create(park_id=park, month=month, closed_by=user_obj, note=note)
            already = set(FrozenFigures.objects.filter(park_id__in=parks, month=month).values_list("park_id", flat=True))
            todo = [p for p in parks if p not in already]
            freeze(closed, parks=todo, user=user_obj)
            _refresh_caches()
            return CloseResult(closed, "closed", todo)
        unlocks = active_unlocks(park, month)
        if not unlocks:
            linked = set(closed.frozen.values_list("park_id", flat=True))
            others = set(FrozenFigures.objects.filter(park_id__in=parks, month=month).values_list("park_id", flat=True))
            missing = [p for p in parks if p not in linked and p not in others]
            if park in missing:  # closed before figures were frozen: freeze them now
                freeze(closed, parks=missing, user=user_obj)
                audit_log(AuditAction.PERIOD_CLOSE, obj=closed,
                          after={"park": park, "month": month, "note": closed.note},
                          detail={"frozen": missing})
                _refresh_caches()
                return CloseResult(closed, "frozen", missing)
            return CloseResult(closed, "unchanged")
        reason = "；".join(dict.fromkeys(u.reason for u in unlocks))
        linked = set(closed.frozen.values_list("park_id", flat=True))
        others = set(FrozenFigures.objects.filter(park_id__in=parks, month=month)
                     .exclude(closed_period=closed).values_list("park_id", flat=True))
        todo = [p for p in parks if p in linked or p not in others]
        before = {p: stored_snapshot(p, month) for p in todo}
        rows = freeze(closed, parks=todo, user=user_obj, reason=reason)
        found: list[Difference] = []
        for row in rows:
            old = before.get(row.park_id)
            new = stored_snapshot(row.park_id, month)
            found.extend(compare(row.park_id, month, old.figures if old else {}, new.figures if new else {}))
        now = timezone.now()
        for unlock in unlocks:
            unlock.revoked_at = now
            unlock.save(update_fields=["revoked_at"])
        audit_log(
            AuditAction.PERIOD_CLOSE, obj=closed,
            after={"park": park, "month": month, "note": note or closed.note},
            detail={
                "refrozen": todo, "reason": reason, "unlock_ids": [u.pk for u in unlocks],
                "versions": {row.park_id: row.version for row in rows},
                "changed": [d.as_dict() for d in found[:AUDITED_DIFFERENCES]], "changed_count": len(found),
            },
        )
        if note and note != closed.note:
            ClosedPeriod.objects.filter(pk=closed.pk).update(note=note)
        _refresh_caches()
        return CloseResult(closed, "refrozen", todo, found, reason)
