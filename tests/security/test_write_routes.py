"""Every route that writes goes through the write gate, and a new one cannot skip it.

The URLconf (`django.urls.get_resolver`) and the API's OpenAPI schema (drf_spectacular) are
walked. Each route is one of:
- a ledger write through the gate: its view carries the gate's mark (`write_gate`: the web's
  `gated_view`, the API's ledger viewsets, `GatedModelAdmin` for the admin; `GatedAccountAdmin`
  for the admin's users and groups);
- a ledger write only through the importer as the acting user, whose every row the gate's import
  hooks decide (`VIA_IMPORTER`);
- a write of something else under its own rule (`OTHER_WRITES`: what it writes, who may);
- no write at all: a route that answers every unsafe method with 405 (a DRF view without them,
  a view under `require_GET`) needs no entry; one that answers them is placed in `READS`.
A route that is none of these fails `test_every_route_is_placed`: a new route that writes must
carry the mark, or be placed here on purpose. The marked routes are then tried by users the gate
refuses (nothing changes, the refusal is audited), the `READS` are posted to by a superuser
(no ledger changes), and negative controls show an unmarked writing route, viewset or admin class
being caught.
"""
from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import models
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from parkledger.accounts.gate import ACCOUNT_MODELS, GatedAccountAdmin, GatedModelAdmin
from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise, EnterpriseMonth
from tests.accounts.matrix import expected
from tests.security.gate_world import build, denials_since, fingerprint, last_seq, person, uscc

pytestmark = pytest.mark.django_db

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Routes (URL name, or the view's dotted path when unnamed) that answer unsafe methods and write nothing.
READS = {
    "parkledger.core.bad_requests.nul_in_path", "jobs:list", "jobs:detail", "jobs:status", "jobs:output",
    "web:dashboard", "web:ledger_index", "web:ledger_list", "web:ledger_by_code", "web:ledger_detail",
    "web:enterprise_index", "web:enterprise", "web:import_template", "web:report", "web:report_preview",
    "web:report_download", "web:issued_download", "web:report_archive", "web:issued_report",
    "web:report_templates", "web:report_template_preview", "web:report_template_version", "web:figures",
    "web:figure_explain", "web:lookup", "api:not_found",
}
# Routes that write something that is not a ledger, each under its own rule.
OTHER_WRITES = {
    "set_language": "the session's language",
    "accounts:login": "sign-in (throttle, lockout, audit)", "accounts:login_verify": "second factor",
    "accounts:logout": "the session", "accounts:password_change": "the user's own password",
    "accounts:totp_enrol": "the user's own second factor", "accounts:reset_link": "a password by one-time link",
    "accounts:manage_accounts": "accounts (system administrator)",
    "accounts:manage_grants": "roles and memberships (security administrator)",
    "accounts:manage_periods": "closed months and corrections (leaders, statisticians; security administrator)",
    "web:report_issue": "an issued report (leaders)", "web:report_template_create": "report templates (park staff)",
    "web:report_template": "report template versions (park staff)", "web:report_learn": "a learned report template",
    "api:reports": "a generated or issued report (leaders issue)",
    "filing:rounds": "a filing round (statisticians of the park)", "filing:mine": "the enterprise's own returns",
    "filing:file": "the enterprise's own return (a submission, not the ledger)",
    "filing:check": "nothing stored (checks a draft)",
    "api:filing_submission_draft": "the enterprise's own return", "api:filing_submission_submit": "its submission",
    "api:filing_submission_return": "a returned submission (statisticians)",
}
# Routes that write ledgers only through the importer, as the acting user: the gate decides each row.
VIA_IMPORTER = {
    "filing:round_action": "accepted returns → enterprise_month rows (import_rows(user=…))",
    "api:filing_submission_accept": "an accepted return → its enterprise_month row (import_rows(user=…))",
}
# Admin classes of models that are not ledgers (the ledgers' must all be GatedModelAdmin, the
# users' and groups' GatedAccountAdmin).
OTHER_ADMINS = {"reports.reporttemplate", "reports.reporttemplateversion", "reports.issuedreport",
                "django_tasks_database.dbtaskresult"}


@dataclass(frozen=True)
class Route:
    key: str  # namespace:name, or the view's dotted path when unnamed
    pattern: str
    namespace: str
    callback: Callable


def routes(urlconf=None) -> Iterator[Route]:
    """Every URL pattern of the URLconf, with its namespace."""

    def walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                callback = entry.callback
                key = f"{namespace}{entry.name}" if entry.name else f"{callback.__module__}.{callback.__name__}"
                yield Route(key, prefix + str(entry.pattern), namespace.rstrip(":"), callback)

    yield from walk(get_resolver(urlconf).url_patterns, "/", "")


def gate_mark(callback: Callable):
    return getattr(callback, "write_gate", None) or getattr(getattr(callback, "cls", None), "write_gate", None)


def unsafe_methods(callback: Callable) -> set[str] | None:
    """The unsafe methods a DRF view answers (None for a plain Django view: not known)."""
    cls = getattr(callback, "cls", None)
    if cls is None:
        return None
    actions = getattr(callback, "actions", None)
    if actions:
        return {method.upper() for method in actions} & UNSAFE
    return {method for method in UNSAFE if hasattr(cls, method.lower())}


def _address(pattern: str) -> str | None:
    """A route's address with sample parameters (None for a regular expression)."""
    if "^" in pattern or "(?P" in pattern:
        return None
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", pattern)


def refuses_unsafe_methods(client, route: Route) -> bool:
    """Does the route answer POST, PUT, PATCH and DELETE of a superuser with 405 (a Django view
    under `require_GET` or `require_safe`)? (What it answers otherwise is not looked at.)"""
    url = _address(route.pattern)
    if url is None:
        return False
    return all(getattr(client, method.lower())(url).status_code == 405 for method in sorted(UNSAFE))


def unplaced(client, urlconf=None) -> list[str]:
    """The routes that may write but are neither marked by the gate nor placed in this module's
    tables (`client`: a superuser's, to ask the plain Django views which methods they answer)."""
    found = []
    for route in routes(urlconf):
        if route.namespace == "admin":
            continue  # the admin site: its model views are checked by `ungated_admins`
        if gate_mark(route.callback) or unsafe_methods(route.callback) == set():
            continue
        if route.key in READS or route.key in OTHER_WRITES or route.key in VIA_IMPORTER:
            continue
        if unsafe_methods(route.callback) is None and refuses_unsafe_methods(client, route):
            continue
        found.append(f"{route.pattern} ({route.key})")
    return found


def ungated_admins(site: admin.AdminSite) -> list[str]:
    """Admin classes that write without the gate: a ledger's not a GatedModelAdmin, the users' or
    groups' not a GatedAccountAdmin, or an unknown model's."""
    ledgers = set(kind_models().values())
    found = []
    for model, model_admin in site._registry.items():
        if model in ledgers and getattr(model_admin, "write_gate", None) and isinstance(model_admin, GatedModelAdmin):
            continue
        if (model._meta.label_lower in ACCOUNT_MODELS and getattr(model_admin, "write_gate", None)
                and isinstance(model_admin, GatedAccountAdmin)):
            continue
        if model not in ledgers and model._meta.label_lower in OTHER_ADMINS:
            continue
        found.append(model._meta.label_lower)
    return found


# -- the walk ------------------------------------------------------------------------------------------------------

@pytest.fixture
def root(client, db):
    client.force_login(person("root", None, park=None, is_superuser=True, is_staff=True))
    return client


def test_every_route_is_placed(root):
    assert unplaced(root) == [], "a route that may write is neither marked by the write gate nor placed here"
    keys = {route.key for route in routes()}
    stale = (READS | set(OTHER_WRITES) | set(VIA_IMPORTER)) - keys
    assert not stale, f"entries for routes that no longer exist: {sorted(stale)}"


def test_every_ledger_admin_is_gated():
    assert ungated_admins(admin.site) == []
    for model in kind_models().values():
        assert isinstance(admin.site._registry[model], GatedModelAdmin), model


def test_the_users_and_groups_admins_are_gated():
    registered = {model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()}
    for label in ACCOUNT_MODELS:
        assert isinstance(registered[label], GatedAccountAdmin), label
        assert registered[label].write_gate.actions == ("add", "change", "delete")


def _schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), url) for url, operations in schema["paths"].items() for method in operations
            if method.upper() in UNSAFE]


def test_every_api_operation_that_writes_goes_through_the_gate():
    operations = _schema_operations()
    assert len(operations) >= 5 * len(kind_models())  # create, update, partial update, delete, bulk per kind
    wrong = []
    for method, url in operations:
        match = resolve(re.sub(r"\{[^}]+\}", "1", url))
        if gate_mark(match.func):
            continue
        if match.view_name not in OTHER_WRITES and match.view_name not in VIA_IMPORTER:
            wrong.append((method, url, match.view_name))
    assert wrong == []


# -- the marked routes refuse, audit, change nothing ---------------------------------------------------------------

@pytest.fixture
def world(db):
    return build()


def _url(route: Route, record: models.Model) -> str:
    """A route's address, its parameters filled with a record's (kind, id; codes of ECO and its first firm)."""
    url = route.pattern.replace("<slug:kind>", record.kind_key).replace("<int:pk>", str(record.pk))
    url = url.replace("<str:code>", "ECO").replace("<str:uscc>", uscc(1))
    assert "<" not in url and "^" not in url, url
    return url


def test_every_marked_web_route_refuses_a_user_without_rights(client, world):
    target = EnterpriseMonth.objects.get(uscc_id=uscc(3), month="2022-10")  # in park OTH
    marked = [route for route in routes() if route.namespace == "web" and gate_mark(route.callback)]
    assert {route.key for route in marked} >= {"web:ledger_create", "web:ledger_edit", "web:ledger_delete",
                                               "web:import", "web:import_apply", "web:import_mapping"}
    for role, park in (("sysadmin", None), ("auditadmin", None), ("leader", "ECO"), ("economy", None)):
        client.force_login(person(f"u-{role}", role, park=park))
        before, seq = fingerprint(), last_seq()
        for route in marked:
            response = client.post(_url(route, target), {"uscc": uscc(3), "month": "2022-10", "output_value": "1",
                                                         "token": "0" * 32})
            assert response.status_code in (403, 404), (role, route.key, response.status_code)
        assert fingerprint() == before, role
        assert len(denials_since(seq)) == len(marked), role  # each one audited (a 404 at a record that exists too)


def test_every_write_operation_of_the_api_refuses_a_user_without_rights(world):
    from rest_framework.test import APIClient

    sysadmin = APIClient()
    sysadmin.force_login(person("ops", "sysadmin", park=None))
    records = {kind: model.objects.order_by("pk").first() for kind, model in kind_models().items()}
    before, seq = fingerprint(), last_seq()
    tried = 0
    for method, url in _schema_operations():
        match = resolve(re.sub(r"\{[^}]+\}", "1", url))
        if not gate_mark(match.func):
            continue
        kind = url.split("/")[2]
        record = records[kind] or EnterpriseMonth.objects.first()
        response = getattr(sysadmin, method.lower())(url.replace("{id}", str(record.pk)), {}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
        tried += 1
    assert fingerprint() == before
    assert len(denials_since(seq)) == tried


def test_api_writes_at_another_parks_records_read_as_absent_and_are_audited(db):
    from rest_framework.test import APIClient

    from tests.accounts.world import build_parks, build_records

    build_parks()
    oth = build_records("OTH", "O", number=9)
    clerk = APIClient()
    clerk.force_login(person("jingji", "economy"))
    before, seq = fingerprint(), last_seq()
    for kind in kind_models():
        for method, action in (("put", "change"), ("patch", "change"), ("delete", "delete")):
            response = getattr(clerk, method)(f"/api/{kind}/{oth[kind].pk}/", {}, format="json")
            # the kinds he writes: as if absent; the others are refused before any record is looked at
            assert response.status_code == (404 if expected("economy", kind, action) else 403), (kind, method)
    assert fingerprint() == before
    assert len(denials_since(seq)) == 3 * len(kind_models())


def test_no_read_route_writes_a_ledger(client, world):
    """A superuser posts a plausible ledger row to every route placed among the reads."""
    client.force_login(person("root", None, park=None, is_superuser=True, is_staff=True))
    record = Enterprise.objects.get(uscc=uscc(1))
    before = fingerprint()
    for route in routes():
        if route.key not in READS or "^" in route.pattern:
            continue
        client.post(_url(route, record), {"uscc": uscc(1), "month": "2022-10", "output_value": "999.99", "action": "apply"})
    assert fingerprint() == before


# -- negative controls: a new route without the gate is caught -------------------------------------------------------

def _sneaky_view(request):
    """A new page that writes a ledger on POST and knows nothing of the gate."""
    if request.method == "POST":
        EnterpriseMonth.objects.filter(uscc_id=request.POST["uscc"], month=request.POST["month"]).update(
            output_value=request.POST["output_value"])
    return HttpResponse("ok")


class _SneakySerializer(serializers.ModelSerializer):
    class Meta:
        model = EnterpriseMonth
        fields = ["uscc", "month", "output_value"]


class _SneakyViewSet(viewsets.ModelViewSet):
    queryset = EnterpriseMonth.objects.all()
    serializer_class = _SneakySerializer


def _urlconf_with_sneaky_routes() -> types.ModuleType:
    import parkledger.urls

    router = SimpleRouter()
    router.register("sneaky-api", _SneakyViewSet, basename="sneaky_api")
    module = types.ModuleType("sneaky_urls")
    module.urlpatterns = [path("sneaky/", _sneaky_view, name="sneaky"), *router.urls, *parkledger.urls.urlpatterns]
    return module


def test_negative_control_an_unmarked_writing_route_is_caught(root, world):
    module = _urlconf_with_sneaky_routes()
    known = unplaced(root)  # (empty, unless test_every_route_is_placed fails too)
    with override_settings(ROOT_URLCONF=module):
        found = [item for item in unplaced(root, module) if item not in known]
        assert len(found) == 3, found  # the page, and the viewset's list and detail routes; nothing else
        assert "(sneaky)" in found[0] and all("sneaky_api" in item for item in found[1:]), found
        # were it placed among the reads by mistake, the posting superuser would catch it writing
        before = fingerprint("enterprise_month")
        root.post("/sneaky/", {"uscc": uscc(1), "month": "2022-10", "output_value": "999.99"})
        assert fingerprint("enterprise_month") != before


def test_negative_control_an_ungated_ledger_admin_is_caught():
    site = admin.AdminSite(name="sneaky")
    for model, model_admin in admin.site._registry.items():
        site.register(model, type(model_admin))
    assert ungated_admins(site) == []
    site.unregister(EnterpriseMonth)
    site.register(EnterpriseMonth, admin.ModelAdmin)
    assert ungated_admins(site) == ["core.enterprisemonth"]


def test_negative_control_django_s_own_user_admin_is_caught():
    from django.contrib.auth.admin import UserAdmin
    from django.contrib.auth.models import User

    site = admin.AdminSite(name="sneaky-users")
    site.register(User, UserAdmin)
    assert ungated_admins(site) == ["auth.user"]
