"""`/api/`: one route set per ledger kind, figures, reports, the audit log, the schema and its docs."""
from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from parkledger.api.views.index import ApiIndexView
from parkledger.api.views.records import viewset_for
from parkledger.core.kinds import kind_models

app_name = "api"

router = SimpleRouter()
for _kind in kind_models():
    router.register(_kind, viewset_for(_kind), basename=_kind)

urlpatterns = [
    path("", ApiIndexView.as_view(), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
