"""Reminders (催报): in-app notices, e-mail and an SMS/WeChat gateway, each logged per enterprise.

- in-app: a `Notice` for every user who files for the enterprise, shown on 我的填报;
- e-mail: through Django's e-mail backend (SMTP settings from the environment in production, the
  console backend in development) to those users' addresses;
- gateway: when `PARKLEDGER_FILING_WEBHOOK_URL` is set, one JSON POST per enterprise
  (`{"uscc", "enterprise", "park", "month", "due_on", "text", "users": [...]}`) that the committee's
  SMS or WeChat gateway turns into a message; a failed POST is logged as undelivered, never raised.

Automatic reminders: `parkledger filing remind --auto` (daily, from the scheduler or cron) reminds
the open rounds whose due date is `PARKLEDGER_FILING_REMIND_DAYS` days away (negative: before the due
date, positive: after it; default -3 and 1).
"""
from __future__ import annotations

import json
import logging
import urllib.request
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.accounts.models import Membership
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction
from parkledger.filing.models import Channel, FilingRound, Notice, Reminder, SubmissionState

__all__ = ["remind", "notify_enterprise", "due_rounds", "REMIND_STATES"]

logger = logging.getLogger(__name__)
REMIND_STATES = (SubmissionState.NOT_STARTED, SubmissionState.DRAFT, SubmissionState.RETURNED)
WEBHOOK_TIMEOUT = 5


def _filers(usccs: list[str]) -> dict[str, list[Any]]:
    """Active users filing for each enterprise."""
    users: dict[str, list[Any]] = {}
    rows = (Membership.objects.filter(enterprise_id__in=usccs, user__is_active=True)
            .select_related("user").order_by("user_id"))
    for m in rows:
        users.setdefault(m.enterprise_id, []).append(m.user)
    return users


def notify_enterprise(round_: FilingRound, uscc: str, text: str) -> int:
    """An in-app notice to everyone who files for one enterprise; returns the number of notices."""
    users = _filers([uscc]).get(uscc, [])
    Notice.objects.bulk_create([Notice(user=u, round=round_, text=text[:500]) for u in users])
    return len(users)


def _text(round_: FilingRound, name: str) -> str:
    return _("【催报】%(name)s：%(park)s %(month)s 企业月报请于 %(due)s 前填报提交。") % {
        "name": name, "park": round_.park.name, "month": round_.month, "due": round_.due_on.isoformat()}


def _post(url: str, payload: dict[str, Any]) -> tuple[bool, str]:
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (configured URL)
            return 200 <= response.status < 300, f"HTTP {response.status}"
    except Exception as exc:  # a gateway that is down must not stop the other reminders
        logger.warning("Filing webhook failed: %s", exc)
        return False, str(exc)[:300]


def remind(round_: FilingRound, user: Any = None, *, auto: bool = False) -> dict[str, int]:
    """Remind every enterprise of an open round that has not submitted; returns counts per channel."""
    from parkledger.filing.services import FilingError, _require_staff

    if user is not None:
        _require_staff(user, round_, "remind")
    if not round_.is_open:
        raise FilingError(_("本轮填报已经结束"))
    targets = list(round_.submissions.filter(state__in=REMIND_STATES).select_related("enterprise"))
    filers = _filers([s.enterprise_id for s in targets])
    sender = _("系统") if auto else (user.get_username() if user is not None else "cli")
    now = timezone.now()
    notices, reminders, mails = [], [], []
    webhook = getattr(settings, "PARKLEDGER_FILING_WEBHOOK_URL", "")
    counts = {"enterprises": len(targets), "in_app": 0, "email": 0, "webhook": 0}
    for s in targets:
        text = _text(round_, s.enterprise.name)
        people = filers.get(s.enterprise_id, [])
        notices += [Notice(user=u, round=round_, text=text, created_at=now) for u in people]
        reminders.append(Reminder(round=round_, enterprise_id=s.enterprise_id, channel=Channel.IN_APP, sent_at=now,
                                  sent_by=sender, delivered=bool(people),
                                  detail="" if people else _("该企业没有填报账号")))
        counts["in_app"] += bool(people)
        addresses = [u.email for u in people if u.email]
        if addresses:
            mails.append(EmailMessage(_("企业月报催报"), text, None, addresses))
            reminders.append(Reminder(round=round_, enterprise_id=s.enterprise_id, channel=Channel.EMAIL,
                                      sent_at=now, sent_by=sender, detail=", ".join(addresses)[:300]))
            counts["email"] += 1
        if webhook:
            ok, detail = _post(webhook, {
                "uscc": s.enterprise_id, "enterprise": s.enterprise.name, "park": round_.park_id,
                "month": round_.month, "due_on": round_.due_on.isoformat(), "text": text,
                "users": [u.get_username() for u in people]})
            reminders.append(Reminder(round=round_, enterprise_id=s.enterprise_id, channel=Channel.WEBHOOK,
                                      sent_at=now, sent_by=sender, delivered=ok, detail=detail))
            counts["webhook"] += ok
    Notice.objects.bulk_create(notices, batch_size=2000)
    if mails:
        get_connection().send_messages(mails)
    Reminder.objects.bulk_create(reminders, batch_size=2000)
    audit_log(AuditAction.OTHER, obj=round_, user=user if user is not None else sender,
              detail={"filing": "remind", "auto": auto, **counts})
    return counts


def due_rounds(today: date | None = None) -> list[FilingRound]:
    """Open rounds whose due date is one of the configured reminder days away from today."""
    today = today or timezone.localdate()
    offsets = getattr(settings, "PARKLEDGER_FILING_REMIND_DAYS", (-3, 1))
    wanted = [today - timedelta(days=offset) for offset in offsets]
    return list(FilingRound.objects.filter(closed_at__isnull=True, due_on__in=wanted).select_related("park"))
