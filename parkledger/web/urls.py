"""URLs of the web application (mounted at the site root)."""
from __future__ import annotations

from django.urls import path

from parkledger.web.views import dashboard, enterprise, figures, imports, ledgers, reports
from parkledger.web.views import learn as learn_views
from parkledger.web.views import lookup as lookup_views
from parkledger.web.views import mapping as mapping_views

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("ledgers/", ledgers.ledger_index, name="ledger_index"),
    path("ledgers/<slug:kind>/", ledgers.ledger_list, name="ledger_list"),
    path("ledgers/<slug:kind>/add/", ledgers.ledger_create, name="ledger_create"),
    path("ledgers/<slug:kind>/code/<str:code>/", ledgers.ledger_by_code, name="ledger_by_code"),
    path("ledgers/<slug:kind>/<int:pk>/", ledgers.ledger_detail, name="ledger_detail"),
    path("ledgers/<slug:kind>/<int:pk>/edit/", ledgers.ledger_edit, name="ledger_edit"),
    path("ledgers/<slug:kind>/<int:pk>/delete/", ledgers.ledger_delete, name="ledger_delete"),
    path("enterprises/", enterprise.enterprise_index, name="enterprise_index"),
    path("enterprises/<str:uscc>/", enterprise.enterprise_profile, name="enterprise"),
    path("import/", imports.import_page, name="import"),
    path("import/apply/", imports.import_apply, name="import_apply"),
    path("import/template/", imports.import_template, name="import_template"),
    path("import/mapping/", mapping_views.mapping_page, name="import_mapping"),
    path("reports/", reports.report_page, name="report"),
    path("reports/preview/", reports.report_preview, name="report_preview"),
    path("reports/quality/", reports.report_quality, name="report_quality"),
    path("reports/download/", reports.report_download, name="report_download"),
    path("reports/issue/", reports.report_issue, name="report_issue"),
    path("reports/issued/<int:pk>/", reports.issued_download, name="issued_download"),
    path("reports/archive/", reports.report_archive, name="report_archive"),
    path("reports/archive/<int:pk>/", reports.issued_report, name="issued_report"),
    path("reports/templates/", reports.template_list, name="report_templates"),
    path("reports/templates/new/", reports.template_create, name="report_template_create"),
    path("reports/templates/preview/", reports.template_preview, name="report_template_preview"),
    path("reports/templates/<int:pk>/", reports.template_edit, name="report_template"),
    path("reports/templates/versions/<int:pk>/", reports.template_version_text, name="report_template_version"),
    path("reports/learn/", learn_views.learn_page, name="report_learn"),
    path("figures/", figures.figures_page, name="figures"),
    path("figures/explain/", figures.figure_explain, name="figure_explain"),
    path("lookup/<slug:kind>/", lookup_views.lookup, name="lookup"),
]
