"""Writing ledger records through the API: the model's `full_clean()`, the user's parks, one transaction."""
from __future__ import annotations

__all__ = ["record_create", "record_update", "record_delete", "ensure_in_scope", "scope_error"]

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parkledger.api.access import can_write_record
from parkledger.core.kinds import data_fields
from parkledger.core.models import LedgerModel


def _scope_field(model: type[LedgerModel]) -> str | None:
    """The request key that decides a record's park (`park`, `uscc`, `subject`, …)."""
    path = model.park_path
    if path == "code":
        return "parent"
    if not path:
        return "subject"
    return path.split("__")[0]


def scope_error(obj: LedgerModel) -> ValidationError:
    """The error for a record outside the user's parks: reported as "not found" on its park's key."""
    model = type(obj)
    if model.park_path == "code":
        field = "parent" if obj.parent_id else "code"
        value = obj.parent_id or obj.code
    else:
        field = _scope_field(model)
        value = getattr(obj, model._meta.get_field(field).attname, "")
    return ValidationError({field: _("“%(value)s”不存在或不在您的权限范围内") % {"value": value}})


def ensure_in_scope(user, obj: LedgerModel, action: str) -> None:
    """A record may only be written into a park (or enterprise) the user writes."""
    if not can_write_record(user, obj, action):
        raise scope_error(obj)


def _ensure_may(user, obj: LedgerModel, action: str) -> None:
    if not can_write_record(user, obj, action):
        raise PermissionDenied(_("无权修改或删除这条记录"))


def _assign(obj: LedgerModel, data: dict[str, Any]) -> None:
    for attname, value in data.items():
        setattr(obj, attname, value)


@transaction.atomic
def record_create(*, model: type[LedgerModel], data: dict[str, Any], user) -> LedgerModel:
    """A new record from validated API data (keys = attnames); raises ValidationError like a form."""
    obj = model()
    _assign(obj, data)
    if obj.has_generated_code() and not obj.code:
        obj.code = obj.content_code()
    obj.full_clean()
    ensure_in_scope(user, obj, "add")
    obj.save()
    return obj


@transaction.atomic
def record_update(*, instance: LedgerModel, data: dict[str, Any], user, replace: bool = False) -> LedgerModel:
    """Change a record; the whole record is validated again.

    `replace` (PUT): fields left out of `data` go back to their defaults (empty), except a
    generated `code`, which stays; otherwise (PATCH) only the given fields change.
    """
    _ensure_may(user, instance, "change")
    if instance.has_generated_code() and not data.get("code", instance.code):
        data = {k: v for k, v in data.items() if k != "code"}  # an empty generated code keeps the stored one
    if replace:
        for field in data_fields(type(instance)):
            if field.attname in data or (field.name == "code" and instance.has_generated_code()):
                continue
            setattr(instance, field.attname, field.get_default())
    _assign(instance, data)
    instance.full_clean()
    ensure_in_scope(user, instance, "change")
    instance.save()
    return instance


@transaction.atomic
def record_delete(*, instance: LedgerModel, user) -> None:
    """Delete a record; a record others refer to raises ProtectedError (answered 409)."""
    _ensure_may(user, instance, "delete")
    instance.delete()
