"""Atom feeds of newly published and updated sheets: all, per theme, per instrument."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from casestudies.filters import FACETS
from casestudies.models import CaseStudy, Instrument, Theme

FEED_LENGTH = 50


class LatestCasesFeed(Feed):
    feed_type = Atom1Feed
    title = "Catalogue des coopérations territoriales : fiches publiées et mises à jour"
    subtitle = "Les fiches de cas de coopérations entre territoires, les plus récentes d'abord."
    language = "fr"

    def link(self, obj=None):
        return reverse("casestudies:case-list")

    def selection(self, obj):
        return CaseStudy.objects.published()

    def items(self, obj=None):
        return (
            self.selection(obj)
            .prefetch_related("themes")
            .order_by("-updated_at", "title")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]


class ThemeCasesFeed(LatestCasesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj):
        return f"Coopérations territoriales : {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def selection(self, obj):
        return CaseStudy.objects.published().filter(FACETS["theme"].matching([obj.slug]))


class InstrumentCasesFeed(LatestCasesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Instrument, slug=slug)

    def title(self, obj):
        return f"Coopérations territoriales : {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def selection(self, obj):
        return obj.cases.published()
