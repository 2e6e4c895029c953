"""URL configuration: the web application, the API and the admin."""
from django.contrib import admin
from django.urls import include, path, re_path

from parkledger.core.bad_requests import NUL_PATH, nul_in_path
from parkledger.jobs.views import healthz

urlpatterns = [
    re_path(NUL_PATH, nul_in_path),  # first: a NUL in the path is a 400 (a 404 under /api/), never a lookup
    path("healthz", healthz, name="healthz"),
    path("", include("parkledger.jobs.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("parkledger.accounts.urls")),
    path("", include("parkledger.audit.urls")),
    path("", include("parkledger.filing.urls")),
    path("", include("parkledger.city.urls")),
    path("api/", include("parkledger.api.urls")),
    path("", include("parkledger.web.urls")),
]
