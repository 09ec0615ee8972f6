"""Admin of the finder's rules (/trouver/): editors change which instruments fit which answers."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casestudies.models import FinderRule


class FinderRuleForm(forms.ModelForm):
    class Meta:
        model = FinderRule
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin's fieldsets choose the real fields
        widgets = {"conditions": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})}

    def clean(self):
        cleaned = super().clean()
        if "favours" in self.errors or "excludes" in self.errors:
            return cleaned
        try:
            self.instance.clean_relations(
                cleaned.get("favours") or [], cleaned.get("excludes") or []
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned


@admin.register(FinderRule)
class FinderRuleAdmin(admin.ModelAdmin):
    form = FinderRuleForm
    list_display = ["name", "conditions", "weight", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "conditions", "explanation"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["favours", "excludes"]
    readonly_fields = ["try_it"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "position", "try_it"]}),
        (_("Quand la règle s'applique"), {"fields": ["conditions"]}),
        (_("Ce qu'elle fait"), {"fields": ["favours", "excludes", "weight"]}),
        (_("Ce que voit l'utilisateur"), {"fields": ["explanation", "legal_reference"]}),
    ]

    @admin.display(description=_("essayer"))
    def try_it(self, obj):
        """The finder's page with answers that satisfy the rule's « = » conditions."""
        if obj is None or obj.pk is None:
            return "—"
        try:
            clauses = obj.clauses()
        except ValidationError:
            return "—"
        query = "&".join(
            f"{c.question}={value}"
            for c in clauses
            if not c.negated
            for value in sorted(c.values)[:1]
        )
        return format_html(
            '<a href="{}?{}">{}</a>', reverse("finder:find"), query, _("Voir sur /trouver/")
        )
