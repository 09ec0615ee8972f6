"""A change to a published sheet by someone who may not publish: kept as a revision of the
history (django-reversion) until an Éditeur accepts or refuses it; the public page, search,
exports and API keep the published version meanwhile."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingStatus(models.TextChoices):
    WAITING = "en-attente", _("En attente de relecture")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")


class PendingRevisionQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=PendingStatus.WAITING)


class PendingRevision(models.Model):
    case = models.ForeignKey(
        "casestudies.CaseStudy",
        on_delete=models.CASCADE,
        related_name="pending_revisions",
        verbose_name=_("fiche"),
    )
    # The sheet's version holding the proposed state (its revision holds the sheet's lines).
    version = models.ForeignKey(
        "reversion.Version", on_delete=models.CASCADE, related_name="+", verbose_name=_("version")
    )
    # The published state it was made from (what « Différences » compares it with).
    base = models.ForeignKey(
        "reversion.Version",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("version de départ"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=PendingStatus.choices,
        default=PendingStatus.WAITING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    comment = models.TextField(_("commentaire de relecture"), blank=True)

    objects = PendingRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("modification en attente")
        verbose_name_plural = _("modifications en attente")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case} — {self.get_status_display()}"
