"""Admin of parties: territories and organisations."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from casestudies.models import Organisation, Territory
from casestudies.resources import OrganisationResource, TerritoryResource

# Staff type "www.exemple.fr": assume HTTPS, as Django 6 will.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Territory)
class TerritoryAdmin(ImportExportModelAdmin):
    resource_classes = [TerritoryResource]
    list_display = ["name", "kind", "official_code", "population"]
    list_filter = ["kind", "regions"]
    search_fields = ["name", "slug", "siren", "insee_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["departements", "regions", "members"]
    show_facets = admin.ShowFacets.ALWAYS
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "description", "website"]}),
        (_("Identifiants officiels"), {"fields": ["siren", "insee_code"]}),
        (_("Chiffres"), {"fields": ["population", "population_note"]}),
        (_("Situation"), {"fields": ["country", "departements", "regions", "members"]}),
    ]

    @admin.display(description=_("code officiel"))
    def official_code(self, obj):
        return obj.official_code


@admin.register(Organisation)
class OrganisationAdmin(ImportExportModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "acronym", "kind", "territory"]
    list_filter = ["kind"]
    list_select_related = ["territory"]
    search_fields = ["name", "acronym", "slug", "siren"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["territory"]
    show_facets = admin.ShowFacets.ALWAYS
    formfield_overrides = HTTPS_URLS
