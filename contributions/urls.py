from django.urls import path

from . import views

app_name = "contributions"

urlpatterns = [
    path("contribuer/", views.ContributeView.as_view(), name="contribute"),
    path("contribuer/merci/", views.ThanksView.as_view(), name="thanks"),
]
