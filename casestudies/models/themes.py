"""Themes of cooperation (two levels) and the other reference vocabularies stored as tables."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .counts import PublishedCountQuerySet


class Theme(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("thématique parente"),
    )
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    description = models.TextField(_("description"), blank=True)

    objects = PublishedCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="theme_not_its_own_parent",
                violation_error_message=_("Une thématique ne peut pas être sa propre parente."),
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self):
        return reverse("casestudies:theme-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {
                    "parent": _(
                        "Les thématiques n'ont que deux niveaux : choisissez un thème racine."
                    )
                }
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": _("Une thématique ne peut pas être sa propre parente.")}
            )


class CooperationType(models.Model):
    """Infraterritoriale, interterritoriale de proximité, distante, urbain–rural…"""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("type de coopération")
        verbose_name_plural = _("types de coopération")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class LessonCategory(models.Model):
    """The ANCT's six success factors plus two the other sources stress."""

    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("catégorie d'enseignement")
        verbose_name_plural = _("catégories d'enseignement")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"
