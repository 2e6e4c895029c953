"""Routes under /audit/: the audit administrator's pages."""
from django.urls import path

from parkledger.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.audit_list_view, name="list"),
    path("audit/export.csv", views.audit_export_view, name="export"),
    path("audit/verify/", views.audit_verify_view, name="verify"),
]
