"""Public URLs, in French and readable (see DOMAIN.md)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from casestudies import feeds
from casestudies.sitemaps import SITEMAPS
from casestudies.views import (
    cases,
    compare,
    embed,
    exports,
    instruments,
    lessons,
    maps,
    network,
    opendata,
    organisations,
    pages,
    sources,
    statistics,
    territories,
    themes,
)

app_name = "casestudies"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("sante/", pages.health, name="health"),
    path("fiches/", cases.CaseListView.as_view(), name="case-list"),
    path("fiches/export.csv", exports.CsvExportView.as_view(), name="case-export-csv"),
    path("fiches/export.json", exports.JsonExportView.as_view(), name="case-export-json"),
    path("fiches/export.xlsx", opendata.XlsxExportView.as_view(), name="case-export-xlsx"),
    path("fiches/flux/", feeds.LatestCasesFeed(), name="case-feed"),
    path("fiches/<slug:slug>/", cases.CaseDetailView.as_view(), name="case-detail"),
    path("fiches/<slug:slug>/pdf/", cases.CasePdfView.as_view(), name="case-pdf"),
    path("territoires/", territories.TerritoryListView.as_view(), name="territory-list"),
    path(
        "territoires/<slug:slug>/",
        territories.TerritoryDetailView.as_view(),
        name="territory-detail",
    ),
    path("territoires/<slug:slug>/flux/", feeds.TerritoryCasesFeed(), name="territory-feed"),
    path("outils/", instruments.InstrumentListView.as_view(), name="instrument-list"),
    path(
        "outils/<slug:slug>/", instruments.InstrumentDetailView.as_view(), name="instrument-detail"
    ),
    path("outils/<slug:slug>/flux/", feeds.InstrumentCasesFeed(), name="instrument-feed"),
    path("thematiques/", themes.ThemeListView.as_view(), name="theme-list"),
    path("thematiques/<slug:slug>/", themes.ThemeDetailView.as_view(), name="theme-detail"),
    path("thematiques/<slug:slug>/flux/", feeds.ThemeCasesFeed(), name="theme-feed"),
    path("enseignements/", lessons.LessonListView.as_view(), name="lesson-list"),
    path("sources/", sources.SourceListView.as_view(), name="source-list"),
    path("integrer/", embed.EmbedCodeView.as_view(), name="embed-code"),
    path("integrer/fiches/", embed.EmbedListView.as_view(), name="embed-list"),
    path("donnees/", opendata.DataView.as_view(), name="data"),
    path("donnees/datapackage.json", opendata.DataPackageView.as_view(), name="data-package"),
    path("donnees/<slug:name>.csv", opendata.TableView.as_view(), name="data-table"),
    path("carte/", maps.MapView.as_view(), name="map"),
    path("reseau/", network.NetworkView.as_view(), name="network"),
    re_path(
        r"^reseau/export\.(?P<extension>csv|graphml|gexf)$",
        network.NetworkExportView.as_view(),
        name="network-export",
    ),
    path(
        "organisations/<slug:slug>/",
        organisations.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("statistiques/", statistics.StatisticsView.as_view(), name="statistics"),
    path(
        "statistiques/<slug:chart>.csv",
        statistics.StatisticsCsvView.as_view(),
        name="statistics-csv",
    ),
    path("comparer/", compare.CompareView.as_view(), name="compare"),
    path("comparer/selection/", compare.SelectionView.as_view(), name="compare-selection"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="casestudies/accessibility.html"),
        name="accessibility",
    ),
    path("a-propos/", pages.AboutView.as_view(), name="about"),
    path(
        "mentions-legales/",
        TemplateView.as_view(template_name="casestudies/legal_notice.html"),
        name="legal-notice",
    ),
    path(
        "donnees-personnelles/",
        TemplateView.as_view(template_name="casestudies/personal_data.html"),
        name="personal-data",
    ),
    path(
        "contact/", TemplateView.as_view(template_name="casestudies/contact.html"), name="contact"
    ),
    path("api/", include("casestudies.api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
