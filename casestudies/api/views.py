"""Read-only API views. The sheets endpoint filters with the catalogue's one FilterSet."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from casestudies.api import serializers
from casestudies.filters import CaseStudyFilterSet
from casestudies.middleware import MAX_VALUES
from casestudies.models import (
    CaseStudy,
    Instrument,
    PublicationStatus,
    SourceDocument,
    Territory,
    Theme,
)
from casestudies.network import Network

PUBLISHED = PublicationStatus.PUBLISHED


class StrictFilterBackend(DjangoFilterBackend):
    """The HTML list ignores what it cannot use; the API says so with a 400 instead."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        problems = [str(text) for _kind, text in filterset.problems()]
        problems += [
            f"Trop de valeurs pour « {name[:40]} » : {MAX_VALUES} au plus."
            for name in getattr(request, "too_many_values", [])
        ]
        if problems:
            raise ValidationError({"erreurs": problems})
        return filterset.qs


class CataloguePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw != "last" and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError({"erreurs": [f"Numéro de page invalide : « {raw[:20]} »."]})
        return raw

    def paginate_queryset(self, queryset, request, view=None):
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not (size.isdigit() and 1 <= int(size) <= self.max_page_size):
            raise ValidationError(
                {
                    "erreurs": [
                        f"Taille de page invalide : « {size[:20]} » (de 1 à {self.max_page_size})."
                    ]
                }
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise NotFound("Cette page de résultats n'existe pas.") from error


class SlugLookupMixin:
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    pagination_class = CataloguePagination


@extend_schema_view(
    list=extend_schema(
        summary=_("Fiches publiées"),
        description=_("Mêmes paramètres que la page /fiches/ ; une valeur inconnue donne une 400."),
    ),
    retrieve=extend_schema(summary=_("Une fiche publiée, avec ses sections et enseignements")),
)
class CaseStudyViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    filter_backends = [StrictFilterBackend]
    filterset_class = CaseStudyFilterSet

    def get_queryset(self):
        return CaseStudy.objects.published().with_related()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.CaseStudyDetailSerializer
        return serializers.CaseStudyListSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Territoires qui prennent part à au moins une fiche publiée")),
    retrieve=extend_schema(summary=_("Un territoire")),
)
class TerritoryViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TerritorySerializer

    def get_queryset(self):
        return (
            Territory.objects.with_published_case_count()
            .filter(case_count__gt=0)
            .prefetch_related("departements", "regions", "members")
            .order_by("name")
        )


@extend_schema_view(
    list=extend_schema(summary=_("Outils de coopération")),
    retrieve=extend_schema(summary=_("Un outil de coopération")),
)
class InstrumentViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.InstrumentSerializer

    def get_queryset(self):
        return Instrument.objects.with_published_count().order_by("position", "name")


@extend_schema_view(
    list=extend_schema(summary=_("Thématiques")),
    retrieve=extend_schema(summary=_("Une thématique")),
)
class ThemeViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ThemeSerializer

    def get_queryset(self):
        return (
            Theme.objects.with_published_count()
            .select_related("parent")
            .order_by("position", "name")
        )


@extend_schema_view(
    list=extend_schema(summary=_("Documents sources")),
    retrieve=extend_schema(summary=_("Un document source")),
)
class SourceDocumentViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SourceDocumentSerializer

    def get_queryset(self):
        return SourceDocument.objects.with_published_count().order_by("reference", "title")


@extend_schema_view(
    get=extend_schema(
        summary=_("Réseau des partenaires : liens entre parties prenantes"),
        description=_(
            "Deux parties prenantes sont liées quand elles interviennent dans une même fiche "
            "publiée ; les liens vont du plus fort au plus faible. Mêmes filtres que /fiches/."
        ),
    )
)
class NetworkLinkList(generics.ListAPIView):
    filter_backends = [StrictFilterBackend]
    filterset_class = CaseStudyFilterSet
    serializer_class = serializers.NetworkLinkSerializer
    pagination_class = CataloguePagination

    def get_queryset(self):
        return CaseStudy.objects.published()

    def list(self, request, *args, **kwargs):
        self.filter_queryset(self.get_queryset())  # a 400 for what cannot be used
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset())
        page = self.paginate_queryset(Network.of(filterset).links)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
