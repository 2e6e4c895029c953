"""The write gate: the one authorization service every write of a ledger record goes through.

The rules are `parkledger.accounts.permissions`' (a role grants actions on the kinds of its
chapter; a park-scoped role acts in the parks of the user's memberships and their sub-parks, the
enterprise role on the user's own enterprises). The gate applies them to each write, whatever
its path, and is the only place that does:

| path | before any record is read | each record or imported row |
|---|---|---|
| web forms `/ledgers/<kind>/add/`, `…/<pk>/edit/`, `…/<pk>/delete/` | `gated_view` | `check_references`, `check_save`, `check_delete` |
| web import `/import/`, `/import/apply/` | `gated_view` (some kind to import) | the importer's hooks below |
| API `/api/<kind>/…` create, update, partial update, delete | `LedgerPermission` → `kind_refusal` | `check_references`, `check_save`, `check_delete` |
| API `/api/<kind>/bulk/`, `parkledger import --user U` | `LedgerPermission` (import) | the importer's hooks below |
| Django admin | `GatedModelAdmin.has_*_permission` | `save_model`, `delete_model`, `delete_queryset` |
| Django admin of users and groups | `GatedAccountAdmin.has_*_permission` → `account_refusal` | every page (`check_account`), `save_model`, `delete_model`, `delete_queryset` |

The importer's hooks (registered by the accounts app): `import_scope` refuses, row by row, the
sheets of kinds the user may not import and makes a reference to a record he may not see read
as one to nothing; `import_rows_check` decides every remaining row as a form's save would be.

A write (add, change, delete; through the importer a row's add or change needs the import right
as well) is allowed when
- the user is an active superuser; or
- one of his park-scoped roles grants it on the kind and every park the write touches is one of
  his member parks: the record's park after the write, and before it for a change or delete (so a
  move between parks needs both); for a park record: its parent when new, the park itself when
  changed or deleted, and its new parent when moved; or
- his enterprise role grants it and every enterprise the write touches (before and after) is one
  he files for.
Nobody else writes a ledger: not the three administrators (三员), nor a user without a park
membership.

A refusal is audited (`perm_denied`, result `denied`: kind, action, path, reason; through
`parkledger.audit.refusals`, so that the rollback a refusal causes does not take the entry with
it; an imported row's refusal per row, as the importer's other refusals) and raised as
`WriteRefused`, a `PermissionDenied` saying in words what was refused (`无权修改企业月报：园区“生态园”
不在您的权限范围内`). A refusal about a place the user may not even see is `hidden`: the API answers
it as it answers a reference to nothing (`…不存在或不在您的权限范围内`), and its lookups outside the
user's scope are 404, so no answer tells whether another park's record exists.

The actor (`acting_user`) is the request's user, or the user of `acting_as(...)` (an import's
user); with neither, a command run from the server's shell, the operator, whom the gate leaves
alone (he holds the database anyway).

Accounts in the Django admin follow the 三员分立 rules of the 账户管理 and 权限管理 pages
(`parkledger.accounts.services`): users are the system administrator's, groups (bundles of
permissions) the security administrator's (an active superuser holds both). Nobody changes his
own account there nor an administrator's (the three roles, a superuser); an account is created,
disabled and given a password on the 账户管理 page (a first password and a reset by one-time
link, never set by an administrator), roles and permissions on the 权限管理 page, so the admin
adds, deletes and sets passwords of no user and leaves his rights fields read-only. A refusal is
audited (`perm_denied`) and raised as `WriteRefused`.

Every route that writes carries the gate's mark (`write_gate`: `gated_view`, the API's ledger
viewsets, `GatedModelAdmin`, `GatedAccountAdmin`); `tests/security/test_write_routes.py` walks the URLconf and the
OpenAPI schema and fails for a route that writes without it.
"""
from __future__ import annotations

__all__ = [
    "GateMark", "Refusal", "WriteRefused", "acting_user", "kind_refusal", "refusal", "record_places",
    "may", "may_record", "check_kind", "check_record", "check_save", "check_delete", "reference_filter",
    "check_references", "missing_reference_message", "note_unseen", "import_scope", "import_rows_check", "gated_view",
    "GatedModelAdmin", "WRITE_GATE_ATTR", "ACCOUNT_MODELS", "account_refusal", "check_account", "GatedAccountAdmin",
]

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, NoReturn

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from parkledger.accounts.context import current_actor, current_request
from parkledger.accounts.permissions import (
    WRITE_ACTIONS,
    enterprise_usccs,
    ledger_grants,
    member_park_codes,
    scope_queryset,
    user_roles,
    visible_park_codes,
)
from parkledger.accounts.roles import ADMIN_ROLES, ENTERPRISE_KINDS, Role
from parkledger.accounts.scoping import park_filter, record_park_code
from parkledger.audit.models import AuditAction
from parkledger.audit.refusals import audit_refusal
from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import Enterprise, Park

WRITE_GATE_ATTR = "write_gate"
# the verb inside a refusal ("You may not add hazards"): its own context, apart from the button labels
_VERBS = {"add": pgettext_lazy("refused action", "新增"), "change": pgettext_lazy("refused action", "修改"),
          "delete": pgettext_lazy("refused action", "删除"), "import": pgettext_lazy("refused action", "导入")}


@dataclass(frozen=True)
class GateMark:
    """The mark of a route that writes through the gate: its actions, and whose kind it writes
    (`url`: the URL's `kind`; `any`: whatever kinds a file holds; `model`: the admin's model; or
    a kind key)."""

    actions: tuple[str, ...]
    kind: str = "url"


@dataclass(frozen=True)
class Refusal:
    """Why a write is refused: the reason in words; `hidden` when it is about a place (park,
    enterprise, stored record) the user may not see."""

    reason: str
    hidden: bool = False


class WriteRefused(PermissionDenied):
    """A write the gate refused; already in the audit log (see the module docstring)."""

    audited = True

    def __init__(self, refusal: Refusal, *, kind: str, action: str, field: str | None = None) -> None:
        super().__init__(refusal.reason)
        self.reason = refusal.reason
        self.hidden = refusal.hidden
        self.kind = kind
        self.action = action
        self.field = field


# -- who acts ---------------------------------------------------------------------------------------

def acting_user() -> Any:
    """The user writing now: the request's (anonymous when not logged in) or `acting_as`'s; None
    for the operator (a command run from the server's shell)."""
    actor = current_actor()
    if actor.user is not None:
        return actor.user
    if current_request() is not None:
        return AnonymousUser()
    return None


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _superuser(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser)


# -- the decision -----------------------------------------------------------------------------------

def _label(kind: str) -> str:
    model = kind_models().get(kind)
    return str(model._meta.verbose_name) if model is not None else kind


def _head(kind: str | None, action: str) -> str:
    verb = str(_VERBS.get(action, _VERBS["change"]))
    if kind is None:
        return _("无权%(verb)s数据") % {"verb": verb}
    return _("无权%(verb)s%(kind)s") % {"verb": verb, "kind": _label(kind)}


def _role_names(roles: Iterable[str]) -> str:
    return "、".join(str(Role(role).label) for role in sorted(roles))


def _enterprise_kinds() -> str:
    return "、".join(_label(kind) for kind in sorted(ENTERPRISE_KINDS))


def _why_not(user: Any, kind: str | None, action: str, grants: tuple[bool, bool]) -> str:
    """The reason a user may do `action` on no record of the kind (of any kind: `kind` None)."""
    by_park, by_enterprise = grants
    roles = user_roles(user)
    business = roles - ADMIN_ROLES
    if not business:
        if roles:
            return _("%(roles)s不能写入业务台账") % {"roles": _role_names(roles)}
        return _("您的账号没有业务角色")
    if by_park:
        return _("您的账号不属于任何园区")
    if by_enterprise:
        return _("您的账号没有关联企业")
    if business == {Role.ENTERPRISE}:
        if kind in ENTERPRISE_KINDS and action in ("delete", "import"):
            return _("企业用户只能在表单中逐条填报本企业的%(kinds)s") % {"kinds": _enterprise_kinds()}
        return _("企业用户只能填报本企业的%(kinds)s") % {"kinds": _enterprise_kinds()}
    if kind is None:
        return _("%(roles)s不负责任何台账的录入") % {"roles": _role_names(business)}
    return _("%(roles)s不负责这类台账") % {"roles": _role_names(business)}


def _actions(action: str, importing: bool) -> tuple[str, ...]:
    return (action, "import") if importing and action != "import" else (action,)


def kind_refusal(user: Any, kind: str | None, action: str, *, park: str | None = None,
                 importing: bool = False) -> Refusal | None:
    """May the user do `action` on some record of `kind` (None: of some kind at all; `park`: in
    that park)? None when he may, else why not. The per-record checks come after."""
    if park is not None and kind is not None:
        return _kind_park_refusal(user, kind, action, park)
    if user is None or _superuser(user):
        return None
    if not _active(user):
        return Refusal(f"{_head(kind, action)}：{_('请先登录')}")
    if action not in WRITE_ACTIONS:
        return Refusal(_head(kind, action))
    if kind is not None and kind not in kind_models():
        return Refusal(_("没有这种台账：%(kind)s") % {"kind": kind[:40]})
    kinds = [kind] if kind is not None else list(kind_models())
    grants = (False, False)
    for each in kinds:
        grants = ledger_grants(user, each, *_actions(action, importing))
        if (grants[0] and member_park_codes(user)) or (grants[1] and enterprise_usccs(user)):
            return None
    if kind is None:
        grants = (False, False)
    return Refusal(f"{_head(kind, action)}：{_why_not(user, kind, action, grants)}")


def _park_words(code: str, visible: set[str]) -> str:
    """A park as the user knows it: its name when he may see it, else the code he gave."""
    if code in visible:
        name = Park.objects.filter(code=code).values_list("name", flat=True).first()
        if name:
            return name
    return code


def refusal(
    user: Any, kind: str, action: str, *, parks: Iterable[str | None] = (), old_parks: Iterable[str | None] = (),
    usccs: Iterable[str | None] = (), old_usccs: Iterable[str | None] = (), importing: bool = False,
) -> Refusal | None:
    """May the user do `action` on a record of `kind` that lies, after the write, in `parks` (and
    for an enterprise user: belongs to `usccs`), and before it in `old_parks` (`old_usccs`)?
    None when he may, else why not (see the module docstring for the rule)."""
    first = kind_refusal(user, kind, action, importing=importing)
    if first is not None or user is None or _superuser(user):
        return first
    parks, old_parks, usccs, old_usccs = list(parks), list(old_parks), list(usccs), list(old_usccs)
    by_park, by_enterprise = ledger_grants(user, kind, *_actions(action, importing))
    members = set(member_park_codes(user)) if by_park else set()
    own = set(enterprise_usccs(user)) if by_enterprise else set()
    touched_parks, touched_usccs = [*parks, *old_parks], [*usccs, *old_usccs]
    if by_park and touched_parks and all(p in members for p in touched_parks):
        return None
    if by_enterprise and touched_usccs and all(u in own for u in touched_usccs):
        return None
    head = _head(kind, action)
    if by_park:
        visible = set(visible_park_codes(user))
        for code in old_parks:
            if code not in members:
                return Refusal(f"{head}：{_('这条记录不在您的权限范围内')}", hidden=code not in visible)
        for code in parks:
            if code is None:
                if kind == "park":
                    return Refusal(f"{head}：{_('新的园区须设在您的园区之下（请填写上级园区）')}")
                return Refusal(f"{head}：{_('无法确定这条记录属于哪个园区')}")
            if code not in members:
                return Refusal(f"{head}：" + _("园区“%(park)s”不在您的权限范围内") % {
                    "park": _park_words(code, visible)}, hidden=code not in visible)
        return Refusal(f"{head}：{_('无法确定这条记录属于哪个园区')}")
    for uscc in old_usccs:
        if uscc not in own:
            return Refusal(f"{head}：{_('这条记录不是本企业的')}", hidden=True)
    for uscc in usccs:
        if uscc not in own:
            return Refusal(f"{head}：" + _("企业“%(uscc)s”不是您填报的企业") % {"uscc": uscc or ""}, hidden=True)
    return Refusal(f"{head}：{_('这条记录不是本企业的')}", hidden=True)


def _uscc_of(obj: models.Model) -> str | None:
    """The enterprise a record is of (its `uscc` reference; an enterprise's own code)."""
    if isinstance(obj, Enterprise):
        return obj.uscc
    fld = _uscc_field(type(obj))
    return getattr(obj, fld.attname) if fld is not None else None


def _uscc_field(model: type[models.Model]) -> models.ForeignKey | None:
    for fld in model._meta.concrete_fields:
        if fld.name == "uscc" and isinstance(fld, models.ForeignKey) and fld.related_model is Enterprise:
            return fld
    return None


def record_places(old: models.Model | None, new: models.Model | None) -> dict[str, list]:
    """The parks and enterprises a write touches (`refusal`'s keyword arguments): create (old
    None), change, delete (new None). A park's place is its parent when new, itself when
    changed or deleted, and its new parent when moved."""
    subject = new if new is not None else old
    if getattr(subject, "kind_key", "") == "park":
        if old is None:
            parks, old_parks = [new.parent_id], []
        elif new is None:
            parks, old_parks = [], [old.code]
        else:
            parks = [new.parent_id] if new.parent_id != old.parent_id else []
            old_parks = [old.code]
    else:
        parks = [record_park_code(new)] if new is not None else []
        old_parks = [record_park_code(old)] if old is not None else []
    return {
        "parks": parks, "old_parks": old_parks,
        "usccs": [_uscc_of(new)] if new is not None else [],
        "old_usccs": [_uscc_of(old)] if old is not None else [],
    }


def may(user: Any, kind: str, action: str, park: str | None = None) -> bool:
    """May the user do `action` on records of `kind` (in `park` when given)? For menus and
    buttons; the writes themselves ask `check_*`."""
    return kind_refusal(user, kind, action, park=park) is None


def may_record(user: Any, obj: models.Model, action: str) -> bool:
    """May the user do `action` (change, delete) on this stored record, where it is now?"""
    return refusal(user, obj.kind_key, action, **record_places(obj, None)) is None


def _kind_park_refusal(user: Any, kind: str, action: str, park: str | None) -> Refusal | None:
    first = kind_refusal(user, kind, action)
    if first is not None or park is None or user is None or _superuser(user):
        return first
    by_park, by_enterprise = ledger_grants(user, kind, action)
    if by_park and park in member_park_codes(user):
        return None
    if by_enterprise and park in visible_park_codes(user):  # the park of one of his enterprises
        return None
    visible = set(visible_park_codes(user))
    return Refusal(f"{_head(kind, action)}：" + _("园区“%(park)s”不在您的权限范围内") % {
        "park": _park_words(park, visible)}, hidden=park not in visible)


# -- enforcing: audited refusals ---------------------------------------------------------------------

def _refuse(user: Any, found: Refusal, *, kind: str, action: str, via: str, obj: models.Model | None = None,
            field: str | None = None, detail: dict[str, Any] | None = None) -> NoReturn:
    """Audit the refusal, then raise it."""
    request = current_request()
    audit_refusal(
        AuditAction.PERM_DENIED, obj=obj if obj is not None and obj.pk is not None else None, kind=kind,
        user=user if _active(user) else None,
        detail={"attempted": action, "via": via, "reason": found.reason,
                "path": request.path if request is not None else "", **(detail or {})},
    )
    raise WriteRefused(found, kind=kind, action=action, field=field)


def check_kind(user: Any, kind: str | None, action: str, *, via: str, park: str | None = None) -> None:
    """Raise `WriteRefused` (audited) unless the user may do `action` on some record of `kind`
    (None: of some kind; `park`: in that park)."""
    found = kind_refusal(user, kind, action, park=park)
    if found is not None:
        _refuse(user, found, kind=kind or "", action=action, via=via, detail={"park": park} if park else None)


def _deciding_field(model: type[models.Model]) -> str:
    """The field whose value decides a record's park (its error goes there)."""
    path = getattr(model, "park_path", "")
    if path == "code":
        return "parent"
    if not path:
        return "subject"
    return path.split("__", 1)[0]


def check_record(user: Any, obj: models.Model, action: str, *, via: str) -> None:
    """Raise `WriteRefused` (audited) unless the user may do `action` on this stored record where it is."""
    found = refusal(user, obj.kind_key, action, **record_places(obj, None))
    if found is not None:
        _refuse(user, found, kind=obj.kind_key, action=action, via=via, obj=obj)


def check_save(user: Any, obj: models.Model, *, via: str) -> None:
    """Raise `WriteRefused` (audited) unless the user may save `obj`: a new record where it will
    be, a changed one where it was (read again from the database) and where it will be."""
    stored = None
    if obj.pk is not None and not obj._state.adding:
        stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    action = "add" if stored is None else "change"
    places = record_places(stored, obj)
    found = refusal(user, obj.kind_key, action, **places)
    if found is not None:
        field = _deciding_field(type(obj))
        if obj.kind_key == "park" and stored is not None and obj.parent_id == stored.parent_id:
            field = "code"
        _refuse(user, found, kind=obj.kind_key, action=action, via=via, obj=stored or obj, field=field,
                detail={"parks": sorted({p for p in (*places["parks"], *places["old_parks"]) if p})})


def check_delete(user: Any, obj: models.Model, *, via: str) -> None:
    """Raise `WriteRefused` (audited) unless the user may delete this record."""
    check_record(user, obj, "delete", via=via)


def note_unseen(user: Any, model: type[models.Model], pk: Any, action: str, *, via: str) -> None:
    """A write aimed at a record outside the user's scope is answered as one at nothing (404);
    when the record exists, the attempt is audited all the same (the answer does not change)."""
    if not str(pk).isascii() or not str(pk).isdigit() or len(str(pk)) > 18:
        return
    obj = model._base_manager.filter(pk=int(pk)).first()
    if obj is None:
        return
    request = current_request()
    audit_refusal(AuditAction.PERM_DENIED, obj=obj, kind=getattr(model, "kind_key", ""),
                  user=user if _active(user) else None,
                  detail={"attempted": action, "via": via, "reason": _("这条记录不在您的权限范围内"),
                      "path": request.path if request is not None else ""})


# -- references: what a user may refer to (and so learn exists) ---------------------------------------

def reference_filter(user: Any, model: type[models.Model]) -> Q | None:
    """A Q of the stored records of `model` a write by the user may refer to: those he may see
    (None: any, for a superuser or the operator; nothing for anyone else without a role)."""
    if user is None or _superuser(user):
        return None
    nothing = Q(pk__in=[])
    if not _active(user):
        return nothing
    roles = user_roles(user) - ADMIN_ROLES
    condition = nothing
    if roles - {Role.ENTERPRISE}:
        codes = member_park_codes(user)
        if codes:
            condition |= park_filter(model, codes)
    if Role.ENTERPRISE in roles:
        usccs = enterprise_usccs(user)
        if usccs and model is Enterprise:
            condition |= Q(uscc__in=usccs)
        elif usccs and model is Park:
            condition |= Q(code__in=Enterprise.objects.filter(uscc__in=usccs).values("park"))
        elif usccs and _uscc_field(model) is not None:
            condition |= Q(uscc__in=usccs)
    return condition


def missing_reference_message(kind: str, value: Any) -> str:
    """The words for a reference to nothing, and to a record the user may not see: the same."""
    return _("%(kind)s“%(v)s”不存在或不在您的权限范围内") % {"kind": _label(kind), "v": value}


def check_references(user: Any, obj: models.Model, *, old: models.Model | None = None) -> None:
    """Raise a ValidationError on each reference of `obj` (changed since `old`) to a record the
    user may not see, worded as one to a record that does not exist."""
    errors: dict[str, list[str]] = {}
    for fld in data_fields(type(obj)):
        if not isinstance(fld, models.ForeignKey):
            continue
        value = getattr(obj, fld.attname)
        if value in (None, "") or (old is not None and getattr(old, fld.attname) == value):
            continue
        within = reference_filter(user, fld.related_model)
        if within is not None and not fld.related_model._base_manager.filter(
                within, **{fld.target_field.attname: value}).exists():
            errors[fld.name] = [missing_reference_message(fld.related_model.kind_key, value)]
    subject_model = getattr(obj, "subject_model", None)
    subject = getattr(obj, "subject", None)
    if callable(subject_model) and subject and (old is None or (old.subject_kind, old.subject) != (
            obj.subject_kind, subject)):
        try:
            target = subject_model()
        except KeyError:
            target = None
        within = reference_filter(user, target) if target is not None else None
        if within is not None and not target._base_manager.filter(within, code=subject).exists():
            errors["subject"] = [missing_reference_message(target.kind_key, subject)]
    if errors:
        raise ValidationError(errors)


# -- imports -----------------------------------------------------------------------------------------

def import_scope():
    """The importer's scope for the acting user (`parkledger.dataio.hooks.register_import_scope`):
    None for the operator and a superuser."""
    from parkledger.dataio.hooks import ImportScope

    user = acting_user()
    if user is None or _superuser(user):
        return None

    def refuse_kind(model: type[models.Model]) -> str | None:
        found = kind_refusal(user, model.kind_key, "import")
        if found is None:
            return None
        audit_refusal(AuditAction.PERM_DENIED, kind=model.kind_key,
                      detail={"attempted": "import", "via": "import", "reason": found.reason})
        return found.reason

    return ImportScope(
        refuse_kind=refuse_kind,
        reference_filter=lambda model: reference_filter(user, model),
        missing_reference=_("%(kind)s“%(v)s”不存在或不在您的权限范围内"),
    )


def _stored_subject_park(model: type[models.Model], before: dict[str, Any], cache: dict) -> str | None:
    """The park of a stored record without a park path (a milestone: its subject's)."""
    key = (before.get("subject_kind"), before.get("subject"))
    if key not in cache:
        cache[key] = record_park_code(model(subject_kind=key[0], subject=key[1]))
    return cache[key]


def _row_places(model: type[models.Model], change: Any, subjects: dict) -> dict[str, list]:
    """`record_places` of an imported row (`parkledger.dataio.hooks.RowChange`)."""
    new = change.instance
    before = change.before or {}
    if model.kind_key == "park":
        if change.is_new:
            parks, old_parks = [new.parent_id], []
        else:
            moved = before.get("parent_id") != new.parent_id
            parks, old_parks = [new.parent_id] if moved else [], [new.code]
    else:
        parks = [change.park]
        if change.is_new:
            old_parks = []
        elif model.park_path:
            old_parks = [change.stored_park]
        else:
            old_parks = [_stored_subject_park(model, before, subjects)]
    uscc = "uscc" if model is Enterprise else (fld.attname if (fld := _uscc_field(model)) is not None else None)
    return {
        "parks": parks, "old_parks": old_parks,
        "usccs": [_uscc_of(new)],
        "old_usccs": [] if change.is_new else [before.get(uscc) if uscc else None],
    }


AUDITED_ROWS = 200  # refused rows of a kind audited one by one (as many as an import lists); the rest counted


def import_rows_check(model: type[models.Model], changes: list) -> None:
    """The importer's rows check (`parkledger.dataio.hooks.register_rows_check`): every row the
    acting user may not write is refused under the column that decides its place, and audited:
    an entry per row (the first `AUDITED_ROWS`, then one entry counting the rest), written once
    the import's transaction is over."""
    user = acting_user()
    if user is None or _superuser(user) or not changes:
        return
    kind = model.kind_key
    field = _deciding_field(model) if kind != "park" else "code"
    decided: dict[tuple, Refusal | None] = {}
    subjects: dict = {}
    refused = []
    for change in changes:
        action = "add" if change.is_new else "change"
        places = _row_places(model, change, subjects)
        key = (action, *(tuple(v) for v in places.values()))
        if key not in decided:
            decided[key] = refusal(user, kind, action, importing=True, **places)
        found = decided[key]
        if found is not None:
            change.reject(found.reason, field)
            refused.append((change, found))
    for change, found in refused[:AUDITED_ROWS]:
        audit_refusal(AuditAction.PERM_DENIED, obj=None if change.is_new else change.instance, kind=kind,
                      detail={"attempted": "create" if change.is_new else "change", "via": "import",
                              "park": change.park, "sheet": change.sheet, "row": change.row, "reason": found.reason})
    if len(refused) > AUDITED_ROWS:
        audit_refusal(AuditAction.PERM_DENIED, kind=kind, detail={
            "attempted": "import", "via": "import", "refused_rows": len(refused), "listed": AUDITED_ROWS})


# -- adapters: views and the admin ---------------------------------------------------------------------

def gated_view(action: str, *, any_kind: bool = False, kind_kwarg: str = "kind",
               park: Callable[[Any], str | None] | None = None) -> Callable:
    """Decorate a view that writes: a login, and `check_kind` on the URL's kind (`any_kind`: some
    kind, as an import page; `park(request)`: in that park) before the view runs. The view still
    checks each record (`check_save`, `check_delete`) or imports through the importer's hooks."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args: Any, **kwargs: Any):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if any_kind:
                check_kind(request.user, None, action, via="web")
            else:
                kind = kwargs.get(kind_kwarg, "")
                if kind not in kind_models():
                    raise Http404(_("没有这种台账：%(kind)s") % {"kind": kind[:40]})
                check_kind(request.user, kind, action, via="web", park=park(request) if park else None)
            return view(request, *args, **kwargs)

        setattr(wrapped, WRITE_GATE_ATTR, GateMark((action,), "any" if any_kind else "url"))
        return wrapped

    return decorator


class GatedModelAdmin(admin.ModelAdmin):
    """Django admin of a ledger kind through the gate: the user's records only, and every add,
    change and delete decided (and a refusal audited) as in the web forms."""

    write_gate = GateMark(("add", "change", "delete"), "model")

    def get_queryset(self, request):
        return scope_queryset(request.user, self.model.kind_key, super().get_queryset(request))

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and may(request.user, self.model.kind_key, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return may_record(request.user, obj, "change") if obj is not None else may(
            request.user, self.model.kind_key, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return may_record(request.user, obj, "delete") if obj is not None else may(
            request.user, self.model.kind_key, "delete")

    def _posted_record(self, request, object_id: str | None) -> models.Model | None:
        return self.get_object(request, unquote(object_id)) if object_id else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # a refused post is audited before the admin's own transaction (which a refusal inside rolls back)
        if request.method == "POST":
            obj = self._posted_record(request, object_id)
            if obj is not None:
                check_record(request.user, obj, "change", via="admin")
            elif object_id is None:
                check_kind(request.user, self.model.kind_key, "add", via="admin")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            obj = self._posted_record(request, object_id)
            if obj is not None:
                check_delete(request.user, obj, via="admin")
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        check_save(request.user, obj, via="admin")
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj) -> None:
        check_delete(request.user, obj, via="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            check_delete(request.user, obj, via="admin")
        super().delete_queryset(request, queryset)


# -- accounts in the Django admin (三员分立) --------------------------------------------------------------

#: the account models of the Django admin (label → what its pages are called in a refusal)
ACCOUNT_MODELS = ("auth.user", "auth.group")
#: the fields of a user that carry rights: granted on the 权限管理 page (administrator roles on the
#: command line), never in the admin
USER_RIGHTS_FIELDS = ("password", "is_active", "is_staff", "is_superuser", "groups", "user_permissions",
                      "last_login", "date_joined")


def account_refusal(user: Any, model: type[models.Model], action: str, target: models.Model | None = None
                    ) -> Refusal | None:
    """May the user do `action` (view, add, change, delete; `password` for a user's password) on the
    Django admin's users or groups (`target`: that one)? None when allowed (see the module docstring)."""
    from parkledger.accounts.permissions import can_grant_roles, can_manage_accounts
    from parkledger.accounts.services import is_administrator_account

    label = model._meta.label_lower
    if not _active(user):
        return Refusal(_("请先登录"))
    if label == "auth.group":
        return None if can_grant_roles(user) else Refusal(_("只有安全管理员管理权限组"))
    if label != "auth.user":
        return Refusal(_("无权执行此操作"))
    if not can_manage_accounts(user):
        return Refusal(_("只有系统管理员管理账户"))
    if action == "add":
        return Refusal(_("请在“账户管理”页面创建账户：首次密码由本人通过一次性链接设置"))
    if action == "delete":
        return Refusal(_("账户不删除，只停用：请在“账户管理”页面停用"))
    if action == "view" or target is None:
        return None if action in ("view", "change") else Refusal(_("无权执行此操作"))
    if target.pk == user.pk:
        return Refusal(_("不能在管理后台修改自己的账户"))
    if is_administrator_account(target):
        return Refusal(_("管理员账户不能在网页上修改，只能由服务器操作员用 parkledger accounts recover 恢复"))
    if action == "password":
        return Refusal(_("密码只能通过一次性链接重置：请在“账户管理”页面操作"))
    return None


def check_account(user: Any, model: type[models.Model], action: str, target: models.Model | None = None, *,
                  via: str = "admin") -> None:
    """Raise `WriteRefused` (audited) unless `account_refusal` allows it."""
    found = account_refusal(user, model, action, target)
    if found is not None:
        _refuse(user, found, kind=model._meta.label_lower, action=action, via=via, obj=target,
                detail={"target": str(target)} if target is not None else None)


class GatedAccountAdmin:
    """Mixin of the Django admin of users and groups: every permission decision is the gate's
    (`account_refusal`, on top of Django's own), every page refused by it audited."""

    write_gate = GateMark(("add", "change", "delete"), "model")

    def _allows(self, request, action: str, obj=None) -> bool:
        return account_refusal(request.user, self.model, action, obj) is None

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) and self._allows(request, "view")

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._allows(request, "view", obj)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and self._allows(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._allows(request, "change", obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._allows(request, "delete", obj)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if self.model._meta.label_lower == "auth.user":
            fields += tuple(f for f in USER_RIGHTS_FIELDS if f not in fields)
        return fields

    def _target(self, request, object_id: str | None):
        return self.get_object(request, unquote(object_id)) if object_id else None

    def changelist_view(self, request, extra_context=None):
        check_account(request.user, self.model, "view")
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # refused before the admin's own transaction (which a refusal inside would roll back)
        target = self._target(request, object_id)
        if object_id is None:
            check_account(request.user, self.model, "add")
        elif request.method == "POST":
            check_account(request.user, self.model, "change", target)
        else:
            check_account(request.user, self.model, "view", target)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        check_account(request.user, self.model, "delete", self._target(request, object_id))
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        check_account(request.user, self.model, "view", self._target(request, object_id))
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        check_account(request.user, self.model, "change" if change else "add", obj if change else None)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj) -> None:
        check_account(request.user, self.model, "delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            check_account(request.user, self.model, "delete", obj)
        super().delete_queryset(request, queryset)
