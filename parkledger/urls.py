"""URL configuration: the web application, the API and the admin."""
from django.contrib import admin
from django.urls import include, path

from parkledger.jobs.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("parkledger.jobs.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("parkledger.accounts.urls")),
    path("", include("parkledger.audit.urls")),
    path("api/", include("parkledger.api.urls")),
    path("", include("parkledger.web.urls")),
]
