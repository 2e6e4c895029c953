"""Writing ledger records through the API: the write gate, the model's `full_clean()`, one transaction.

Every write asks the write gate (`parkledger.accounts.gate`) before anything is saved, so a
refusal is audited outside the write's transaction. A reference to a record outside the user's
scope, and a write refused about a place he may not see, are answered as a reference to nothing
(400 on the deciding field, `…不存在或不在您的权限范围内`): no answer tells whether another park's
record exists. Other refusals are 403 with the gate's reason.
"""
from __future__ import annotations

__all__ = ["record_create", "record_update", "record_delete", "ensure_in_scope", "scope_error"]

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from parkledger.accounts import gate
from parkledger.core.kinds import data_fields
from parkledger.core.models import LedgerModel


def scope_error(obj: LedgerModel) -> ValidationError:
    """The error for a record outside the user's scope: worded as a reference to nothing, on the
    key that decides its park (`park`, `uscc`, `inspection`, …; a park's `parent`; a milestone's `subject`)."""
    model = type(obj)
    path = model.park_path
    if path == "code":
        field, kind, value = ("parent" if obj.parent_id else "code"), "park", obj.parent_id or obj.code
    elif not path:
        field, value = "subject", obj.subject
        try:
            kind = obj.subject_model().kind_key
        except KeyError:
            kind = obj.kind_key
    else:
        fld = model._meta.get_field(path.split("__")[0])
        field, kind, value = fld.name, fld.related_model.kind_key, getattr(obj, fld.attname)
    return ValidationError({field: gate.missing_reference_message(kind, value)})


def ensure_in_scope(user, obj: LedgerModel) -> None:
    """The write gate's decision on saving `obj` (a new or a changed record): a refusal about a
    place the user may not see is raised as `scope_error`, any other as the gate's `WriteRefused` (403)."""
    try:
        gate.check_save(user, obj, via="api")
    except gate.WriteRefused as exc:
        if exc.hidden:
            raise scope_error(obj) from exc
        raise


def _assign(obj: LedgerModel, data: dict[str, Any]) -> None:
    for attname, value in data.items():
        setattr(obj, attname, value)


def record_create(*, model: type[LedgerModel], data: dict[str, Any], user) -> LedgerModel:
    """A new record from validated API data (keys = attnames); raises ValidationError like a form."""
    obj = model()
    _assign(obj, data)
    if obj.has_generated_code() and not obj.code:
        obj.code = obj.content_code()
    gate.check_references(user, obj)  # before full_clean: a reference outside the scope reads as one to nothing
    obj.full_clean()
    ensure_in_scope(user, obj)
    with transaction.atomic():
        obj.save()
    return obj


def record_update(*, instance: LedgerModel, data: dict[str, Any], user, replace: bool = False) -> LedgerModel:
    """Change a record; the whole record is validated again.

    `replace` (PUT): fields left out of `data` go back to their defaults (empty), except a
    generated `code`, which stays; otherwise (PATCH) only the given fields change.
    """
    gate.check_record(user, instance, "change", via="api")
    stored = type(instance)._base_manager.filter(pk=instance.pk).first()
    if instance.has_generated_code() and not data.get("code", instance.code):
        data = {k: v for k, v in data.items() if k != "code"}  # an empty generated code keeps the stored one
    if replace:
        for field in data_fields(type(instance)):
            if field.attname in data or (field.name == "code" and instance.has_generated_code()):
                continue
            setattr(instance, field.attname, field.get_default())
    _assign(instance, data)
    gate.check_references(user, instance, old=stored)
    instance.full_clean()
    ensure_in_scope(user, instance)
    with transaction.atomic():
        instance.save()
    return instance


def record_delete(*, instance: LedgerModel, user) -> None:
    """Delete a record; a record others refer to raises ProtectedError (answered 409)."""
    gate.check_delete(user, instance, via="api")
    with transaction.atomic():
        instance.delete()
