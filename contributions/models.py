"""Proposals sent by the public through /contribuer/: never published as they are, they wait in
the admin's moderation queue until an editor refuses them or turns them into a draft sheet."""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casestudies.models.cases import year_range_check
from casestudies.validators import year_validators


class ProposalKind(models.TextChoices):
    NEW = "nouvelle-cooperation", _("Nouvelle coopération")
    UPDATE = "mise-a-jour", _("Mise à jour d'une fiche")


class ProposalStatus(models.TextChoices):
    NEW = "nouvelle", _("Nouvelle")
    IN_PROGRESS = "en-cours", _("En cours d'examen")
    ACCEPTED = "retenue", _("Retenue")
    REFUSED = "refusee", _("Refusée")


class ProposalQuerySet(models.QuerySet):
    def awaiting(self):
        return self.filter(status__in=[ProposalStatus.NEW, ProposalStatus.IN_PROGRESS])

    def received_since(self, hours: int, fingerprint: str | None = None):
        recent = self.filter(created_at__gte=timezone.now() - timedelta(hours=hours))
        return recent if fingerprint is None else recent.filter(client_fingerprint=fingerprint)


class Proposal(models.Model):
    kind = models.CharField(
        _("nature"), max_length=30, choices=ProposalKind.choices, default=ProposalKind.NEW
    )
    case = models.ForeignKey(
        "casestudies.CaseStudy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("fiche à mettre à jour"),
    )
    title = models.CharField(_("titre de la coopération"), max_length=200)
    partners = models.JSONField(
        _("partenaires"),
        default=list,
        blank=True,
        help_text=_("Chaque nom saisi, rapproché d'un territoire ou d'une organisation connus."),
    )
    instrument = models.ForeignKey(
        "casestudies.Instrument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outil de coopération"),
    )
    instrument_other = models.CharField(_("autre outil"), max_length=200, blank=True)
    themes = models.ManyToManyField(
        "casestudies.Theme", blank=True, related_name="+", verbose_name=_("thématiques")
    )
    start_year = models.PositiveSmallIntegerField(
        _("année de début"), null=True, blank=True, validators=year_validators
    )
    end_year = models.PositiveSmallIntegerField(
        _("année de fin"), null=True, blank=True, validators=year_validators
    )
    description = models.TextField(_("la coopération en quelques lignes"), max_length=5000)
    successes = models.TextField(_("ce qui a fonctionné"), max_length=3000, blank=True)
    obstacles = models.TextField(_("ce qui a freiné"), max_length=3000, blank=True)
    links = models.TextField(_("liens"), max_length=2000, blank=True)
    contributor_name = models.CharField(_("nom"), max_length=150)
    contributor_organisation = models.CharField(_("organisme"), max_length=200, blank=True)
    contributor_email = models.EmailField(_("adresse électronique"), max_length=254)

    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.NEW,
        db_index=True,
    )
    moderation_note = models.TextField(_("note de modération"), blank=True)
    draft = models.ForeignKey(
        "casestudies.CaseStudy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("fiche brouillon créée"),
    )
    # A keyed digest of the sender's address (cooperations/client_address.py): rate limits only.
    client_fingerprint = models.CharField(max_length=64, editable=False, default="")
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client_fingerprint", "created_at"], name="proposal_by_client")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="proposal_ends_after_it_starts",
                violation_error_message=_("L'année de fin précède l'année de début."),
            ),
            year_range_check("start_year", "proposal_start_year_plausible"),
            year_range_check("end_year", "proposal_end_year_plausible"),
        ]

    def __str__(self):
        return self.title

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]
