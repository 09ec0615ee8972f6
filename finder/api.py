"""/api/trouver/ : the finder's answer as JSON, with the page's parameters."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from casestudies.middleware import MAX_VALUES
from casestudies.models.finder import QUESTIONS
from casestudies.notes import strip_markers

from .views import read


class FinderReasonSerializer(serializers.Serializer):
    text = serializers.CharField()
    legal_reference = serializers.CharField(allow_blank=True)


class FinderInstrumentSerializer(serializers.Serializer):
    slug = serializers.CharField(source="instrument.slug")
    name = serializers.CharField(source="instrument.name")
    url = serializers.SerializerMethodField()
    legal_basis = serializers.CharField(source="instrument.legal_basis", allow_blank=True)
    score = serializers.IntegerField()
    reasons = FinderReasonSerializer(many=True)
    against = FinderReasonSerializer(many=True)

    def get_url(self, fit) -> str:
        return self.context["request"].build_absolute_uri(fit.instrument.get_absolute_url())


class FinderCaseSerializer(serializers.Serializer):
    slug = serializers.CharField(source="case.slug")
    title = serializers.CharField(source="case.title")
    url = serializers.SerializerMethodField()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())

    def get_url(self, fit) -> str:
        return self.context["request"].build_absolute_uri(fit.case.get_absolute_url())


class FinderLessonSerializer(serializers.Serializer):
    kind = serializers.CharField()
    category = serializers.CharField(source="category.name")
    text = serializers.SerializerMethodField()
    inferred = serializers.BooleanField(
        help_text=_("Déduit par la rédaction, non énoncé par la source.")
    )
    case = serializers.CharField(source="case.slug")

    def get_text(self, lesson) -> str:
        return strip_markers(lesson.text)


class FinderTerritorySerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class FinderAnswerSerializer(serializers.Serializer):
    territory = serializers.SerializerMethodField()
    territory_candidates = serializers.SerializerMethodField()
    instruments = FinderInstrumentSerializer(source="fits", many=True)
    set_aside = FinderInstrumentSerializer(many=True)
    cases = FinderCaseSerializer(many=True)
    lessons = serializers.SerializerMethodField()
    list_url = serializers.SerializerMethodField()

    @extend_schema_field(FinderTerritorySerializer(allow_null=True))
    def get_territory(self, advice):
        area = advice.place.area
        return FinderTerritorySerializer(area).data if area else None

    @extend_schema_field(FinderTerritorySerializer(many=True))
    def get_territory_candidates(self, advice):
        """Homonyms of « territoire » to choose from (« niveau:code »), when it names several."""
        return FinderTerritorySerializer(advice.place.candidates, many=True).data

    @extend_schema_field(FinderLessonSerializer(many=True))
    def get_lessons(self, advice):
        lessons = [
            lesson
            for group in advice.lessons
            for _cat, items in group.categories
            for lesson in items
        ]
        return FinderLessonSerializer(lessons, many=True).data

    def get_list_url(self, advice) -> str:
        path = reverse("casestudies:case-list") + "?" + advice.list_query
        return self.context["request"].build_absolute_uri(path)


def parameters():
    return [
        OpenApiParameter(
            "territoire",
            str,
            description=str(
                _(
                    "Notre territoire : nom ou code officiel, ou « niveau:code » "
                    "(epci:200046977). Introuvable : « territory » est null ; plusieurs : "
                    "« territory_candidates » les donne."
                )
            ),
        ),
        *(
            OpenApiParameter(
                name,
                str,
                many=question.multiple,
                # A question left « indifférent » is sent empty, as the page's form sends it.
                enum=(list(question.answers) + ([] if question.multiple else [""])) or None,
                description=str(question.label),
            )
            for name, question in QUESTIONS.items()
        ),
    ]


class FinderApiView(APIView):
    @extend_schema(
        summary=_("Quel outil pour notre coopération ?"),
        description=_(
            "La réponse de la page /trouver/ : outils classés (avec leurs raisons et leur base "
            "juridique), outils écartés, fiches les plus proches et leurs enseignements. Une "
            "valeur inconnue donne une 400."
        ),
        parameters=parameters(),
        responses=FinderAnswerSerializer,
    )
    def get(self, request):
        form, advice = read(request.query_params)
        problems = [str(text) for text in form.ignored()]
        problems += [
            f"Trop de valeurs pour « {name[:40]} » : {MAX_VALUES} au plus."
            for name in getattr(request, "too_many_values", [])
        ]
        if problems:
            raise ValidationError({"erreurs": problems})
        return Response(FinderAnswerSerializer(advice, context={"request": request}).data)
