from django.urls import path

from . import api, views

app_name = "finder"

urlpatterns = [
    path("trouver/", views.FinderView.as_view(), name="find"),
    path("api/trouver/", api.FinderApiView.as_view(), name="api"),
]
