"""Public URLs, in French and readable (see DOMAIN.md)."""

from django.urls import path

from casestudies.views import (
    cases,
    geography,
    instruments,
    lessons,
    pages,
    sources,
    territories,
)

app_name = "casestudies"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("fiches/", cases.CaseListView.as_view(), name="case-list"),
    path("fiches/<slug:slug>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("territoires/", territories.TerritoryListView.as_view(), name="territory-list"),
    path(
        "territoires/<slug:slug>/",
        territories.TerritoryDetailView.as_view(),
        name="territory-detail",
    ),
    path("outils/", instruments.InstrumentListView.as_view(), name="instrument-list"),
    path(
        "outils/<slug:slug>/", instruments.InstrumentDetailView.as_view(), name="instrument-detail"
    ),
    path("thematiques/", instruments.ThemeListView.as_view(), name="theme-list"),
    path("thematiques/<slug:slug>/", instruments.ThemeDetailView.as_view(), name="theme-detail"),
    path("enseignements/", lessons.LessonListView.as_view(), name="lesson-list"),
    path("sources/", sources.SourceListView.as_view(), name="source-list"),
    path("carte/", geography.MapView.as_view(), name="map"),
    path("statistiques/", geography.StatisticsView.as_view(), name="statistics"),
]
