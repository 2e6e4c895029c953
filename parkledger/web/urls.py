"""URLs of the web application (mounted at the site root)."""
from __future__ import annotations

from django.urls import path

from parkledger.web.views import auth, dashboard, enterprise, figures, ledgers

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("ledgers/", ledgers.ledger_index, name="ledger_index"),
    path("ledgers/<slug:kind>/", ledgers.ledger_list, name="ledger_list"),
    path("ledgers/<slug:kind>/add/", ledgers.ledger_create, name="ledger_create"),
    path("ledgers/<slug:kind>/code/<str:code>/", ledgers.ledger_by_code, name="ledger_by_code"),
    path("ledgers/<slug:kind>/<int:pk>/", ledgers.ledger_detail, name="ledger_detail"),
    path("ledgers/<slug:kind>/<int:pk>/edit/", ledgers.ledger_edit, name="ledger_edit"),
    path("ledgers/<slug:kind>/<int:pk>/delete/", ledgers.ledger_delete, name="ledger_delete"),
    path("enterprises/", enterprise.enterprise_index, name="enterprise_index"),
    path("enterprises/<str:uscc>/", enterprise.enterprise_profile, name="enterprise"),
    path("figures/", figures.figures_page, name="figures"),
    path("figures/explain/", figures.figure_explain, name="figure_explain"),
]
