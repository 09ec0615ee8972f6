from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from casestudies.api import docs, views

router = SimpleRouter()
router.register("fiches", views.CaseStudyViewSet, basename="api-case")
router.register("territoires", views.TerritoryViewSet, basename="api-territory")
router.register("outils", views.InstrumentViewSet, basename="api-instrument")
router.register("thematiques", views.ThemeViewSet, basename="api-theme")
router.register("sources", views.SourceDocumentViewSet, basename="api-source")

urlpatterns = [
    path("", docs.ApiDocumentationView.as_view(), name="api-docs"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("reseau/", views.NetworkLinkList.as_view(), name="api-network"),
    *router.urls,
]
