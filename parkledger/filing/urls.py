"""Routes of the filing round under /filing/."""
from django.urls import path

from parkledger.filing import views

app_name = "filing"

urlpatterns = [
    path("filing/", views.rounds_page, name="rounds"),
    path("filing/<int:pk>/", views.round_page, name="round"),
    path("filing/<int:pk>/action/", views.round_action, name="round_action"),
    path("filing/mine/", views.my_filing, name="mine"),
    path("filing/mine/<int:pk>/", views.file_return, name="file"),
    path("filing/mine/<int:pk>/check/", views.check_fragment, name="check"),
]
