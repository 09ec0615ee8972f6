"""Admin of the reference records: instruments, themes, types, lesson categories, sources, and
the synonym list of search."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from casestudies.admin.territories import HTTPS_URLS
from casestudies.models import (
    CooperationType,
    Instrument,
    LessonCategory,
    LinkCheck,
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


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """What ``manage.py check_links`` found: broken links first, with the sheets that give them."""

    list_display = ["url", "ok", "status", "error", "checked_at", "sheets"]
    list_filter = ["ok", "status"]
    search_fields = ["url", "cases__title"]
    readonly_fields = ["url", "ok", "status", "error", "final_url", "checked_at", "sheets"]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cases")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fiches"))
    def sheets(self, obj):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:casestudies_casestudy_change", args=[case.pk]), case.title)
                for case in obj.cases.all()
            ),
        )
