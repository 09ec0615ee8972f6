"""Themes (« thématiques »): the list with counts, and each theme's first sheets."""

from django.views.generic import DetailView, ListView

from casestudies.caching import cached
from casestudies.filters import theme_matching
from casestudies.models import CaseStudy, Theme
from casestudies.views.instruments import first_sheets


class ThemeListView(ListView):
    template_name = "casestudies/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        themes = Theme.objects.with_published_count().order_by("position", "name")
        return cached("theme-list", "", lambda: list(themes))


class ThemeDetailView(DetailView):
    template_name = "casestudies/theme_detail.html"
    context_object_name = "theme"
    queryset = Theme.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A root theme shows the sheets of its sub-themes too, as the list filter does.
        cases = CaseStudy.objects.published().filter(theme_matching([self.object.slug]))
        context.update(first_sheets(cases, "theme", self.object.slug))
        return context
