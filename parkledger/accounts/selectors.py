"""Reading the audit log: the audit administrator's search."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from parkledger.audit.models import AuditEntry

__all__ = ["audit_search"]


def audit_search(filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Entries matching the search form's cleaned data, newest first."""
    qs = AuditEntry.objects.all()
    if filters.get("username"):
        qs = qs.filter(username__icontains=filters["username"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("result"):
        qs = qs.filter(result=filters["result"])
    if filters.get("object_kind"):
        qs = qs.filter(object_kind=filters["object_kind"])
    if filters.get("object"):
        value = filters["object"]
        qs = qs.filter(Q(object_pk=value) | Q(natural_key__icontains=value))
    if filters.get("ip"):
        qs = qs.filter(ip__startswith=filters["ip"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(time__gte=timezone.make_aware(datetime.combine(filters["date_from"], time.min), tz))
    if filters.get("date_to"):
        end = timezone.make_aware(datetime.combine(filters["date_to"] + timedelta(days=1), time.min), tz)
        qs = qs.filter(time__lt=end)
    return qs.order_by("-seq")
