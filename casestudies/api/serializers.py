"""What a sheet, territory, instrument, theme or source looks like in the API and the exports.

Field names are stable: clients and spreadsheets depend on them. The CSV and JSON exports of
/fiches/ use CaseStudyListSerializer too, so every channel describes a sheet the same way.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casestudies.models import (
    CaseStudy,
    Citation,
    Instrument,
    InstrumentUse,
    Lesson,
    Participation,
    SourceDocument,
    Territory,
    Theme,
)
from casestudies.models.cases import SECTION_FIELDS


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """The public page of the object, as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class NamedSlugSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PartySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    type = serializers.SerializerMethodField(help_text=_("« territoire » ou « organisation »."))
    kind = serializers.SerializerMethodField(
        help_text=_("Code du type (petr, metropole, cluster…).")
    )
    kind_label = serializers.SerializerMethodField()
    role_label = serializers.CharField(source="get_role_display")
    territory = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=_("Identifiant du territoire ; null pour une organisation."),
    )
    official_code = serializers.SerializerMethodField(
        help_text=_("SIREN ou code INSEE s'il est connu.")
    )

    class Meta:
        model = Participation
        fields = [
            "name", "type", "kind", "kind_label", "role", "role_label", "territory",
            "official_code", "note",
        ]  # fmt: skip

    def get_name(self, obj) -> str:
        return obj.party.name

    def get_type(self, obj) -> str:
        return "territoire" if obj.territory_id else "organisation"

    def get_kind(self, obj) -> str:
        return obj.party.kind

    def get_kind_label(self, obj) -> str:
        return str(obj.party_kind_display)

    def get_official_code(self, obj) -> str:
        return obj.territory.official_code if obj.territory_id else obj.organisation.siren


class InstrumentUseSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="instrument.slug")
    name = serializers.CharField(source="instrument.name")

    class Meta:
        model = InstrumentUse
        fields = ["slug", "name", "signature_year", "note"]


class CitationSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.slug")
    source_title = serializers.CharField(source="source.title")

    class Meta:
        model = Citation
        fields = ["source", "source_title", "line_start", "line_end", "pages", "note"]


class LessonSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    category = serializers.CharField(source="category.slug")
    category_label = serializers.CharField(source="category.name")

    class Meta:
        model = Lesson
        fields = ["kind", "kind_label", "category", "category_label", "text"]


class CaseStudyListSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()
    cooperation_status_label = serializers.CharField(source="get_cooperation_status_display")
    themes = NamedSlugSerializer(many=True)
    cooperation_types = NamedSlugSerializer(many=True)
    instruments = InstrumentUseSerializer(source="instrument_uses", many=True)
    parties = PartySerializer(source="participations", many=True)
    citations = CitationSerializer(many=True)

    class Meta:
        model = CaseStudy
        fields = [
            "slug", "title", "url", "summary", "start_year", "end_year", "cooperation_status",
            "cooperation_status_label", "themes", "instruments", "cooperation_types", "parties",
            "citations", "published_at", "updated_at",
        ]  # fmt: skip


class CaseStudyDetailSerializer(CaseStudyListSerializer):
    sections = serializers.SerializerMethodField(
        help_text=_("Les sections de la fiche (Markdown simple), dans l'ordre du modèle de fiche.")
    )
    lessons = LessonSerializer(many=True)

    class Meta(CaseStudyListSerializer.Meta):
        fields = [*CaseStudyListSerializer.Meta.fields, "sections", "lessons"]

    def get_sections(self, obj) -> dict[str, str]:
        return {name: getattr(obj, name) for name in SECTION_FIELDS}


class TerritorySerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()
    # Output only: a blank code is valid here, so the model's input patterns do not apply.
    siren = serializers.CharField(read_only=True, help_text=_("SIREN, vide si inconnu."))
    insee_code = serializers.CharField(read_only=True, help_text=_("Code INSEE, vide si inconnu."))
    kind_label = serializers.CharField(source="get_kind_display")
    departements = serializers.SlugRelatedField(slug_field="insee_code", many=True, read_only=True)
    regions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    members = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    case_count = serializers.IntegerField(help_text=_("Nombre de fiches publiées."))

    class Meta:
        model = Territory
        fields = [
            "slug", "name", "url", "kind", "kind_label", "siren", "insee_code", "population",
            "country", "departements", "regions", "members", "website", "case_count",
        ]  # fmt: skip


class InstrumentSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()
    family_label = serializers.CharField(source="get_family_display")
    case_count = serializers.IntegerField(help_text=_("Nombre de fiches publiées."))

    class Meta:
        model = Instrument
        fields = [
            "slug", "name", "url", "family", "family_label", "legal_basis", "definition",
            "triggers", "partners_scale", "stakes", "ambitions", "purpose", "actors", "examples",
            "links", "case_count",
        ]  # fmt: skip


class ThemeSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=_("Thématique parente ; null pour une thématique de premier niveau."),
    )
    case_count = serializers.IntegerField(help_text=_("Nombre de fiches publiées."))

    class Meta:
        model = Theme
        fields = ["slug", "name", "url", "parent", "description", "case_count"]


class SourceDocumentSerializer(serializers.ModelSerializer):
    case_count = serializers.IntegerField(help_text=_("Nombre de fiches publiées qui le citent."))

    class Meta:
        model = SourceDocument
        fields = [
            "slug", "reference", "title", "short_title", "publisher", "year", "date_note",
            "kind", "url", "licence", "summary", "key_figures", "case_count",
        ]  # fmt: skip


class NetworkPartySerializer(serializers.Serializer):
    """One end of a link of the partner network (casestudies/parties.py)."""

    key = serializers.CharField(
        help_text=_("t-<slug> pour un territoire, o-<slug> pour une organisation.")
    )
    name = serializers.CharField()
    kind = serializers.CharField(source="kind_value")
    code = serializers.CharField(help_text=_("SIREN ou code INSEE ; vide s'il n'est pas connu."))
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, party) -> str:
        return absolute(self.context, party.url)


class NetworkLinkSerializer(serializers.Serializer):
    a = NetworkPartySerializer()
    b = NetworkPartySerializer()
    sheets = serializers.IntegerField(min_value=1, help_text=_("Fiches publiées en commun."))
    cases_url = serializers.SerializerMethodField(
        help_text=_("La liste des fiches publiées où les deux parties prenantes interviennent.")
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_cases_url(self, link) -> str:
        return absolute(self.context, link.url)


def absolute(context, url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url
