"""Non-territorial parties: chambres, associations, clusters, State services, networks…"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casestudies.validators import SIREN_PATTERN, validate_siren

from .choices import OrganisationKind


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=50, blank=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=200, unique=True)
    kind = models.CharField(
        _("type"), max_length=40, choices=OrganisationKind.choices, db_index=True
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    territory = models.ForeignKey(
        "casestudies.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("territoire d'implantation"),
    )
    website = models.URLField(_("site internet"), blank=True)
    description = models.TextField(_("présentation courte"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=SIREN_PATTERN),
                name="organisation_siren_shape",
                violation_error_message=_("Le SIREN doit compter exactement 9 chiffres."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("casestudies:organisation-detail", kwargs={"slug": self.slug})
