"""Sends the alerts' digests that are due (daily or weekly, as each subscriber chose).

Run it once a day (cron, systemd timer: see the README, « Alertes par courriel »). It is
idempotent: running it twice sends nothing twice; after a failure, run it again.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alerts.digest import send_digests


class Command(BaseCommand):
    help = "Envoie les alertes par courriel dont le résumé est dû."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Dit ce qui serait envoyé, sans rien envoyer."
        )
        parser.add_argument(
            "--now", help="Date et heure de l'envoi (ISO 8601), pour les essais ; maintenant sinon."
        )

    def handle(self, *args, dry_run=False, now=None, **options):
        if not settings.SITE_URL:
            raise CommandError(
                "SITE_URL doit être défini (https://…) : "
                "les courriels portent des liens vers le site."
            )
        moment = parse_datetime(now) if now else timezone.now()
        if moment is None:
            raise CommandError(f"Date illisible : {now} (attendu : ISO 8601, 2026-12-08T07:15).")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        report = send_digests(moment, dry_run=dry_run)
        verb = "à envoyer" if dry_run else "envoyés"
        self.stdout.write(
            f"{report.due} alertes dues, {report.selections} sélections distinctes ; "
            f"résumés {verb} : {len(report.recipients)} ; sans nouveauté : {report.nothing_new} ; "
            f"demandes non confirmées effacées : {report.expired_requests} ; "
            f"adresses refusées par le relais : {report.refused} ; "
            f"sélections devenues inconnues : {len(report.stale)}."
        )
