"""Pages of the filing round: 填报管理 for the park's statisticians, 我的填报 for enterprise users."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parkledger.core.models import EnterpriseMonth
from parkledger.filing.checks import basis_values, check_return
from parkledger.filing.models import FilingKind, FilingRound, Notice, Submission, SubmissionState
from parkledger.filing.reminders import remind
from parkledger.filing.returns import return_fields
from parkledger.filing.services import (
    FilingError,
    accept,
    accept_clean,
    can_run_rounds,
    close_round,
    open_round,
    rate_text,
    return_submission,
    round_status,
    save_draft,
    submissions_of,
    submit,
)
from parkledger.lib.periods import shift_month
from parkledger.web.views.base import render_page, selection_of

PAGE_SIZE = 50


def _fail(request: HttpRequest, exc: Exception) -> None:
    text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


# -- 填报管理 -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def rounds_page(request: HttpRequest) -> HttpResponse:
    sel = selection_of(request)
    park = sel.park_code
    if not park or not can_run_rounds(request.user, park):
        raise PermissionDenied(_("只有本园区的统计人员可以管理填报"))
    if request.method == "POST":
        try:
            due = date.fromisoformat(request.POST.get("due_on", ""))
        except ValueError:
            messages.error(request, _("请填写截止日期"))
            return redirect(f"{reverse('filing:rounds')}?{sel.query}")
        try:
            round_ = open_round(park=park, kind=request.POST.get("kind", FilingKind.ENTERPRISE_MONTH),
                                month=request.POST.get("month", ""), due_on=due, user=request.user)
        except (FilingError, ValueError) as exc:
            _fail(request, exc)
            return redirect(f"{reverse('filing:rounds')}?{sel.query}")
        messages.success(request, _("已发起 %(month)s 填报") % {"month": round_.month})
        return redirect("filing:round", pk=round_.pk)
    rounds = list(FilingRound.objects.filter(park_id=park).select_related("park").order_by("-month"))
    counts: dict[int, dict[str, int]] = {}
    for round_id, state, n in _state_counts([r.pk for r in rounds]):
        counts.setdefault(round_id, {})[state] = n
    rows = []
    for r in rounds:
        c = counts.get(r.pk, {})
        expected = sum(c.values())
        accepted = c.get(SubmissionState.ACCEPTED, 0)
        rows.append({"round": r, "expected": expected, "accepted": accepted,
                     "submitted": c.get(SubmissionState.SUBMITTED, 0),
                     "rate": rate_text(accepted, expected)})
    next_month = shift_month(sel.period.key, 1)
    return render_page(request, "filing/rounds.html", {
        "rows": rows, "kinds": FilingKind.choices, "default_month": next_month,
    }, nav="filing")


def _state_counts(round_ids: list[int]) -> list[tuple[int, str, int]]:
    from django.db.models import Count

    return list(Submission.objects.filter(round_id__in=round_ids).values_list("round_id", "state")
                .annotate(n=Count("id")).order_by())


def _round_for_staff(request: HttpRequest, pk: int) -> FilingRound:
    round_ = get_object_or_404(FilingRound.objects.select_related("park"), pk=pk)
    if not can_run_rounds(request.user, round_.park_id):
        raise PermissionDenied(_("只有本园区的统计人员可以管理填报"))
    return round_


@login_required
@require_http_methods(["GET"])
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_staff(request, pk)
    status = round_status(round_, missing_limit=0)
    state = request.GET.get("state", "")
    items = round_.submissions.select_related("enterprise").order_by("enterprise__name", "enterprise_id")
    if state in SubmissionState.values:
        items = items.filter(state=state)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {f.key: f.label for f in return_fields(round_.kind)}
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "filing/round.html", {
        "round": round_, "status": status, "page": page, "state": state, "states": SubmissionState.choices,
        "labels": labels, "fields": return_fields(round_.kind), "query": query.urlencode(),
        "rate": rate_text(status["accepted"], status["expected"]),
    }, nav="filing")


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    round_ = _round_for_staff(request, pk)
    action = request.POST.get("action", "")
    back = reverse("filing:round", args=[round_.pk]) + ("?" + request.POST["back"] if request.POST.get("back") else "")
    try:
        if action == "accept":
            sub = get_object_or_404(round_.submissions.select_related("round", "enterprise"),
                                    pk=request.POST.get("submission") or 0)
            accept([sub], request.user)
            messages.success(request, _("已通过：%(name)s") % {"name": sub.enterprise.name})
        elif action == "accept_clean":
            n = accept_clean(round_, request.user)
            messages.success(request, _("已通过 %(n)s 份无异常的填报") % {"n": n})
        elif action == "return":
            sub = get_object_or_404(round_.submissions.select_related("round", "enterprise"),
                                    pk=request.POST.get("submission") or 0)
            return_submission(sub, request.POST.get("reason", ""), request.POST.getlist("fields"), request.user)
            messages.success(request, _("已退回：%(name)s") % {"name": sub.enterprise.name})
        elif action == "remind":
            counts = remind(round_, request.user)
            messages.success(request, _("已向 %(n)s 家未提交的企业催报") % {"n": counts["enterprises"]})
        elif action == "close":
            close_round(round_, request.user)
            messages.success(request, _("本轮填报已结束"))
        else:
            messages.error(request, _("未知的操作"))
    except FilingError as exc:
        _fail(request, exc)
    return redirect(back)


# -- 我的填报 -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def my_filing(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # mark the notices read
        Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("filing:mine")
    subs = list(submissions_of(request.user).order_by("-round__month", "enterprise_id"))
    open_subs = [s for s in subs if s.round.is_open]
    past = [s for s in subs if not s.round.is_open][:24]
    notices = list(Notice.objects.filter(user=request.user).order_by("-created_at")[:20])
    return render_page(request, "filing/mine.html", {
        "open_subs": open_subs, "past": past, "notices": notices,
        "unread": sum(1 for n in notices if n.read_at is None), "today": timezone.localdate(),
    }, nav="filing")


def _own_submission(request: HttpRequest, pk: int) -> Submission:
    sub = get_object_or_404(Submission.objects.select_related("round", "round__park", "enterprise"), pk=pk)
    if sub not in submissions_of(request.user).filter(pk=pk):
        raise PermissionDenied(_("只能填报本企业的数据"))
    return sub


def _posted(request: HttpRequest, sub: Submission) -> tuple[dict[str, str], dict[str, str]]:
    """The typed values and the 说明 of each field, as the form posted them."""
    fields = return_fields(sub.round.kind)
    return ({f.key: request.POST.get(f.key, "") for f in fields},
            {f.key: request.POST.get(f"why_{f.key}", "") for f in fields})


def _prefill(sub: Submission, basis: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The form's values: what was saved, else the yearly values from the enterprise's last return of the year."""
    if sub.values:
        return dict(sub.values)
    year = sub.round.month[:4]
    last = (EnterpriseMonth.objects.filter(uscc_id=sub.enterprise_id, month__startswith=year, month__lt=sub.round.month)
            .order_by("-month").values("above_scale").first())
    if last is None:
        last = basis.get("mom") or {}
    return {"above_scale": bool(last.get("above_scale", False))}


def _shown(value: Any) -> str:
    """A stored value as people write it: 5000.0000 → 5000, 12.50 → 12.5, empty → ""."""
    if value is None or isinstance(value, bool):
        return ""
    return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal | int | float) else str(value)


def _field_rows(sub: Submission, values: dict[str, Any], basis: dict[str, dict[str, Any]],
                result: Any = None) -> list[dict[str, Any]]:
    anomalies = {a["field"]: a for a in (result.anomalies if result is not None else sub.anomalies or [])}
    errors = result.errors if result is not None else {}
    rows = []
    for f in return_fields(sub.round.kind):
        rows.append({
            "field": f, "value": values.get(f.key, ""), "error": errors.get(f.key, ""),
            "anomaly": anomalies.get(f.key), "explanation": (sub.explanations or {}).get(f.key, ""),
            "mom": _shown(basis.get("mom", {}).get(f.key)), "yoy": _shown(basis.get("yoy", {}).get(f.key)),
            "returned": f.key in (sub.returned_fields or []),
        })
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def file_return(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _own_submission(request, pk)
    basis = basis_values(sub.enterprise_id, sub.round.month)
    editable = sub.round.is_open and sub.state not in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED)
    result = None
    if request.method == "POST":
        raw, explanations = _posted(request, sub)
        try:
            if request.POST.get("action") == "submit":
                result = submit(sub, raw, explanations, request.user)
                sub.refresh_from_db()
                if sub.state == SubmissionState.SUBMITTED:
                    messages.success(request, _("已提交，等待园区审核"))
                    return redirect("filing:mine")
                messages.error(request, _("还不能提交：请按提示修改或填写说明"))
            else:
                result = save_draft(sub, raw, explanations, request.user)
                messages.success(request, _("草稿已保存"))
                return redirect("filing:file", pk=sub.pk)
        except FilingError as exc:
            _fail(request, exc)
            return redirect("filing:file", pk=sub.pk)
        sub.refresh_from_db()
        values = raw
    else:
        values = _prefill(sub, basis)
    return render_page(request, "filing/file.html", {
        "sub": sub, "rows": _field_rows(sub, values, basis, result), "editable": editable,
        "mom_month": shift_month(sub.round.month, -1), "yoy_month": shift_month(sub.round.month, -12),
    }, nav="filing")


@login_required
@require_POST
def check_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The checks while the enterprise types (htmx): errors and anomalies of the values so far."""
    sub = _own_submission(request, pk)
    basis = basis_values(sub.enterprise_id, sub.round.month)
    raw, explanations = _posted(request, sub)
    result = check_return(sub.round.kind, raw, basis, for_submit=True)
    labels = {f.key: f.label for f in return_fields(sub.round.kind)}
    problems = [(labels[k], v) for k, v in result.errors.items()]
    unexplained = result.unexplained(explanations)
    return render_page(request, "filing/partials/checks.html", {
        "problems": problems, "anomalies": result.anomalies, "unexplained": unexplained,
    })
