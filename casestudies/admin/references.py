"""Admin of the reference records: instruments, themes, types, lesson categories, sources, and
the synonym list of search."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from casestudies.admin.territories import HTTPS_URLS
from casestudies.models import (
    CooperationType,
    Instrument,
    LessonCategory,
    SearchSynonym,
    SourceDocument,
    Theme,
)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "legal_basis", "position"]
    list_editable = ["position"]
    list_filter = ["family"]
    search_fields = ["name", "slug", "definition", "legal_basis"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "family",
                    "position",
                    "legal_basis",
                    "definition",
                    "distinctions",
                ]
            },
        ),
        (
            _("Fiche outil"),
            {"fields": ["triggers", "partners_scale", "stakes", "ambitions", "purpose", "actors"]},
        ),
        (_("Pour aller plus loin"), {"fields": ["examples", "links"]}),
    ]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position"]
    list_editable = ["position"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(CooperationType)
class CooperationTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(LessonCategory)
class LessonCategoryAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "publisher", "year", "kind"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "short_title", "publisher", "summary"]
    prepopulated_fields = {"slug": ["short_title"]}
    formfield_overrides = HTTPS_URLS


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Groups of equivalent expressions: a search for one searches them all (both engines)."""

    list_display = ["label", "equivalences"]
    search_fields = ["label", "expressions"]

    @admin.display(description=_("expressions équivalentes"))
    def equivalences(self, synonym):
        return " = ".join(synonym.lines())
