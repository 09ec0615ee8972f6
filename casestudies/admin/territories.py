"""Admin of parties: territories and organisations."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
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

    # -- a territory from its official record, in one step (also from a sheet's « + ») ---------
    change_form_template = "admin/casestudies/territory/change_form.html"
    REFERENCE_MATCHES = 15

    def get_urls(self):
        return [
            path(
                "depuis-referentiel/<int:ref_pk>/",
                self.admin_site.admin_view(self.from_reference_view),
                name="casestudies_territory_from_reference",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        text = " ".join(request.GET.get("referentiel", "").split())[:120].replace("\x00", "")
        matches = []
        if text:
            areas = ReferenceArea.objects.filter(Q(name__icontains=text) | Q(code=text))
            matches = list(areas.order_by("kind", "-population", "name")[: self.REFERENCE_MATCHES])
            known = set(
                Territory.objects.filter(reference__in=matches).values_list("reference", flat=True)
            )
            for area in matches:
                area.in_catalogue = area.pk in known
        extra_context = {
            **(extra_context or {}),
            "reference_text": text,
            "reference_matches": matches,
        }
        return super().add_view(request, form_url, extra_context)

    def from_reference_view(self, request, ref_pk):
        """Create (or find) the territory of an official record; in a sheet's popup, the
        partner row gets it at once."""
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        area = get_object_or_404(ReferenceArea, pk=ref_pk)
        territory, created = reference.territory_from_reference(area)
        if not created and IS_POPUP_VAR not in request.POST:
            self.message_user(request, _("Ce territoire est déjà au catalogue."), messages.INFO)
            return redirect("admin:casestudies_territory_change", territory.pk)
        if created:
            self.log_addition(request, territory, [{"added": {}}])
        return self.response_add(request, territory)

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
