"""``manage.py site_fingerprint``: a digest of what the public site serves, page by page.

Used by the restore drill (scripts/restore_drill.sh): the fingerprints of the production
database and of a database restored from its backup must be identical. Each line gives a page,
its status, the number of published sheets it counts (for lists) and a digest of its body, with
the per-request CSRF token blanked out.
"""

import hashlib
import re

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import Client
from django.urls import reverse

from casestudies.models import CaseStudy, Instrument, Territory, Theme

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def pages():
    first = CaseStudy.objects.published().order_by("pk").first()
    territory = Territory.objects.filter(participations__isnull=False).order_by("pk").first()
    urls = [
        reverse("casestudies:home"),
        reverse("casestudies:case-list"),
        reverse("casestudies:case-list") + "?theme=alimentation-et-agriculture&sort=titre",
        reverse("casestudies:case-list") + "?q=coop%C3%A9ration",
        reverse("casestudies:statistics"),
        reverse("casestudies:map"),
        reverse("casestudies:lesson-list"),
        reverse("casestudies:source-list"),
        reverse("casestudies:instrument-list"),
        reverse("casestudies:theme-list"),
        reverse("casestudies:territory-list"),
        reverse("casestudies:case-export-csv"),
        reverse("casestudies:api-case-list"),
    ]
    if first:
        urls.append(first.get_absolute_url())
    if territory:
        urls.append(territory.get_absolute_url())
    urls += [i.get_absolute_url() for i in Instrument.objects.order_by("pk")[:3]]
    urls += [t.get_absolute_url() for t in Theme.objects.order_by("pk")[:3]]
    return urls


class Command(BaseCommand):
    help = "Empreinte des pages publiques (exercice de restauration d'une sauvegarde)."

    def handle(self, *args, **options):
        host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
        client = Client(HTTP_HOST=host.lstrip("."), HTTP_ACCEPT_LANGUAGE="fr")
        self.stdout.write(f"fiches publiées : {CaseStudy.objects.published().count()}")
        for url in pages():
            response = client.get(url, secure=True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            digest = hashlib.sha256(CSRF.sub(b"", body)).hexdigest()[:16]
            self.stdout.write(f"{response.status_code} {digest} {url}")
