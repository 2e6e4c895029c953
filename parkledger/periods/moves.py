"""Moves between parks (迁入/迁出): an enterprise to another park, a sub-park under another parent.

Figures follow an enterprise's current park (indicators spec, fine print rule 1), so a move
would rewrite every month it touches; closed months keep their frozen figures instead
(`parkledger.periods.frozen`). A move stays allowed and is recorded here as a dated, audited
event (`ParkMove`: subject, from → to, date, who, how), written by the save path:

- model saves (web forms, the API's single writes, the admin, the shell) through the
  `pre_save`/`post_save` receivers connected in `PeriodsConfig.ready`;
- imports (SQL upserts, no model signals) through the importer's written-rows hook.

Right after the move, the closed months whose figures involve the subject (the frozen months
of every park above the old and the new place, nearest months first, at most
`CHECKED_MONTHS`) are recomputed and compared with their frozen values; the event keeps the
differences and the saved instance carries them as `_pl_move_warnings` (Chinese sentences) for
the screen that saved it (the web form's message, the API response's `period_warnings`). The
moves of one import's rows are compared once, after all of them (`record_moves`).
"""
from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.accounts.context import current_actor
from parkledger.accounts.scoping import park_ancestors, park_parents
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction
from parkledger.periods.frozen import Difference, differences
from parkledger.periods.models import FrozenFigures, ParkMove

__all__ = [
    "CHECKED_MONTHS", "record_move", "record_moves", "move_warnings", "before_save", "after_save", "imported_rows_written",
    "moves_of",
]

CHECKED_MONTHS = 24  # frozen park months recomputed right after a move (the rest: `period verify`)
LISTED_KEYS = 5  # figure names shown per month in a warning


def _subject(instance: models.Model) -> tuple[str, str, str, str | None] | None:
    """(subject kind, code, name, park or parent) of an enterprise or a park, None for other records."""
    kind = getattr(instance, "kind_key", "")
    if kind == "enterprise":
        return ParkMove.Subject.ENTERPRISE, instance.uscc, instance.name, instance.park_id
    if kind == "park":
        return ParkMove.Subject.PARK, instance.code, instance.name, instance.parent_id
    return None


def _affected_months(places: list[tuple[str | None, str | None]]) -> tuple[list[tuple[str, str]], int]:
    """The frozen (park, month) pairs above the old and the new places (nearest months first, capped),
    and how many more were not checked."""
    parents = park_parents()
    parks: set[str] = set()
    for from_park, to_park in places:
        for code in (from_park, to_park):
            if code:
                parks.update(park_ancestors(code, parents))
    if not parks:
        return [], 0
    pairs = list(FrozenFigures.objects.filter(park_id__in=parks).order_by("-month", "park_id")
                 .values_list("park_id", "month"))
    return pairs[:CHECKED_MONTHS], max(0, len(pairs) - CHECKED_MONTHS)


def move_warnings(found: list[Difference], unchecked: int = 0) -> list[str]:
    """Chinese sentences naming the closed months whose recomputed figures now differ."""
    by_month: dict[tuple[str, str], list[Difference]] = {}
    for diff in found:
        by_month.setdefault((diff.park, diff.month), []).append(diff)
    warnings = []
    for (park, month), diffs in sorted(by_month.items()):
        names = "、".join(_("%(name)s（封账 %(frozen)s，现算 %(live)s）") % {
            "name": d.name, "frozen": d.shown()[0], "live": d.shown()[1]} for d in diffs[:LISTED_KEYS])
        more = _("等 %(n)d 项") % {"n": len(diffs)} if len(diffs) > LISTED_KEYS else ""
        warnings.append(_(
            "%(park)s 园区 %(month)s 已封账：迁移后重新计算的指标与封账数据不一致：%(names)s%(more)s。"
            "报表仍使用封账数据；如需更正，请解锁后重新封账"
        ) % {"park": park, "month": month, "names": names, "more": more})
    if unchecked:
        warnings.append(_("另有 %(n)d 个封账月份未在此核对，请运行 parkledger period verify") % {"n": unchecked})
    return warnings


def record_move(*, kind: str, code: str, name: str, from_park: str | None, to_park: str | None,
                via: str) -> tuple[ParkMove, list[str]]:
    """Record (and audit) one move; returns the event and the warnings for the screen."""
    moves, warnings = record_moves([(kind, code, name, from_park, to_park)], via=via)
    return moves[0], warnings


def record_moves(items: list[tuple[str, str, str, str | None, str | None]], *, via: str
                 ) -> tuple[list[ParkMove], list[str]]:
    """Record (and audit) moves `(kind, code, name, from, to)` made together (one save, or one
    import's rows of a kind): the closed months they touch are recomputed once, after all of them,
    and each event keeps the differences found."""
    actor = current_actor()
    pairs, unchecked = _affected_months([(item[3], item[4]) for item in items])
    found: list[Difference] = []
    for park, month in pairs:
        found.extend(differences(park, month))
    months = [f"{p} {m}" for p, m in sorted({(d.park, d.month) for d in found})]
    today = timezone.localdate()
    moves = []
    for kind, code, name, from_park, to_park in items:
        move = ParkMove.objects.create(
            subject_kind=kind, subject_code=code, subject_name=name[:200], from_park=from_park or "",
            to_park=to_park or "", moved_on=today, moved_by_id=actor.user_id, username=actor.username[:150],
            via=via, differences=[d.as_dict() for d in found],
        )
        audit_log(
            AuditAction.CHANGE, obj=move,
            after={"subject_kind": kind, "subject_code": code, "from_park": from_park or "",
                   "to_park": to_park or "", "moved_on": today.isoformat()},
            detail={"event": "park_move", "via": via, "closed_months_differ": months,
                    "differences": len(found), "unchecked_months": unchecked},
        )
        moves.append(move)
    return moves, move_warnings(found, unchecked)


def _via() -> str:
    from parkledger.accounts.context import current_request

    request = current_request()
    if request is None:
        return "shell"
    return "api" if request.path.startswith("/api/") else "web"


def before_save(sender: type, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """pre_save: remember where an enterprise or a park was."""
    subject = None if raw else _subject(instance)
    if subject is None or instance.pk is None:
        return
    field = "park_id" if subject[0] == ParkMove.Subject.ENTERPRISE else "parent_id"
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(field, flat=True).first()
    instance._pl_place_before = (stored,)


def after_save(sender: type, instance: models.Model, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """post_save: a changed park (or parent) is a move."""
    before = getattr(instance, "_pl_place_before", None)
    instance._pl_place_before = None
    subject = None if raw or created or before is None else _subject(instance)
    if subject is None:
        return
    kind, code, name, place = subject
    if before[0] == place:
        return
    via = _via()
    _move, warnings = record_move(kind=kind, code=code, name=name, from_park=before[0], to_park=place, via=via)
    instance._pl_move_warnings = warnings
    if via == "web" and warnings:  # the web form (or the admin) that saved it shows them after its redirect
        from django.contrib import messages

        from parkledger.accounts.context import current_request

        request = current_request()
        if request is not None and hasattr(request, "_messages"):
            for warning in warnings:
                messages.warning(request, warning)


def imported_rows_written(model: type[models.Model], changes: list) -> None:
    """The importer's written-rows hook: enterprise and park rows that change the stored park or parent."""
    kind = getattr(model, "kind_key", "")
    if kind not in ("enterprise", "park"):
        return
    attname = "park_id" if kind == "enterprise" else "parent_id"
    items = []
    for change in changes:
        if change.before is None or attname not in change.before:
            continue
        subject = _subject(change.instance)
        if subject is not None and change.before[attname] != subject[3]:
            items.append((subject[0], subject[1], subject[2], change.before[attname], subject[3]))
    if items:
        record_moves(items, via="import")


def moves_of(kind: str, code: str) -> models.QuerySet:
    """The moves of an enterprise (`enterprise`, uscc) or a park (`park`, code), newest first."""
    return ParkMove.objects.filter(subject_kind=kind, subject_code=code).order_by("-moved_at", "-id")
