"""Template filters for audit entries: the fields an entry changed, and its detail as text."""
from __future__ import annotations

import json
from typing import Any

from django import template

from parkledger.audit.log import entry_changes

register = template.Library()


@register.filter
def audit_changes(entry: Any) -> list[tuple[str, Any, Any]]:
    return entry_changes(entry)


@register.filter
def audit_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else ""
