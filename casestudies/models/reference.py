"""Official territorial reference data (Etalab « découpage administratif »), read-only for staff.

One table ordered by scale — région > département > EPCI > commune — with the stored
« contained in » relation (a commune in its EPCI, département and région; an EPCI in the
départements and régions of its communes; a département in its région). Catalogue territories
link to their official record by code.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceKind(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI à fiscalité propre ou EPT")
    COMMUNE = "commune", _("Commune")


class EpciType(models.TextChoices):
    METROPOLE = "METRO", _("Métropole")
    URBAINE = "CU", _("Communauté urbaine")
    AGGLOMERATION = "CA", _("Communauté d'agglomération")
    COMMUNES = "CC", _("Communauté de communes")
    EPT = "EPT", _("Établissement public territorial")
    AUTRE = "", _("Autre")


class ReferenceArea(models.Model):
    kind = models.CharField(_("niveau"), max_length=20, choices=ReferenceKind.choices)
    code = models.CharField(
        _("code officiel"), max_length=9, help_text=_("Code INSEE, ou SIREN pour un EPCI.")
    )
    name = models.CharField(_("nom"), max_length=200, db_index=True)
    epci_type = models.CharField(
        _("nature de l'EPCI"), max_length=5, choices=EpciType.choices, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    contained_in = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="contains",
        verbose_name=_("compris dans"),
    )

    class Meta:
        verbose_name = _("référentiel officiel")
        verbose_name_plural = _("référentiel officiel (Etalab)")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="reference_area_unique_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()} {self.code})"

    def containers(self, kind):
        return [area for area in self.contained_in.all() if area.kind == kind]
