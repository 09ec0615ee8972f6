"""``manage.py check_links``: asks every external address of the published sheets whether it
still answers, and stores the answer (the admin lists the broken ones). Run it weekly."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from casestudies.links import check_all, published_links
from casestudies.models import LinkCheck


class Command(BaseCommand):
    help = "Vérifie les liens externes des fiches publiées et enregistre le résultat."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=settings.LINK_CHECK_CONCURRENCY)
        parser.add_argument("--timeout", type=float, default=settings.LINK_CHECK_TIMEOUT)

    def handle(self, *args, concurrency, timeout, **options):
        links = published_links()
        results = check_all(links, concurrency, timeout)
        now = timezone.now()
        with transaction.atomic():
            LinkCheck.objects.exclude(url__in=list(links)).delete()
            for result in results:
                check, _created = LinkCheck.objects.update_or_create(
                    url=result.url,
                    defaults={
                        "ok": result.ok,
                        "status": result.status,
                        "error": result.error,
                        "final_url": result.final_url,
                        "checked_at": now,
                    },
                )
                check.cases.set(links[result.url])
        broken = sum(not result.ok for result in results)
        self.stdout.write(f"{len(results)} liens vérifiés, {broken} en échec.")
