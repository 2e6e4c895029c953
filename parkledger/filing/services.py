"""The filing round's operations: open, file (draft, submit), review (accept, return), remind, close.

Every operation checks who may do it here (statisticians and the park's statistics writers run
rounds; an enterprise user files only his own enterprise's submissions) and writes an audit entry
for each state change, and for each refusal. Values reach the ledger only on acceptance, through
the importer (`import_rows`), so the ledger's validation, closed months and write permissions
apply to them as to any other write.
"""
from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.accounts.permissions import enterprise_usccs, figure_park_codes, has_ledger_perm
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction, AuditResult
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.filing.checks import CheckResult, basis_values, check_return
from parkledger.filing.models import FilingRound, Source, Submission, SubmissionState
from parkledger.filing.returns import return_fields
from parkledger.lib.periods import month_end, parse_month
from parkledger.periods.locks import is_month_closed

__all__ = [
    "FilingError", "has_open_filing", "expected_enterprises", "open_round", "round_status", "can_run_rounds", "submissions_of",
    "save_draft", "submit", "accept", "accept_clean", "return_submission", "close_round", "accepting",
    "STATE_KEYS", "dashboard_card", "rate_text",
]

STATE_KEYS = {
    SubmissionState.NOT_STARTED: "not_started", SubmissionState.DRAFT: "draft",
    SubmissionState.SUBMITTED: "submitted", SubmissionState.RETURNED: "returned",
    SubmissionState.ACCEPTED: "accepted",
}
_accepting: contextvars.ContextVar[bool] = contextvars.ContextVar("filing_accepting", default=False)


class FilingError(ValidationError):
    """A filing operation that cannot be done; the message is for the user."""


@contextmanager
def accepting() -> Iterator[None]:
    """While set, ledger rows written are a round's accepted returns (not arrivals by import)."""
    token = _accepting.set(True)
    try:
        yield
    finally:
        _accepting.reset(token)


def is_accepting() -> bool:
    return _accepting.get()


# -- who may ----------------------------------------------------------------------------------

def can_run_rounds(user: Any, park: str) -> bool:
    """Opening, reviewing, reminding and closing: park staff who write the returns' ledger."""
    return park in figure_park_codes(user) and has_ledger_perm(user, "enterprise_month", "change", park)


def _refuse(user: Any, what: str, obj: Any = None, **detail: Any) -> None:
    audit_log(AuditAction.PERM_DENIED, obj=obj, user=user, result=AuditResult.DENIED,
              kind="" if obj is not None else "filing", detail={"attempted": f"filing_{what}", **detail})
    raise PermissionDenied(_("无权进行此填报操作"))


def _require_staff(user: Any, round_: FilingRound, what: str) -> None:
    if not can_run_rounds(user, round_.park_id):
        _refuse(user, what, round_)


def _require_filer(user: Any, submission: Submission, what: str) -> None:
    if submission.enterprise_id not in set(enterprise_usccs(user)):
        _refuse(user, what, submission)


def has_open_filing(user: Any) -> bool:
    """Has the enterprise user a return to file (an open round not yet submitted or accepted)?"""
    usccs = enterprise_usccs(user)
    return bool(usccs) and Submission.objects.filter(
        enterprise_id__in=usccs, round__closed_at__isnull=True,
        state__in=[SubmissionState.NOT_STARTED, SubmissionState.DRAFT, SubmissionState.RETURNED]).exists()


def submissions_of(user: Any) -> QuerySet[Submission]:
    """The enterprise user's own submissions (nothing for anyone else)."""
    return Submission.objects.filter(enterprise_id__in=enterprise_usccs(user)).select_related("round", "enterprise")


def _log(submission: Submission, user: Any, transition: str, before: str, **detail: Any) -> None:
    audit_log(AuditAction.CHANGE, obj=submission, user=user,
              detail={"filing": transition, "from": before, "to": submission.state, **detail})


# -- opening ----------------------------------------------------------------------------------

def expected_enterprises(park: str, month: str) -> QuerySet[Enterprise]:
    """Enterprises of the park and its sub-parks active in the month (registered by its end, not
    closed before its start)."""
    year, mon = parse_month(month)
    start, end = date(year, mon, 1), month_end(year, mon)
    parks = Park.objects.descendant_codes(park)
    return (Enterprise.objects.filter(park_id__in=parks, registered_on__lte=end)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start)))


def open_round(*, park: str, kind: str, month: str, due_on: date, user: Any) -> FilingRound:
    parse_month(month)
    if not Park.objects.filter(code=park).exists():
        raise FilingError(_("园区“%(park)s”不存在") % {"park": park})
    probe = FilingRound(park_id=park, kind=kind, month=month, due_on=due_on)
    _require_staff(user, probe, "open")
    if kind not in dict(FilingRound._meta.get_field("kind").choices):
        raise FilingError(_("不支持的填报内容“%(kind)s”") % {"kind": kind})
    if is_month_closed(park, month):
        raise FilingError(_("%(month)s 已封账，不能发起填报") % {"month": month})
    with transaction.atomic():
        if FilingRound.objects.filter(park_id=park, kind=kind, month=month).exists():
            raise FilingError(_("%(month)s 的填报已发起过") % {"month": month})
        round_ = FilingRound.objects.create(park_id=park, kind=kind, month=month, due_on=due_on,
                                            opened_by=user if getattr(user, "pk", None) else None)
        expected, filed = _create_submissions(round_)
        audit_log(AuditAction.CREATE, obj=round_, user=user,
                  detail={"filing": "open", "park": park, "month": month, "due_on": due_on.isoformat(),
                          "expected": expected, "already_in_ledger": filed})
    return round_


def _create_submissions(round_: FilingRound) -> tuple[int, int]:
    """One submission per expected enterprise, in one INSERT … SELECT (no row passes through Python):
    a return already in the ledger counts as accepted (source 台账已有). Returns (expected, already filed)."""
    filed = Exists(EnterpriseMonth.objects.filter(uscc=OuterRef("uscc"), month=round_.month))
    rows = expected_enterprises(round_.park_id, round_.month).annotate(filed=filed).values_list("uscc", "filed")
    select, params = rows.query.sql_with_params()
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("round_id", "enterprise_id", "state", "source", "reviewed_at", "values",
                                       "explanations", "anomalies", "return_reason", "returned_fields"))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (f"INSERT INTO {q(Submission._meta.db_table)} ({columns}) "
           f"SELECT %s, t.{q('uscc')}, CASE WHEN t.{q('filed')} THEN %s ELSE %s END, "
           f"CASE WHEN t.{q('filed')} THEN %s ELSE '' END, CASE WHEN t.{q('filed')} THEN %s ELSE NULL END, "
           f"'{{}}', '{{}}', '[]', '', '[]' FROM ({select}) t")
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_.pk, str(SubmissionState.ACCEPTED), str(SubmissionState.NOT_STARTED),
                             str(Source.LEDGER), now, *params])
    counts = round_.submissions.aggregate(n=Count("id"), filed=Count("id", filter=Q(state=SubmissionState.ACCEPTED)))
    return counts["n"], counts["filed"]


def rate_text(accepted: int, expected: int) -> str:
    """填报率 as shown: accepted / expected in per cent with one decimal ("—" with nothing expected)."""
    return f"{accepted * 100 / expected:.1f}%" if expected else "—"


def round_status(round_: FilingRound, *, missing_limit: int | None = None) -> dict[str, Any]:
    """{"expected", "not_started", "draft", "submitted", "returned", "accepted", "missing"}.

    "missing" are the enterprises neither accepted nor submitted (by 统一社会信用代码).
    """
    counts = dict(round_.submissions.values_list("state").annotate(n=Count("id")).order_by())
    status: dict[str, Any] = {"expected": sum(counts.values())}
    for state, key in STATE_KEYS.items():
        status[key] = counts.get(state, 0)
    missing = (round_.submissions.exclude(state__in=[SubmissionState.ACCEPTED, SubmissionState.SUBMITTED])
               .order_by("enterprise_id").values_list("enterprise_id", flat=True))
    status["missing"] = list(missing[:missing_limit] if missing_limit is not None else missing)
    return status


# -- filing -----------------------------------------------------------------------------------

def _open_for_filing(submission: Submission) -> None:
    round_ = submission.round
    if not round_.is_open:
        raise FilingError(_("本轮填报已结束，如需补报请联系统计员"))
    if is_month_closed(round_.park_id, round_.month):
        raise FilingError(_("%(month)s 已封账，不能再填报") % {"month": round_.month})
    if submission.state in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED):
        raise FilingError(_("已提交，等待审核；如需修改请联系统计员退回"))


def _clean_explanations(kind: str, explanations: dict[str, Any]) -> dict[str, str]:
    keys = {f.key for f in return_fields(kind)}
    return {k: str(v).strip()[:500] for k, v in (explanations or {}).items() if k in keys and str(v).strip()}


def _stored(result: CheckResult, raw: dict[str, Any], kind: str) -> dict[str, Any]:
    """What a submission keeps: typed values as JSON text, unreadable ones as typed (to show them again)."""
    out: dict[str, Any] = {}
    for f in return_fields(kind):
        if f.key in result.values and result.values[f.key] is not None:
            value = result.values[f.key]
            out[f.key] = value if isinstance(value, bool | int) else str(value)
        elif str(raw.get(f.key, "") or "").strip():
            out[f.key] = str(raw[f.key]).strip()[:40]
    return out


def check_submission(submission: Submission, raw: dict[str, Any], *, for_submit: bool) -> CheckResult:
    return check_return(submission.round.kind, raw, basis_values(submission.enterprise_id, submission.round.month),
                        for_submit=for_submit)


def save_draft(submission: Submission, raw: dict[str, Any], explanations: dict[str, Any], user: Any) -> CheckResult:
    _require_filer(user, submission, "draft")
    _open_for_filing(submission)
    result = check_submission(submission, raw, for_submit=False)
    before = submission.state
    submission.values = _stored(result, raw, submission.round.kind)
    submission.explanations = _clean_explanations(submission.round.kind, explanations)
    submission.anomalies = result.anomalies
    submission.saved_at = timezone.now()
    if submission.state == SubmissionState.NOT_STARTED:
        submission.state = SubmissionState.DRAFT
    submission.save()
    if before != submission.state:
        _log(submission, user, "draft", before)
    return result


def submit(submission: Submission, raw: dict[str, Any], explanations: dict[str, Any], user: Any) -> CheckResult:
    """Submit for review when every check passes and each anomaly carries a 说明; else nothing changes
    but the draft (the result says what to fix)."""
    _require_filer(user, submission, "submit")
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("round").get(pk=submission.pk)
        _open_for_filing(submission)  # a double submit meets "已提交" here
        result = check_submission(submission, raw, for_submit=True)
        explained = _clean_explanations(submission.round.kind, explanations)
        if not result.ok or result.unexplained(explained):
            submission.values = _stored(result, raw, submission.round.kind)
            submission.explanations = explained
            submission.anomalies = result.anomalies
            submission.saved_at = timezone.now()
            if submission.state == SubmissionState.NOT_STARTED:
                submission.state = SubmissionState.DRAFT
            submission.save()
            return result
        before = submission.state
        submission.values = _stored(result, raw, submission.round.kind)
        submission.explanations = explained
        submission.anomalies = result.anomalies
        submission.state = SubmissionState.SUBMITTED
        submission.source = Source.FILING
        submission.saved_at = submission.submitted_at = timezone.now()
        submission.submitted_by = user
        submission.save()
        _log(submission, user, "submit", before, anomalies=[a["field"] for a in result.anomalies])
    return result


# -- review -----------------------------------------------------------------------------------

def _ledger_row(submission: Submission) -> dict[str, Any]:
    row: dict[str, Any] = {"uscc": submission.enterprise_id, "month": submission.round.month}
    for f in return_fields(submission.round.kind):
        value = submission.values.get(f.key)
        row[f.key] = ("是" if value else "否") if f.kind == "bool" else ("" if value is None else value)
    return row


def accept(submissions: Iterable[Submission], user: Any) -> int:
    """Write the submitted values to the ledger and mark them accepted (all or nothing)."""
    from parkledger.dataio.importing import import_rows

    chosen = list(submissions)
    if not chosen:
        return 0
    for round_ in {s.round for s in chosen}:
        _require_staff(user, round_, "accept")
    not_ready = [s for s in chosen if s.state != SubmissionState.SUBMITTED]
    if not_ready:
        raise FilingError(_("只能审核通过已提交的填报（%(name)s：%(state)s）")
                          % {"name": not_ready[0].enterprise.name, "state": not_ready[0].get_state_display()})
    by_round: dict[int, list[Submission]] = {}
    for s in chosen:
        by_round.setdefault(s.round_id, []).append(s)
    now = timezone.now()
    with transaction.atomic(), accepting():
        for items in by_round.values():
            round_ = items[0].round
            result = import_rows(round_.kind, [_ledger_row(s) for s in items], park=round_.park_id, user=user)
            if not result.ok:
                names = {i + 1: s.enterprise.name for i, s in enumerate(items)}
                first = result.issues[0]
                who = names.get(first.row, "") if isinstance(first.row, int) else ""
                raise FilingError(_("写入台账失败：%(who)s %(reason)s") % {"who": who, "reason": first.reason})
            ids = [s.pk for s in items]
            Submission.objects.filter(pk__in=ids).update(
                state=SubmissionState.ACCEPTED, reviewed_at=now, reviewed_by=user, return_reason="",
                returned_fields=[])
        from parkledger.audit.log import append_entries

        append_entries([{
            "user_id": user.pk, "username": user.get_username(), "ip": "", "result": str(AuditResult.SUCCESS),
            "action": str(AuditAction.CHANGE), "object_kind": "filing.submission", "object_pk": str(s.pk),
            "natural_key": f"{s.round.park_id} {s.round.month} {s.enterprise_id}", "before": None, "after": None,
            "detail": {"filing": "accept", "from": str(SubmissionState.SUBMITTED), "to": str(SubmissionState.ACCEPTED)},
        } for s in chosen])
    return len(chosen)


def accept_clean(round_: FilingRound, user: Any) -> int:
    """Accept every submitted return that raised no anomaly."""
    _require_staff(user, round_, "accept")
    items = list(round_.submissions.filter(state=SubmissionState.SUBMITTED, anomalies=[])
                 .select_related("round", "enterprise"))
    return accept(items, user)


def return_submission(submission: Submission, reason: str, fields: list[str], user: Any) -> None:
    _require_staff(user, submission.round, "return")
    reason = str(reason or "").strip()
    if not reason:
        raise FilingError(_("请填写退回原因"))
    if submission.state != SubmissionState.SUBMITTED:
        raise FilingError(_("只能退回已提交的填报"))
    keys = {f.key for f in return_fields(submission.round.kind)}
    before = submission.state
    submission.state = SubmissionState.RETURNED
    submission.return_reason = reason[:500]
    submission.returned_fields = [f for f in fields if f in keys]
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = user
    submission.save()
    _log(submission, user, "return", before, reason=submission.return_reason, fields=submission.returned_fields)
    from parkledger.filing.reminders import notify_enterprise

    notify_enterprise(submission.round, submission.enterprise_id,
                      _("%(month)s 企业月报已被退回：%(reason)s") % {"month": submission.round.month, "reason": reason})


def close_round(round_: FilingRound, user: Any) -> None:
    _require_staff(user, round_, "close")
    if not round_.is_open:
        raise FilingError(_("本轮填报已经结束"))
    round_.closed_at = timezone.now()
    round_.closed_by = user
    round_.save(update_fields=["closed_at", "closed_by"])
    audit_log(AuditAction.CHANGE, obj=round_, user=user, detail={"filing": "close", **round_status(round_, missing_limit=0)})


def dashboard_card(user: Any, park: str, month: str) -> dict[str, Any] | None:
    """The 填报率 card of the dashboard: the park's round of the month (accepted / expected, and the
    accepted count day by day), for those who run rounds; None when there is no round."""
    if not park or not can_run_rounds(user, park):
        return None
    round_ = FilingRound.objects.filter(park_id=park, kind="enterprise_month", month=month).first()
    if round_ is None:
        return {"round": None, "month": month}
    status = round_status(round_, missing_limit=0)
    days = (round_.submissions.filter(state=SubmissionState.ACCEPTED, reviewed_at__isnull=False)
            .annotate(day=TruncDate("reviewed_at")).values_list("day").annotate(n=Count("id")).order_by("day"))
    total, by_day = 0, []
    for day, n in days:
        total += n
        by_day.append({"day": day, "accepted": total,
                       "rate": rate_text(total, status["expected"])})
    rate = rate_text(status["accepted"], status["expected"])
    missing = status["expected"] - status["accepted"] - status["submitted"]
    return {"round": round_, "month": month, "status": status, "rate": rate, "by_day": by_day[-7:], "missing": missing}
