"""Returns that reach the ledger another way count as accepted for an open round.

A monthly return written by an import, a staff member's form or the API (not by accepting a
submission) marks the enterprise's submission of every open round of that month accepted, with
its source (导入 / 表单 / 接口) shown on the round page. Imports are seen through the importer's
rows-written hook (one query per import chunk, none when no round is open for those months);
single saves through the model's post_save signal.
"""
from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.utils import timezone

from parkledger.accounts.context import current_actor, current_request

__all__ = ["connect", "mark_arrived"]

_CHUNK = 900


def mark_arrived(pairs: set[tuple[str, str]], source: str) -> int:
    """Mark the open rounds' submissions of these (uscc, month) pairs accepted from `source`."""
    from parkledger.filing.models import FilingRound, Submission, SubmissionState

    if not pairs:
        return 0
    months = {month for _, month in pairs}
    rounds = dict(FilingRound.objects.filter(kind="enterprise_month", month__in=months, closed_at__isnull=True)
                  .values_list("pk", "month"))
    if not rounds:
        return 0
    actor = current_actor()
    changed = 0
    by_month: dict[str, list[str]] = {}
    for uscc, month in pairs:
        by_month.setdefault(month, []).append(uscc)
    for round_pk, month in rounds.items():
        usccs = sorted(by_month.get(month, []))
        for start in range(0, len(usccs), _CHUNK):
            changed += (Submission.objects.filter(round_id=round_pk, enterprise_id__in=usccs[start:start + _CHUNK])
                        .exclude(state=SubmissionState.ACCEPTED)
                        .update(state=SubmissionState.ACCEPTED, source=source, reviewed_at=timezone.now(),
                                reviewed_by_id=actor.user_id))
    return changed


def _rows_written(model: type, changes: list) -> None:
    from parkledger.filing.models import Source
    from parkledger.filing.services import is_accepting

    if getattr(model, "kind_key", "") != "enterprise_month" or is_accepting():
        return
    request = current_request()
    source = Source.API if request is not None and request.path.startswith("/api/") else Source.IMPORT
    mark_arrived({(str(c.instance.uscc_id), str(c.instance.month)) for c in changes}, source)


def _saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from parkledger.filing.models import Source
    from parkledger.filing.services import is_accepting

    if raw or is_accepting():
        return
    request = current_request()
    source = Source.API if request is not None and request.path.startswith("/api/") else Source.FORM
    mark_arrived({(str(instance.uscc_id), str(instance.month))}, source)


def connect() -> None:
    from parkledger.core.models import EnterpriseMonth
    from parkledger.dataio.hooks import register_rows_written

    register_rows_written(_rows_written)
    post_save.connect(_saved, sender=EnterpriseMonth, dispatch_uid="filing_enterprise_month_saved")
