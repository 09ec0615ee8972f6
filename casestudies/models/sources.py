"""Source documents the case sheets are drawn from."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casestudies.validators import YEAR_MAX, YEAR_MIN, year_validators

from .choices import SourceKind
from .counts import PublishedCountQuerySet


class SourceQuerySet(PublishedCountQuerySet):
    sheets_path = "citations__case"


class SourceDocument(models.Model):
    title = models.CharField(_("titre"), max_length=300)
    short_title = models.CharField(_("titre court"), max_length=120, blank=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    reference = models.CharField(
        _("cote"),
        max_length=20,
        blank=True,
        help_text=_("Numéro du document dans le corpus (000 à 004 pour les sources initiales)."),
    )
    publisher = models.CharField(_("éditeur(s)"), max_length=300)
    year = models.PositiveSmallIntegerField(
        _("année"),
        null=True,
        blank=True,
        validators=year_validators,
        help_text=_("Laisser vide si le document n'est pas daté."),
    )
    date_note = models.CharField(_("précision sur la date"), max_length=200, blank=True)
    kind = models.CharField(_("nature"), max_length=20, choices=SourceKind.choices)
    url = models.URLField(_("adresse"), blank=True)
    licence = models.CharField(
        _("licence ou conditions de réutilisation"), max_length=300, blank=True
    )
    summary = models.TextField(_("résumé"), blank=True)
    key_figures = models.TextField(_("chiffres clés"), blank=True)
    line_count = models.PositiveIntegerField(
        _("nombre de lignes de la version texte"),
        null=True,
        blank=True,
        help_text=_("Permet de vérifier que les citations par lignes restent dans le document."),
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("document source")
        verbose_name_plural = _("documents sources")
        ordering = ["reference", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="source_year_plausible",
                violation_error_message=_(
                    "L'année du document doit être comprise entre 1950 et 2100."
                ),
            ),
        ]

    def __str__(self):
        return self.short_title or self.title

    @property
    def year_display(self):
        return self.year or _("non daté")
