"""Cooperation instruments ("outils de coopération"): contracts, conventions, structures…"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import InstrumentFamily
from .counts import PublishedCountQuerySet


class Instrument(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=200, unique=True)
    family = models.CharField(
        _("famille"), max_length=20, choices=InstrumentFamily.choices, db_index=True
    )
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    legal_basis = models.TextField(
        _("base juridique"),
        blank=True,
        help_text=_(
            "La référence exacte, vérifiée sur Légifrance : code et article, loi (numéro et date). "
            "Par exemple : CGCT, art. L5221-1 et L5221-2."
        ),
    )
    definition = models.TextField(_("définition"), blank=True)
    distinctions = models.TextField(
        _("ce que cet outil n'est pas"),
        blank=True,
        help_text=_(
            "Les limites de l'outil et les confusions à éviter (par exemple : une entente n'a pas "
            "de personnalité juridique)."
        ),
    )
    # The instrument-sheet fields of the slides « Quels outils pour formaliser des coopérations ? ».
    triggers = models.TextField(_("éléments déclencheurs"), blank=True)
    partners_scale = models.TextField(_("partenaires et échelle"), blank=True)
    stakes = models.TextField(_("enjeux"), blank=True)
    ambitions = models.TextField(_("ambitions"), blank=True)
    purpose = models.TextField(_("objet"), blank=True)
    actors = models.TextField(_("acteurs"), blank=True)
    examples = models.TextField(
        _("exemples hors catalogue"),
        blank=True,
        help_text=_("Exemples cités par les sources sans faire l'objet d'une fiche."),
    )
    links = models.TextField(_("liens utiles"), blank=True, help_text=_("Un lien par ligne."))

    objects = PublishedCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("outil de coopération")
        verbose_name_plural = _("outils de coopération")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("casestudies:instrument-detail", kwargs={"slug": self.slug})
