from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alertes/", views.ManageView.as_view(), name="manage"),
    path("alertes/lien-envoye/", views.LinkSentView.as_view(), name="link-sent"),
    path("alertes/nouvelle/", views.AlertCreateView.as_view(), name="create"),
    path("alertes/demande-envoyee/", views.RequestedView.as_view(), name="requested"),
    path("alertes/confirmer/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path(
        "alertes/desabonner/<int:pk>/<str:secret>/",
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]
