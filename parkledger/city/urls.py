"""Routes of the city pages under /city/."""
from django.urls import path

from parkledger.city import views

app_name = "city"

urlpatterns = [
    path("city/", views.city_dashboard, name="dashboard"),
    path("city/compare/", views.compare_page, name="compare"),
    path("city/compare/export/", views.compare_export, name="compare_export"),
    path("city/report/", views.city_report, name="report"),
]
