"""Admin of parties: territories and organisations."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin

from casestudies import reference
from casestudies.models import Organisation, ReferenceArea, Territory
from casestudies.resources import OrganisationResource, TerritoryResource

# Staff type "www.exemple.fr": assume HTTPS, as Django 6 will.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Territory)
class TerritoryAdmin(ImportExportModelAdmin):
    resource_classes = [TerritoryResource]
    list_display = ["name", "kind", "official_code", "population", "reference"]
    list_filter = [("reference", admin.EmptyFieldListFilter), "kind", "regions"]
    list_select_related = ["reference"]
    search_fields = ["name", "slug", "siren", "insee_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["departements", "regions", "members", "reference"]
    readonly_fields = ["reference_suggestions"]
    actions = ["link_to_exact_name_matches"]
    show_facets = admin.ShowFacets.ALWAYS
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "description", "website"]}),
        (_("Identifiants officiels"), {"fields": ["siren", "insee_code"]}),
        (_("Chiffres"), {"fields": ["population", "population_note"]}),
        (_("Situation"), {"fields": ["country", "departements", "regions", "members"]}),
        (
            _("Référentiel officiel"),
            {
                "fields": ["reference", "reference_suggestions"],
                "description": _(
                    "Reliez le territoire à sa fiche officielle (recherche par nom ou code). "
                    "Ses départements et régions en sont alors déduits."
                ),
            },
        ),
    ]

    @admin.display(description=_("correspondances exactes de nom"))
    def reference_suggestions(self, obj):
        if obj is None or obj.pk is None or obj.reference_id:
            return "—"
        candidates = list(reference.exact_name_candidates(obj)[:5])
        return ", ".join(str(area) for area in candidates) or _("Aucune : choisissez ci-dessus.")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the form's own départements and régions: add what the official record implies,
        # to this territory and to the groupings it belongs to.
        territory = form.instance
        reference.place_territories(
            Territory.objects.filter(
                pk__in=[territory.pk, *territory.groupings.values_list("pk", flat=True)]
            )
        )

    @admin.action(description=_("Relier à la fiche officielle de même nom (si elle est unique)"))
    def link_to_exact_name_matches(self, request, queryset):
        linked = 0
        for territory in queryset.filter(reference__isnull=True):
            candidates = list(reference.exact_name_candidates(territory)[:2])
            if len(candidates) == 1:
                territory.reference = candidates[0]
                territory.save(update_fields=["reference"])
                linked += 1
        reference.place_territories(queryset)
        self.message_user(
            request,
            ngettext("%d territoire relié.", "%d territoires reliés.", linked) % linked,
        )

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


@admin.register(ReferenceArea)
class ReferenceAreaAdmin(admin.ModelAdmin):
    """The official reference data, read-only: staff search it, never retype a code."""

    list_display = ["name", "kind", "code", "epci_type", "population"]
    list_filter = ["kind", "epci_type"]
    search_fields = ["name", "code"]
    show_facets = admin.ShowFacets.ALWAYS

    def get_search_results(self, request, queryset, search_term):
        # Exact codes first, so « 29 » finds the Finistère before every commune « 29xxx ».
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.order_by(
            "-population", "name"
        ) if search_term else queryset, may_have_duplicates

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
