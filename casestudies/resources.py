"""Spreadsheet import/export of territories and organisations (django-import-export).

Rows are matched on their slug, generated from the name when the file has none, so a list of
partners can be brought in with just names and kinds. Every row goes through the model's
validation (official code shapes, kinds), and errors are shown per row before anything is saved.
"""

from django.utils.text import slugify
from import_export import fields, resources, widgets

from casestudies.models import Organisation, Territory


class SlugFromNameMixin:
    def before_import(self, dataset, **kwargs):
        if "slug" not in (dataset.headers or []):
            dataset.append_col([""] * dataset.height, header="slug")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        if not (row.get("slug") or "").strip() and row.get("name"):
            row["slug"] = slugify(row["name"])[:200]


class TerritoryResource(SlugFromNameMixin, resources.ModelResource):
    departements = fields.Field(
        attribute="departements",
        column_name="departements",
        widget=widgets.ManyToManyWidget(Territory, separator="|", field="insee_code"),
    )
    regions = fields.Field(
        attribute="regions",
        column_name="regions",
        widget=widgets.ManyToManyWidget(Territory, separator="|", field="insee_code"),
    )

    class Meta:
        model = Territory
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "kind",
            "siren",
            "insee_code",
            "population",
            "population_note",
            "country",
            "website",
            "description",
            "departements",
            "regions",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class OrganisationResource(SlugFromNameMixin, resources.ModelResource):
    territory = fields.Field(
        attribute="territory",
        column_name="territory",
        widget=widgets.ForeignKeyWidget(Territory, field="slug"),
    )

    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "acronym",
            "kind",
            "siren",
            "territory",
            "website",
            "description",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
