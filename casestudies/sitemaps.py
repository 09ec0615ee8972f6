"""sitemap.xml: every public page that search engines should know."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from casestudies.models import (
    CaseStudy,
    Instrument,
    Organisation,
    Participation,
    PublicationStatus,
    Territory,
    Theme,
)


class CaseSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 5000

    def items(self):
        return CaseStudy.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class TerritorySitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        published = Participation.objects.filter(
            territory=OuterRef("pk"), case__publication_status=PublicationStatus.PUBLISHED
        )
        return Territory.objects.filter(Exists(published)).only("slug").order_by("pk")


class OrganisationSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        published = Participation.objects.filter(
            organisation=OuterRef("pk"), case__publication_status=PublicationStatus.PUBLISHED
        )
        return Organisation.objects.filter(Exists(published)).only("slug").order_by("pk")


class InstrumentSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Instrument.objects.only("slug").order_by("pk")


class ThemeSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Theme.objects.only("slug").order_by("pk")


class PageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return [
            "casestudies:home", "casestudies:case-list", "casestudies:territory-list",
            "casestudies:instrument-list", "casestudies:theme-list", "casestudies:lesson-list",
            "casestudies:source-list", "casestudies:map", "casestudies:network",
            "casestudies:statistics", "casestudies:api-docs", "casestudies:accessibility",
        ]  # fmt: skip

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "fiches": CaseSitemap,
    "territoires": TerritorySitemap,
    "organisations": OrganisationSitemap,
    "outils": InstrumentSitemap,
    "thematiques": ThemeSitemap,
}
