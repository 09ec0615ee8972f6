"""Atom feeds of newly published and updated sheets: any selection of the list, per theme, per
instrument, per territory. The publisher is the feed's author (RFC 4287 asks for one)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from casestudies.context_processors import publisher
from casestudies.filters import FACETS, CaseStudyFilterSet, carried_query
from casestudies.models import CaseStudy, Instrument, Territory, Theme

FEED_LENGTH = 50


class LatestCasesFeed(Feed):
    """/fiches/flux/?<the list's parameters>: the sheets of that selection."""

    feed_type = Atom1Feed
    subtitle = "Les fiches de cas de coopérations entre territoires, les plus récentes d'abord."
    language = "fr"

    def get_object(self, request, *args, **kwargs):
        # The object is the selection's parameters (one Feed instance serves every request).
        return request.GET

    def title(self, obj):
        base = "Catalogue des coopérations territoriales : fiches publiées et mises à jour"
        return f"{base} (sélection)" if carried_query(obj) else base

    def link(self, obj):
        return reverse("casestudies:case-list") + carried_query(obj)

    def feed_url(self, obj):
        return reverse("casestudies:case-feed") + carried_query(obj)

    def author_name(self):
        return str(publisher().display_name)

    def author_link(self):
        return publisher().url or reverse("casestudies:about")

    def selection(self, obj):
        return CaseStudyFilterSet(obj, queryset=CaseStudy.objects.published()).qs

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


class ObjectCasesFeed(LatestCasesFeed):
    """The sheets of one theme, instrument or territory."""

    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj):
        return f"Coopérations territoriales : {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return None  # Django's default: the feed's own address


class ThemeCasesFeed(ObjectCasesFeed):
    model = Theme

    def selection(self, obj):
        return CaseStudy.objects.published().filter(FACETS["theme"].matching([obj.slug]))


class InstrumentCasesFeed(ObjectCasesFeed):
    model = Instrument

    def selection(self, obj):
        return obj.cases.published()


class TerritoryCasesFeed(ObjectCasesFeed):
    model = Territory

    def selection(self, obj):
        return CaseStudy.objects.published().involving_territory(obj)
