"""E-mail alerts: a selection of the list (its query string, read by the list's FilterSet) saved
for an address after a double opt-in, and sent as a digest of the sheets published or
substantially updated since the previous one (management command send_alerts)."""

import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    DAILY = "quotidienne", _("Chaque jour (s'il y a du nouveau)")
    WEEKLY = "hebdomadaire", _("Chaque semaine (s'il y a du nouveau)")


# A digest is due when the previous one covered up to at least this long ago (a little under
# the period, so that a daily cron run a few minutes early still sends).
PERIODS = {Frequency.DAILY: timedelta(hours=23), Frequency.WEEKLY: timedelta(days=6, hours=23)}


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def owner_key(email: str) -> str:
    """An address as the key of its alerts' page: the link carries this, never the address."""
    return salted_hmac("alerts.owner", email.strip().lower()).hexdigest()[:40]


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, now):
        """Confirmed alerts whose last digest covered up to one period ago or more."""
        condition = Q()
        for frequency, period in PERIODS.items():
            condition |= Q(frequency=frequency, covered_until__lte=now - period)
        return self.confirmed().filter(condition)

    def expired_requests(self, now, days: int):
        """Alerts never confirmed whose last confirmation link has expired."""
        return self.filter(confirmed_at__isnull=True, requested_at__lt=now - timedelta(days=days))

    def requested_since(self, hours: int, fingerprint: str):
        since = timezone.now() - timedelta(hours=hours)
        return self.filter(client_fingerprint=fingerprint, requested_at__gte=since)


class Alert(models.Model):
    email = models.EmailField(_("adresse électronique"), max_length=254)
    owner = models.CharField(max_length=40, editable=False, db_index=True, default="")
    query = models.CharField(_("sélection"), max_length=2000, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # The key of the unsubscribe link: deleting the alert revokes it.
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    requested_at = models.DateTimeField(_("dernière demande"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    # The sheets published or updated up to this time have been sent (or there were none).
    covered_until = models.DateTimeField(_("envoyée jusqu'au"), null=True, blank=True)
    client_fingerprint = models.CharField(max_length=64, editable=False, default="")

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["email", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "query"],
                name="alert_unique_selection_per_address",
                violation_error_message=_("Cette adresse suit déjà cette sélection."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(covered_until__isnull=False),
                name="alert_confirmed_has_start",
                violation_error_message=_("Une alerte confirmée part d'une date."),
            ),
        ]
        indexes = [
            models.Index(fields=["frequency", "covered_until"], name="alert_due"),
            models.Index(fields=["client_fingerprint", "requested_at"], name="alert_by_client"),
        ]

    def __str__(self):
        return f"{self.email} — {self.query or '*'}"

    def save(self, *args, **kwargs):
        self.owner = owner_key(self.email)
        super().save(*args, **kwargs)
