"""Admin of case sheets: one page with inlines for parties, instruments, citations and lessons."""

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casestudies import search
from casestudies.models import (
    CaseStudy,
    Citation,
    InstrumentUse,
    Lesson,
    Participation,
    PublicationStatus,
    TerritoryKind,
)


class FrenchUniqueFormSet(BaseInlineFormSet):
    """Duplicate rows inside one submission get a readable French message."""

    duplicate_message = _("Une même ligne figure deux fois : supprimez le doublon.")

    def get_unique_error_message(self, unique_check):
        return self.duplicate_message


class ParticipationFormSet(FrenchUniqueFormSet):
    duplicate_message = _(
        "Une même partie prenante figure deux fois avec le même rôle : supprimez le doublon."
    )


class ParticipationInline(admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    autocomplete_fields = ["territory", "organisation"]
    fields = ["territory", "organisation", "role", "note", "position"]
    extra = 1


class InstrumentUseInline(admin.TabularInline):
    model = InstrumentUse
    formset = FrenchUniqueFormSet
    autocomplete_fields = ["instrument"]
    fields = ["instrument", "signature_year", "note"]
    extra = 1


class CitationInline(admin.TabularInline):
    model = Citation
    autocomplete_fields = ["source"]
    fields = ["source", "line_start", "line_end", "pages", "note"]
    extra = 1


class LessonInline(admin.StackedInline):
    model = Lesson
    fields = [("kind", "category", "position"), "text"]
    extra = 1


class TerritoryKindListFilter(admin.SimpleListFilter):
    title = _("type de territoire partie prenante")
    parameter_name = "territory_kind"

    def lookups(self, request, model_admin):
        return TerritoryKind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                pk__in=Participation.objects.filter(territory__kind=self.value()).values("case")
            )
        return queryset


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "publication_status",
        "cooperation_status",
        "start_year",
        "updated_at",
    ]
    list_filter = [
        "publication_status",
        "cooperation_status",
        "themes",
        "instruments",
        TerritoryKindListFilter,
        "start_year",
        "citations__source",
    ]
    search_fields = [
        "title",
        "slug",
        "summary",
        "participations__territory__name",
        "participations__organisation__name",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["themes"]
    filter_horizontal = ["cooperation_types"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    inlines = [ParticipationInline, InstrumentUseInline, CitationInline, LessonInline]
    actions = ["publish_selected", "unpublish_selected"]
    date_hierarchy = "updated_at"
    show_facets = admin.ShowFacets.ALWAYS
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        (
            _("Classement"),
            {
                "fields": [
                    "themes",
                    "cooperation_types",
                    ("start_year", "end_year"),
                    "cooperation_status",
                ]
            },
        ),
        (
            _("Sections de la fiche"),
            {
                "fields": [
                    "territory_context",
                    "history",
                    "objectives",
                    "actions",
                    "governance",
                    "means",
                    "commentary",
                    "further_info",
                    "bibliography",
                    "editorial_note",
                ]
            },
        ),
        (
            _("Publication"),
            {"fields": ["publication_status", "published_at", "created_at", "updated_at"]},
        ),
    ]

    def changeform_view(self, request, *args, **kwargs):
        # The sheet and its inlines are saved one by one: re-index the sheet once.
        with search.deferred_refresh():
            return super().changeform_view(request, *args, **kwargs)

    @admin.action(description=_("Publier les fiches sélectionnées"))
    def publish_selected(self, request, queryset):
        count = queryset.exclude(publication_status=PublicationStatus.PUBLISHED).publish()
        self.message_user(
            request,
            ngettext("%d fiche publiée.", "%d fiches publiées.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Dépublier les fiches sélectionnées (retour en brouillon)"))
    def unpublish_selected(self, request, queryset):
        count = queryset.filter(publication_status=PublicationStatus.PUBLISHED).unpublish()
        self.message_user(
            request,
            ngettext("%d fiche dépubliée.", "%d fiches dépubliées.", count) % count,
            messages.SUCCESS,
        )
