"""Public territorial bodies taking part in cooperations (communes to régions, PETR, PNR…)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casestudies.validators import (
    COMMUNE_CODE_PATTERN,
    DEPARTEMENT_CODE_PATTERN,
    REGION_CODE_PATTERN,
    SIREN_PATTERN,
    validate_insee_code,
    validate_siren,
)

from .choices import PublicationStatus, TerritoryKind

INSEE_SHAPE_BY_KIND = {
    TerritoryKind.COMMUNE: (
        COMMUNE_CODE_PATTERN,
        _("Le code INSEE d'une commune compte 5 caractères (63113, ou 2A004 en Corse)."),
    ),
    TerritoryKind.DEPARTEMENT: (
        DEPARTEMENT_CODE_PATTERN,
        _("Le code d'un département compte 2 ou 3 caractères (63, 2A, 974)."),
    ),
    TerritoryKind.REGION: (
        REGION_CODE_PATTERN,
        _("Le code d'une région compte 2 chiffres (84 pour Auvergne-Rhône-Alpes)."),
    ),
}


class TerritoryQuerySet(models.QuerySet):
    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)

    def departements(self):
        return self.filter(kind=TerritoryKind.DEPARTEMENT)

    def regions(self):
        return self.filter(kind=TerritoryKind.REGION)

    def participations(self):
        # The parties of the sheets (models/cases.py, which imports this module).
        return self.model.participations.rel.related_model.objects

    def in_published_cases(self):
        """Territories that take part in at least one published sheet."""
        return self.filter(
            Exists(
                self.participations().filter(
                    territory=OuterRef("pk"), case__publication_status=PublicationStatus.PUBLISHED
                )
            )
        )

    def with_published_case_count(self):
        """``case_count``: the published sheets each territory takes part in."""
        sheets = (
            self.participations()
            .filter(territory=OuterRef("pk"), case__publication_status=PublicationStatus.PUBLISHED)
            .order_by()
            .values("territory")
            .annotate(count=Count("case", distinct=True))
            .values("count")
        )
        return self.annotate(case_count=Coalesce(Subquery(sheets), 0))


class Territory(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=40, choices=TerritoryKind.choices, db_index=True)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("9 chiffres, pour les EPCI, syndicats et autres groupements."),
    )
    insee_code = models.CharField(
        _("code INSEE"),
        max_length=5,
        blank=True,
        validators=[validate_insee_code],
        help_text=_("Pour les communes, départements et régions uniquement."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_note = models.CharField(
        _("précision sur la population"),
        max_length=200,
        blank=True,
        help_text=_("Année ou source du chiffre, tel que le donne la source."),
    )
    country = models.CharField(
        _("pays"),
        max_length=100,
        blank=True,
        help_text=_("À renseigner pour un territoire étranger ; vide signifie France."),
    )
    departements = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="territories_in_departement",
        limit_choices_to={"kind": TerritoryKind.DEPARTEMENT},
        verbose_name=_("départements"),
    )
    regions = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="territories_in_region",
        limit_choices_to={"kind": TerritoryKind.REGION},
        verbose_name=_("régions"),
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="groupings",
        verbose_name=_("membres"),
        help_text=_("Les EPCI d'un PETR ou d'un pôle métropolitain, les communes d'un EPCI…"),
    )
    website = models.URLField(_("site internet"), blank=True)
    description = models.TextField(_("présentation courte"), blank=True)
    reference = models.ForeignKey(
        "casestudies.ReferenceArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="territories",
        verbose_name=_("fiche officielle"),
        help_text=_("L'enregistrement du référentiel Etalab qui correspond à ce territoire."),
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=SIREN_PATTERN),
                name="territory_siren_shape",
                violation_error_message=_("Le SIREN doit compter exactement 9 chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(insee_code="")
                | Q(kind=TerritoryKind.COMMUNE, insee_code__regex=COMMUNE_CODE_PATTERN)
                | Q(kind=TerritoryKind.DEPARTEMENT, insee_code__regex=DEPARTEMENT_CODE_PATTERN)
                | Q(kind=TerritoryKind.REGION, insee_code__regex=REGION_CODE_PATTERN),
                name="territory_insee_code_shape",
                violation_error_message=_(
                    "Le code INSEE ne correspond pas au type de territoire "
                    "(réservé aux communes, départements et régions)."
                ),
            ),
            models.UniqueConstraint(
                fields=["siren"],
                condition=~Q(siren=""),
                name="territory_unique_siren",
                violation_error_message=_("Un autre territoire porte déjà ce SIREN."),
            ),
            models.UniqueConstraint(
                fields=["kind", "insee_code"],
                condition=~Q(insee_code=""),
                name="territory_unique_insee_code",
                violation_error_message=_("Un autre territoire de ce type porte déjà ce code."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("casestudies:territory-detail", kwargs={"slug": self.slug})

    @property
    def official_code(self):
        return self.insee_code or self.siren

    def clean(self):
        super().clean()
        if self.insee_code:
            shape = INSEE_SHAPE_BY_KIND.get(self.kind)
            if shape is None:
                raise ValidationError(
                    {
                        "insee_code": _(
                            "Seuls les communes, départements et régions ont un code INSEE ; "
                            "pour un groupement, renseignez le SIREN."
                        )
                    }
                )
            pattern, message = shape
            if not re.match(pattern, self.insee_code):
                raise ValidationError({"insee_code": message})
