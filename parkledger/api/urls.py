"""`/api/`: one route set per ledger kind, figures, reports, the audit log, the schema and its docs."""
from __future__ import annotations

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from parkledger.api.views.audit import AuditLogView
from parkledger.api.views.figures import FiguresView
from parkledger.api.views.index import ApiIndexView, api_not_found
from parkledger.api.views.records import viewset_for
from parkledger.api.views.reports import IssuedReportDownloadView, ReportListCreateView
from parkledger.api.views.schema import SchemaView
from parkledger.core.kinds import kind_models
from parkledger.filing import api as filing_api

app_name = "api"

router = SimpleRouter()
for _kind in kind_models():
    router.register(_kind, viewset_for(_kind), basename=_kind)

urlpatterns = [
    path("", ApiIndexView.as_view(), name="index"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("figures/", FiguresView.as_view(), name="figures"),
    path("audit/", AuditLogView.as_view(), name="audit"),
    path("reports/", ReportListCreateView.as_view(), name="reports"),
    path("reports/<str:pk>/download/", IssuedReportDownloadView.as_view(), name="report_download"),
    path("filing/submissions/", filing_api.SubmissionListView.as_view(), name="filing_submissions"),
    path("filing/submissions/<int:pk>/", filing_api.SubmissionDetailView.as_view(), name="filing_submission"),
    *[path(f"filing/submissions/<int:pk>/{action}/", filing_api.SubmissionActionView.as_view(),
           {"action": action}, name=f"filing_submission_{action}") for action in filing_api.ACTIONS],
    path("filing/rounds/<int:pk>/status/", filing_api.RoundStatusView.as_view(), name="filing_round_status"),
    *router.urls,
    # last: any other /api/ address, whatever the method, is a JSON 404 (not the site's HTML CSRF page)
    re_path(r"^[\s\S]*$", csrf_exempt(api_not_found), name="not_found"),  # newlines in the path too
]
