"""学习模板: upload last year's report and review it figure by figure.

One URL: GET shows the upload form; POST with a file learns it and shows the review screen; POST with the
stored file's token applies the user's choices (`action=apply`), confirms every high-confidence proposal
(`action=confirm_high`) or saves the template (`action=save`).

Each figure is shown in its sentence with the learner's proposal (the indicator's Chinese name, its key in
small print, its definition, the evidence and confidence) or 待确认, and a choice: the proposal or one of
its candidates, any other indicator of the dictionary, or 无对应指标 (the figure stays as fixed text).
The template is written only from what the user confirmed: a figure left unconfirmed stays fixed text.
Saving teaches the park's synonym table (`ParkSynonym`): the words before each figure whose confirmed
choice differs from the learner's proposal, so the next learn of this park proposes the user's choice.
"""
from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from parkledger.reports.learning import LearnInputError, catalogue_for_park, learn, read_bytes
from parkledger.reports.learning.binding import sentence_spans
from parkledger.reports.learning.keys import describe, indicator_choices
from parkledger.reports.learning.reading import ACCEPTED_SUFFIXES, MAX_BYTES
from parkledger.reports.models import ParkSynonym, ReportTemplate
from parkledger.reports.services import ReportTemplateError, save_template_version
from parkledger.web import access
from parkledger.web.uploads import store_upload, stored_upload
from parkledger.web.views.base import render_page, selection_of

__all__ = ["learn_page"]

CHOICE_FIELD = "choice-"
OTHER_FIELD = "key-"
HIGH = 0.85
SENTENCE_SIDE = 70  # characters shown on each side of a figure in a long sentence


def _max_bytes() -> int:
    return min(MAX_BYTES, int(getattr(settings, "PARKLEDGER_MAX_UPLOAD_BYTES", MAX_BYTES)))


def _band(confidence: float, key: str | None) -> str:
    if not key:
        return "none"
    if confidence >= HIGH:
        return "high"
    if confidence >= 0.65:
        return "mid"
    return "low"


def _decisions(request: HttpRequest) -> dict[int, str]:
    """What the user confirmed: {start offset: key}, "" for 无对应指标. A figure without a choice is absent.
    A key typed into the 其他指标 box counts as that choice even when its radio was not ticked."""
    out: dict[int, str] = {}
    starts = {name[len(prefix):] for name in request.POST for prefix in (CHOICE_FIELD, OTHER_FIELD)
              if name.startswith(prefix)}
    for tail in starts:
        if not tail.isdigit() or len(tail) > 9:
            continue
        start = int(tail)
        choice = request.POST.get(f"{CHOICE_FIELD}{tail}", "").strip()[:220]
        other = request.POST.get(f"{OTHER_FIELD}{tail}", "").strip()[:200]
        if choice == "none":
            out[start] = ""
        elif choice.startswith("key:") and choice[4:].strip():
            out[start] = choice[4:].strip()
        elif other and choice in ("", "other"):
            out[start] = other
    return out


def _sentence(result, det) -> tuple[str, str]:
    """The text before and after the figure within its sentence (shortened around a long one)."""
    paragraph = next((p for p in result.paragraphs if p.start <= det.start < p.end), None)
    if paragraph is None:
        return "", ""
    local = det.start - paragraph.start
    start, end = next(((s, e) for s, e in sentence_spans(paragraph.text) if s <= local < e), (0, len(paragraph.text)))
    before = paragraph.text[start:local]
    after = paragraph.text[det.end - paragraph.start:end]
    if len(before) > SENTENCE_SIDE:
        before = "…" + before[-SENTENCE_SIDE:]
    if len(after) > SENTENCE_SIDE:
        after = after[:SENTENCE_SIDE] + "…"
    return before, after


def _rows(result, proposals, decisions: dict[int, str], names: dict[str, str]) -> list[dict]:
    proposed = {d.start: d for d in proposals.figures}
    rows = []
    for det in result.figures:
        # an unconfirmed figure shows the proposal in the light of the choices made (a growth follows its
        # level); a confirmed one keeps the learner's own proposal among its choices
        learnt = proposed.get(det.start, det) if det.start in decisions else det
        proposal = learnt.key
        candidates = [proposal] if proposal else []
        candidates += [k for k in learnt.extra.get("candidates", []) if k and k not in candidates]
        chosen = decisions.get(det.start)
        confirmed = det.start in decisions and (chosen == "" or det.key == chosen)
        choices = [{"key": k, "checked": confirmed and chosen == k, **describe(k, names)} for k in candidates[:4]]
        other = confirmed and bool(chosen) and chosen not in candidates[:4]
        before, after = _sentence(result, det)
        evidence = learnt.extra.get("evidence", {})
        rows.append({
            "det": det, "start": det.start, "band": _band(learnt.confidence, proposal),
            "before": before, "after": after, "confirmed": confirmed, "none": confirmed and chosen == "",
            "other": other, "other_value": chosen if other else "",
            "proposal": {"key": proposal, **describe(proposal, names)} if proposal else None,
            "confidence": learnt.confidence, "note": learnt.note, "choices": choices,
            "measure": evidence.get("measure", ""), "qualifiers": "、".join(evidence.get("qualifiers", [])),
            "period": det.period, "unit": det.unit,
            "chosen": {"key": chosen, **describe(chosen, names)} if confirmed and chosen else None,
        })
    return rows


def _review_context(result, proposals, template_text: str, token: str, name: str, template_name: str,
                    decisions: dict[int, str]) -> dict:
    catalogue_names = dict(result.catalogue.pairs("platform") + result.catalogue.pairs("project")
                           + result.catalogue.pairs("package"))
    paragraphs = []
    for runs in result.segments():
        paragraphs.append([
            {"text": text, "det": det, "band": _band(det.confidence, det.key) if det is not None else ""}
            for text, det in runs
        ])
    rows = _rows(result, proposals, decisions, catalogue_names)
    return {
        "result": result, "token": token, "file_name": name, "paragraphs": paragraphs, "rows": rows,
        "choices": indicator_choices(result.catalogue), "template_name": template_name,
        "template_text": template_text, "counts": result.counts(), "total": len(rows),
        "proposed": sum(1 for r in rows if r["proposal"]), "pending": sum(1 for r in rows if not r["proposal"]),
        "confirmed": sum(1 for r in rows if r["confirmed"]),
        "high": sum(1 for r in rows if r["proposal"] and r["confidence"] >= HIGH and not r["confirmed"]),
    }


def _form_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {"error": error, "max_mb": _max_bytes() // (1024 * 1024), "suffixes": "、".join(ACCEPTED_SUFFIXES)}
    return render_page(request, "web/learn.html", context, status=status, nav="learn")


@login_required
def learn_page(request: HttpRequest) -> HttpResponse:
    sel = selection_of(request)
    if sel.park is None:
        return _form_page(request, _("您的账号还没有可查看的园区。"))
    if not access.can_see_park_figures(request.user, sel.park_code):
        raise PermissionDenied(_("无权查看园区指标"))  # learning matches the text to the park's figures
    if request.method != "POST":
        return _form_page(request)
    upload = request.FILES.get("file")
    token = request.POST.get("token", "")
    if upload is not None:
        if upload.size > _max_bytes():
            return _form_page(request, _("文件太大（%(kb)s KB），上限为 %(mb)s MB") % {
                "kb": upload.size // 1024, "mb": _max_bytes() // (1024 * 1024)}, status=400)
        data = upload.read()
        try:
            source = read_bytes(data, upload.name or "")
        except LearnInputError as exc:
            return _form_page(request, str(exc), status=400)
        upload.seek(0)
        token = store_upload(request, upload)
        name = source.name
        decisions: dict[int, str] = {}
    else:
        stored = stored_upload(request, token)
        if stored is None:
            return _form_page(request, _("上传的文件已失效，请重新上传。"), status=400)
        path, name = stored
        try:
            source = read_bytes(path.read_bytes(), name)
        except (OSError, LearnInputError) as exc:
            return _form_page(request, str(exc), status=400)
        decisions = _decisions(request)
    try:
        catalogue = catalogue_for_park(sel.park_code)
        synonyms = tuple(ParkSynonym.objects.filter(park=sel.park).values_list("phrase", "key"))
    except (ValueError, DatabaseError) as exc:
        return _form_page(request, str(exc), status=400)
    catalogue = dataclasses.replace(catalogue, synonyms=synonyms)
    action = request.POST.get("action", "") if upload is None else ""
    try:
        proposals = learn(source, catalogue=catalogue)
        if action == "confirm_high":
            for det in proposals.figures:
                if det.key and det.confidence >= HIGH and det.start not in decisions:
                    decisions[det.start] = det.key
        _drop_stale(proposals, decisions)
        result = learn(source, catalogue=catalogue, overrides=decisions)
        # the template: confirmed figures only, every other figure as written
        unconfirmed = {d.start: "" for d in proposals.figures if d.start not in decisions}
        written = learn(source, catalogue=catalogue, overrides={**unconfirmed, **decisions})
    except LearnInputError as exc:
        return _form_page(request, str(exc), status=400)
    template_name = (request.POST.get("name") or "").strip()[:100] or _("学习自%(name)s") % {"name": name}
    if action == "save" and not result.errors:
        return _save(request, sel, template_name, written, proposals, decisions, name)
    context = _review_context(result, proposals, written.template, token, name, template_name, decisions)
    context["errors"] = result.errors
    context["notes"] = written.notes
    return render_page(request, "web/learn_review.html", context, nav="learn")


def _drop_stale(proposals, decisions: dict[int, str]) -> None:
    """A growth, target or rate confirmed as proposed whose level the user has since changed is no longer
    confirmed: it is proposed again, following the new level."""
    learnt = {d.start: d for d in proposals.figures}
    for det in proposals.figures:
        follows = det.extra.get("follows")
        if not follows or det.start not in decisions or decisions[det.start] != (det.key or ""):
            continue
        level = learnt.get(follows[0])
        if level is not None and follows[0] in decisions and decisions[follows[0]] != (level.key or ""):
            del decisions[det.start]


def _teach(park, proposals, decisions: dict[int, str], user) -> int:
    """Record each confirmed choice that differs from the learner's proposal under the words before the
    figure; returns how many phrases were taught."""
    taught = 0
    for det in proposals.figures:
        if det.start not in decisions:
            continue
        chosen = decisions[det.start]
        phrase = (det.extra.get("phrase") or "")[:60]
        if len(phrase) < 2 or chosen == (det.key or None) or (chosen == "" and det.key is None):
            continue
        row, created = ParkSynonym.objects.get_or_create(park=park, phrase=phrase,
                                                         defaults={"key": chosen, "updated_by": user})
        if not created:
            ParkSynonym.objects.filter(pk=row.pk).update(key=chosen, uses=F("uses") + 1, updated_by=user)
        taught += 1
    return taught


def _save(request: HttpRequest, sel, template_name: str, written, proposals, decisions: dict[int, str],
          file_name: str) -> HttpResponse:
    if sel.park_code not in {p.code for p in sel.parks}:
        raise PermissionDenied(_("无权为该园区保存模板"))
    try:
        with transaction.atomic():
            template, _created = ReportTemplate.objects.get_or_create(park=sel.park, name=template_name)
            version = save_template_version(template=template, text=written.template, author=request.user,
                                            note=(_("由“%(name)s”学习生成") % {"name": file_name})[:200])
            taught = _teach(sel.park, proposals, decisions, request.user)
    except ReportTemplateError as exc:
        messages.error(request, _("模板无法保存：%(err)s") % {"err": exc})
        return _form_page(request, str(exc), status=400)
    messages.success(request, _("已保存为模板“%(name)s”第 %(n)s 版，下面是用它生成的本期报告。") % {
        "name": template.name, "n": version.number})
    if taught:
        messages.info(request, _("您的 %(n)s 处选择已记入本园区的同义词表，下次学习时会直接采用。") % {"n": taught})
    return redirect(f"{reverse('web:report')}?template={template.pk}")
